"""Dev-only: how well a VAE folder reproduces screens (docs/embedded-model.md, "The VAE is the limit").

Each PNG in SCREENS is encoded (posterior mode) and decoded by diffusers' AutoencoderKL; prints the mean absolute
error per image in 8-bit levels and their mean, and writes a strip (originals above, round trips below) to --strip.

    for s in $(sceneforge render --list-styles | awk '{print $1}'); do
        sceneforge render --layout centre_modal --style $s --seed 7 --width 128 --height 256 --out /tmp/screens/$s.png
    done
    python scripts/reference/vae_roundtrip.py models/default/vae /tmp/screens --strip /tmp/strip.png
"""
import argparse
import os

import numpy as np
import torch
from diffusers import AutoencoderKL
from PIL import Image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vae", help="a diffusers AutoencoderKL folder (config.json + safetensors)")
    parser.add_argument("screens", help="a folder of RGB(A) PNGs, sides multiples of 8")
    parser.add_argument("--strip", help="write originals above round trips here")
    args = parser.parse_args()
    vae = AutoencoderKL.from_pretrained(args.vae).float().eval()
    names = sorted(f for f in os.listdir(args.screens) if f.endswith(".png"))
    errors, columns = [], []
    for name in names:
        pixels = np.asarray(Image.open(os.path.join(args.screens, name)).convert("RGB")).astype(np.float32)
        x = torch.from_numpy(pixels / 127.5 - 1).permute(2, 0, 1)[None]
        with torch.no_grad():
            decoded = vae.decode(vae.encode(x).latent_dist.mode()).sample.clamp(-1, 1)
        back = ((decoded[0].permute(1, 2, 0).numpy() + 1) * 127.5).round()
        errors.append(float(np.abs(back - pixels).mean()))
        print(f"{name}: mean |error| {errors[-1]:.2f}/255")
        columns.append(np.concatenate([pixels, back], 0).astype(np.uint8))
    print(f"mean over {len(names)} screens: {np.mean(errors):.2f}/255")
    if args.strip:
        Image.fromarray(np.concatenate(columns, 1)).save(args.strip)


if __name__ == "__main__":
    main()
