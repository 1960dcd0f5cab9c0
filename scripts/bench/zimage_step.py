"""diffusers' side of `scripts/bench/zimage-step` (dev-only).

Builds the benchmark's models in the real diffusers layout (the committed tiny fixture, and a random
mid-size configuration saved to OUT/mid), then times one transformer forward (one denoising step at
guidance 0) and one VAE decode with PyTorch eager, printing JSON lines that the shell script pairs with
SceneForge's figures measured on the same folders, inputs and thread count.
"""
import json
import os
import statistics
import sys
import time

import torch
from diffusers import AutoencoderKL, ZImageTransformer2DModel

out = sys.argv[1]
threads = int(os.environ.get("SCENEFORGE_THREADS", os.cpu_count()))
torch.set_num_threads(threads)
torch.set_grad_enabled(False)
fixture = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "zimage", "pipeline")

mid = os.path.join(out, "mid")
if not os.path.exists(os.path.join(mid, "vae", "config.json")):
    torch.manual_seed(0)
    ZImageTransformer2DModel(
        all_patch_size=(2,), all_f_patch_size=(1,), in_channels=16, dim=768, n_layers=8, n_refiner_layers=2,
        n_heads=12, n_kv_heads=12, norm_eps=1e-5, qk_norm=True, cap_feat_dim=256, rope_theta=256.0, t_scale=1000.0,
        axes_dims=[16, 24, 24], axes_lens=[1024, 256, 256],
    ).save_pretrained(os.path.join(mid, "transformer"))
    AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=16, block_out_channels=[64, 128, 256, 256], layers_per_block=2,
        down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4, norm_num_groups=32,
        use_quant_conv=False, use_post_quant_conv=False, scaling_factor=0.3611, shift_factor=0.1159,
    ).save_pretrained(os.path.join(mid, "vae"))


def median_ms(fn, n):
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


# name, folder, latent height, latent width, caption length, iterations
cases = [("tiny", fixture, 8, 12, 39, 20), ("mid", mid, 64, 64, 64, 3)]
for name, folder, h, w, caption, n in cases:
    transformer = ZImageTransformer2DModel.from_pretrained(os.path.join(folder, "transformer")).eval()
    vae = AutoencoderKL.from_pretrained(os.path.join(folder, "vae")).eval()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(16, 1, h, w, generator=g)
    cap = torch.randn(caption, transformer.config.cap_feat_dim, generator=g)
    t = torch.tensor([0.5])
    z = torch.randn(1, 16, h, w, generator=g)
    step = median_ms(lambda: transformer([x], t, [cap], return_dict=False), n)
    decode = median_ms(lambda: vae.decode(z, return_dict=False), n)
    print(json.dumps({"case": name, "folder": folder, "latent": [h, w], "caption": caption, "iterations": n,
                      "step_ms": step, "decode_ms": decode, "torch": torch.__version__, "threads": threads}), flush=True)
