#!/usr/bin/env python3
"""Issue 8's edit fidelity without paste-back, over every built-in app style (the Swift test measures one screen).

For each style, renders the centre_modal layout's *normal* screen (seed 5) and its anomaly mask, inpaints the mask
with `sceneforge generate --init --mask` (strength 1, 8 steps, seed 3), and measures, in the rows wholly above and
below the mask, the SSIM of the edit against the source (scikit-image, Gaussian window σ 1.5, on luma) and the mean
absolute RGB error. Outside the mask the blended latents are the source's, so this is the VAE round trip's fidelity
plus the decoder's spill from the edited region.

Dev-only (numpy + Pillow + scikit-image); usage:
    python scripts/bench/edit_fidelity.py --sceneforge .build/release/sceneforge --model models/default [--width 128 --height 256]
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

STYLES = ["food-yellow", "food-blue", "coffee-navy", "travel-blue", "rail-blue", "shop-orange", "shop-red",
          "shop-bargain", "video-pink", "video-dark", "pay-green", "pay-blue"]


def ssim(a, b):
    return structural_similarity(a, b, data_range=255, gaussian_weights=True, sigma=1.5, use_sample_covariance=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sceneforge", default=".build/release/sceneforge")
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--height", type=int, default=256)
    parser.add_argument("--fit-steps", type=int, default=0, help="generate --fit-steps (0: the plain edit)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="edit-fidelity-")
    mask_path = os.path.join(folder, "mask.png")
    rows = []
    for style in STYLES:
        source_path, edit_path = os.path.join(folder, f"src-{style}.png"), os.path.join(folder, f"edit-{style}.png")
        subprocess.run([args.sceneforge, "render", "--layout", "centre_modal", "--style", style, "--seed", "5",
                        "--width", str(args.width), "--height", str(args.height), "--normal",
                        "--out", source_path, "--mask", mask_path], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.sceneforge, "generate", "--model", args.model, "--init", source_path, "--mask", mask_path,
                        "--prompt", "centre modal. coupon popup over the order button", "--steps", "8", "--seed", "3",
                        "--fit-steps", str(args.fit_steps), "--quiet", "-o", edit_path], check=True)
        mask = np.asarray(Image.open(mask_path).convert("L")) > 127
        masked_rows = np.where(mask.any(axis=1))[0]
        top, bottom = masked_rows[0], masked_rows[-1] + 1
        source_rgb = np.asarray(Image.open(source_path).convert("RGB"), dtype=float)
        edit_rgb = np.asarray(Image.open(edit_path).convert("RGB"), dtype=float)
        source_luma = np.asarray(Image.open(source_path).convert("L"), dtype=float)
        edit_luma = np.asarray(Image.open(edit_path).convert("L"), dtype=float)
        above = ssim(source_luma[:top], edit_luma[:top])
        below = ssim(source_luma[bottom:], edit_luma[bottom:])
        error = np.abs(source_rgb - edit_rgb)[~mask].mean()
        rows.append((above, below, error))
        print(f"{style:13s} SSIM above {above:.4f} below {below:.4f}  outside-mask MAE {error:.2f}/255")
    figures = np.array(rows)
    print(f"mean: SSIM above {figures[:, 0].mean():.4f} below {figures[:, 1].mean():.4f}, worst {figures[:, :2].min():.4f}, "
          f"MAE {figures[:, 2].mean():.2f}/255 (issue 8 asks SSIM >= 0.98)")


if __name__ == "__main__":
    main()
