"""Builds the tiny random ZImageOmniPipeline (Z-Image-Edit / Omni) and saves it in the diffusers layout.

The VAE, text encoder and scheduler are the plain Z-Image fixture's (symlinked, to keep the fixture small);
the tokenizer is retrained with Qwen's vision markers as special tokens (same vocabulary size, so the text
encoder fits); the transformer (with siglip_feat_dim) and the SigLIP2 vision tower are new.
"""

import os
import shutil

import torch
from diffusers import (AutoencoderKL, FlowMatchEulerDiscreteScheduler, ZImageOmniPipeline,
                       ZImageTransformer2DModel)
from transformers import Qwen3Model, Siglip2ImageProcessor, Siglip2VisionConfig, Siglip2VisionModel

from zimage_common import FIXTURES, randomize_parameters
from zimage_tiny_pipeline import PIPELINE_DIR
from zimage_tiny_pipeline import build_tokenizer as build_text_tokenizer

OMNI_FIXTURES = os.path.join(os.path.dirname(FIXTURES), "zimage_omni")
OMNI_DIR = os.path.join(OMNI_FIXTURES, "pipeline")
SHARED = ["vae", "text_encoder", "scheduler"]  # symlinked to ../../zimage/pipeline/<name>

SIGLIP_HIDDEN = 32
TRANSFORMER_CONFIG = dict(
    all_patch_size=(2,), all_f_patch_size=(1,), in_channels=16, dim=32, n_layers=2, n_refiner_layers=1,
    n_heads=2, n_kv_heads=2, norm_eps=1e-5, qk_norm=True, cap_feat_dim=32, siglip_feat_dim=SIGLIP_HIDDEN,
    rope_theta=256.0, t_scale=1000.0, axes_dims=[4, 6, 6], axes_lens=[160, 40, 40],
)
# So400m-naflex layout (patch embedding as a Linear, learned 2-D position table, pooling head) in miniature.
SIGLIP_CONFIG = dict(hidden_size=SIGLIP_HIDDEN, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                     num_channels=3, num_patches=16, patch_size=4, hidden_act="gelu_pytorch_tanh",
                     layer_norm_eps=1e-6, vision_use_head=True)
PROCESSOR_CONFIG = dict(patch_size=4, max_num_patches=48)

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>"]


def build_tokenizer(vocab_size=400):
    # The text-to-image fixture's tokenizer, retrained with the vision markers as special tokens (same vocab size,
    # so the shared text encoder fits).
    hf = build_text_tokenizer(vocab_size, special_tokens=SPECIAL_TOKENS)
    assert len(hf) == vocab_size, len(hf)
    return hf


def build_transformer():
    model = ZImageTransformer2DModel(**TRANSFORMER_CONFIG)
    randomize_parameters(model, seed=21)
    return model.eval()


def build_siglip():
    model = Siglip2VisionModel(Siglip2VisionConfig(**SIGLIP_CONFIG))
    randomize_parameters(model, seed=22)
    return model.eval()


def build_and_save():
    """Saves the pipeline (bfloat16 weights) and returns it reloaded in float32."""
    torch.manual_seed(0)
    shared = dict(
        vae=AutoencoderKL.from_pretrained(os.path.join(PIPELINE_DIR, "vae"), torch_dtype=torch.bfloat16),
        text_encoder=Qwen3Model.from_pretrained(os.path.join(PIPELINE_DIR, "text_encoder"), dtype=torch.bfloat16),
        scheduler=FlowMatchEulerDiscreteScheduler.from_pretrained(os.path.join(PIPELINE_DIR, "scheduler")),
    )
    pipe = ZImageOmniPipeline(
        tokenizer=build_tokenizer(),
        transformer=build_transformer().to(torch.bfloat16),
        siglip=build_siglip().to(torch.bfloat16),
        siglip_processor=Siglip2ImageProcessor(**PROCESSOR_CONFIG),
        **shared,
    )
    if os.path.isdir(OMNI_DIR):
        shutil.rmtree(OMNI_DIR)
    pipe.save_pretrained(OMNI_DIR, safe_serialization=True)
    # The shared components hold exactly the plain fixture's values: link them instead of storing a copy.
    for name in SHARED:
        shutil.rmtree(os.path.join(OMNI_DIR, name))
        os.symlink(os.path.join("..", "..", "zimage", "pipeline", name), os.path.join(OMNI_DIR, name))
    loaded = ZImageOmniPipeline.from_pretrained(OMNI_DIR, torch_dtype=torch.float32)
    loaded.set_progress_bar_config(disable=True)
    return loaded
