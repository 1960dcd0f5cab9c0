"""Every parameter name and shape of the published full-size Z-Image Turbo components (meta device: no weights)."""

import torch
from diffusers import AutoencoderKL, ZImageTransformer2DModel
from transformers import Qwen3Config, Qwen3Model

from zimage_common import fixture_path, write_json

# Tongyi-MAI/Z-Image-Turbo transformer/config.json (as quoted verbatim by several public ports).
TRANSFORMER = dict(all_f_patch_size=[1], all_patch_size=[2], axes_dims=[32, 48, 48], axes_lens=[1536, 512, 512],
                   cap_feat_dim=2560, dim=3840, in_channels=16, n_heads=30, n_kv_heads=30, n_layers=30,
                   n_refiner_layers=2, norm_eps=1e-05, qk_norm=True, rope_theta=256.0, t_scale=1000.0)
# text_encoder/config.json (Qwen3-4B).
TEXT_ENCODER = dict(head_dim=128, hidden_act="silu", hidden_size=2560, intermediate_size=9728,
                    max_position_embeddings=40960, num_attention_heads=32, num_hidden_layers=36,
                    num_key_value_heads=8, rms_norm_eps=1e-06, rope_theta=1000000, tie_word_embeddings=True,
                    vocab_size=151936, attention_bias=False)
# vae/config.json (the FLUX.1 VAE).
VAE = dict(act_fn="silu", block_out_channels=[128, 256, 512, 512], down_block_types=["DownEncoderBlock2D"] * 4,
           up_block_types=["UpDecoderBlock2D"] * 4, force_upcast=True, in_channels=3, latent_channels=16,
           layers_per_block=2, mid_block_add_attention=True, norm_num_groups=32, out_channels=3, sample_size=1024,
           scaling_factor=0.3611, shift_factor=0.1159, use_post_quant_conv=False, use_quant_conv=False)


def _listing(model):
    params = {name: list(p.shape) for name, p in model.state_dict().items()}
    return {"count": len(params), "numel": sum(int(torch.tensor(s).prod()) if s else 1 for s in params.values()),
            "parameters": params}


def make():
    with torch.device("meta"):
        transformer = ZImageTransformer2DModel(**TRANSFORMER)
        text_encoder = Qwen3Model(Qwen3Config(**TEXT_ENCODER))
        vae = AutoencoderKL(**VAE)
    write_json(fixture_path("full_size_keys.json"), {
        "generator": "scripts/reference/make_zimage_fixtures.py (state_dict() of meta-device models)",
        "sources": "configs of Tongyi-MAI/Z-Image-Turbo as quoted verbatim in public ports (not downloaded)",
        "transformer": {"config": TRANSFORMER, **_listing(transformer)},
        "text_encoder": {"class": "Qwen3Model", "config": TEXT_ENCODER, **_listing(text_encoder)},
        "vae": {"config": VAE, **_listing(vae)},
    }, compact=True)
    print("full_size_keys.json written")
