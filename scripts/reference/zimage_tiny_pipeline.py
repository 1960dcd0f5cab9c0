"""Builds the tiny random Z-Image pipeline (all components) and saves it in the diffusers layout."""

import os
import shutil

import torch
from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, ZImagePipeline, ZImageTransformer2DModel
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import Qwen2Tokenizer, Qwen3Config, Qwen3Model

from zimage_common import FIXTURES, randomize_parameters
from zimage_scheduler_cases import ZIMAGE_TURBO_SCHEDULER

PIPELINE_DIR = os.path.join(FIXTURES, "pipeline")

TRANSFORMER_CONFIG = dict(
    all_patch_size=(2,), all_f_patch_size=(1,), in_channels=16, dim=64, n_layers=2, n_refiner_layers=2,
    n_heads=4, n_kv_heads=4, norm_eps=1e-5, qk_norm=True, cap_feat_dim=32, rope_theta=256.0, t_scale=1000.0,
    axes_dims=[4, 6, 6], axes_lens=[160, 40, 40],
)

# The Flux/Z-Image VAE layout (4 blocks: 8x downsampling, 16 latent channels, no quant convs,
# the published scaling/shift factors) with tiny channel counts.
VAE_CONFIG = dict(
    in_channels=3, out_channels=3, latent_channels=16,
    down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
    block_out_channels=[8, 16, 32, 32], layers_per_block=1, norm_num_groups=4, act_fn="silu",
    sample_size=64, scaling_factor=0.3611, shift_factor=0.1159, use_quant_conv=False, use_post_quant_conv=False,
    mid_block_add_attention=True, force_upcast=True,
)

# The Qwen2 pre-tokenizer split (transformers/models/qwen2/tokenization_qwen2.py).
QWEN2_SPLIT = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

# A reduced Qwen3 chat template: identical output to Qwen3's for a single user message with
# add_generation_prompt=True (enable_thinking=True adds nothing; False adds the empty think block).
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}"
    "{%- endif %}"
)

CORPUS = [
    "A food delivery store page with a coupon popup covering the order button.",
    "Permission dialog asking for location access over a travel booking screen.",
    "Network error page with a retry button, toast says network unstable.",
    "美团外卖店铺页面，优惠券弹窗遮挡了下单按钮。",
    "火车票查询结果为空，显示暂无余票，请更换日期。",
    "支付失败：余额不足，请选择其他支付方式。",
    "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n",
]
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def build_tokenizer(vocab_size=400, special_tokens=SPECIAL_TOKENS):
    """A Qwen2-style byte-level BPE trained on CORPUS; `special_tokens[0]` is the pad token."""
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=special_tokens,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS * 4, trainer=trainer)
    model = tok.get_vocab(with_added_tokens=False)
    merges = [tuple(m) if isinstance(m, (tuple, list)) else tuple(m.split(" ")) for m in _merges(tok)]
    hf = Qwen2Tokenizer(vocab=model, merges=merges, unk_token=None, bos_token=None,
                        eos_token="<|im_end|>", pad_token="<|endoftext|>")
    hf.add_special_tokens({"additional_special_tokens": special_tokens[1:]})
    hf.chat_template = CHAT_TEMPLATE
    hf.model_max_length = 131072
    return hf


def _merges(tok):
    import json
    return json.loads(tok.to_str())["model"]["merges"]


def build_text_encoder(vocab_size):
    config = Qwen3Config(
        vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, head_dim=8, hidden_act="silu", max_position_embeddings=1024, rms_norm_eps=1e-6,
        rope_theta=1000000.0, tie_word_embeddings=True, attention_bias=False, use_sliding_window=False,
    )
    model = Qwen3Model(config)
    randomize_parameters(model, seed=3)
    return model.eval()


def build_transformer():
    model = ZImageTransformer2DModel(**TRANSFORMER_CONFIG)
    randomize_parameters(model, seed=1)
    return model.eval()


def build_vae():
    model = AutoencoderKL(**VAE_CONFIG)
    randomize_parameters(model, seed=2)
    return model.eval()


def build_and_save():
    """Saves the pipeline with bfloat16 weights (as the published checkpoints are) and returns it
    reloaded in float32, so that every reference output is computed from exactly the stored values."""
    torch.manual_seed(0)
    tokenizer = build_tokenizer()
    text_encoder = build_text_encoder(len(tokenizer))
    pipe = ZImagePipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(**ZIMAGE_TURBO_SCHEDULER),
        vae=build_vae().to(torch.bfloat16),
        text_encoder=text_encoder.to(torch.bfloat16),
        tokenizer=tokenizer,
        transformer=build_transformer().to(torch.bfloat16),
    )
    if os.path.isdir(PIPELINE_DIR):
        shutil.rmtree(PIPELINE_DIR)
    pipe.save_pretrained(PIPELINE_DIR, safe_serialization=True)
    loaded = ZImagePipeline.from_pretrained(PIPELINE_DIR, torch_dtype=torch.float32)
    loaded.set_progress_bar_config(disable=True)
    return loaded
