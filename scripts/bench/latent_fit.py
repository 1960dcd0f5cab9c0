"""PyTorch eager's side of `scripts/bench/latent-fit` (dev-only): one step of the inpaint latent fit that
SceneForge's `LatentFit` runs (VAE decode, L1 + 1 - SSIM on luma outside the mask, backward, Adam at lr 0.2),
written here with diffusers' AutoencoderKL on the same VAE folder, image size, mask shape and thread count.
Prints one JSON line: {"fit_step_ms": ..., "threads": ...}.
    python scripts/bench/latent_fit.py MODEL_FOLDER WIDTH HEIGHT STEPS
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from diffusers import AutoencoderKL

folder, width, height, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
threads = int(os.environ.get("SCENEFORGE_THREADS", os.cpu_count()))
torch.set_num_threads(threads)
vae = AutoencoderKL.from_pretrained(os.path.join(folder, "vae"), torch_dtype=torch.float32).eval().requires_grad_(False)
scale = 2 ** (len(vae.config.block_out_channels) - 1)
torch.manual_seed(0)
latents = torch.randn(1, vae.config.latent_channels, height // scale, width // scale)
source = torch.randn(1, 3, height, width).clamp(-1, 1)
third = height // 3
mask = torch.zeros(1, 1, height, width)
mask[:, :, third:height - third] = 1
latent_mask = F.interpolate(mask, size=(height // scale, width // scale), mode="nearest")

g = torch.exp(-(torch.arange(7) - 3.0) ** 2 / (2 * 1.5 ** 2))
window = ((g[:, None] * g[None, :]) / g.sum() ** 2)[None, None]
luma_weights = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)


def ssim_map(a, b):
    x, y = ((a + 1) / 2 * luma_weights).sum(1, keepdim=True), ((b + 1) / 2 * luma_weights).sum(1, keepdim=True)
    blur = lambda t: F.conv2d(t, window)
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    return ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))


def fit():
    keep = 1 - mask
    keep_windows = keep[:, :, 3:-3, 3:-3]
    kept_latents = 1 - latent_mask
    fitted = latents.clone().requires_grad_(True)
    optimiser = torch.optim.Adam([fitted], lr=0.2)
    for _ in range(steps):
        z = fitted * kept_latents + latents * latent_mask
        image = vae.decode(z / vae.config.scaling_factor + (vae.config.shift_factor or 0)).sample
        l1 = ((image - source).abs() * keep).sum() / (keep.sum() * 3)
        structure = ((1 - ssim_map(image, source)) * keep_windows).sum() / keep_windows.sum()
        optimiser.zero_grad()
        (l1 + structure).backward()
        optimiser.step()


for _ in range(2):
    fit()
times = []
for _ in range(3):
    start = time.perf_counter()
    fit()
    times.append(time.perf_counter() - start)
print(json.dumps({"fit_step_ms": statistics.median(times) * 1000 / steps, "threads": threads}))
