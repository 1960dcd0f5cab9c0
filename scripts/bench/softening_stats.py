#!/usr/bin/env python3
"""How far the detector's softened training screens are from what a model generates: edge and contrast statistics.

Reads the layout images that `sceneforge eval --save-images DIR` wrote (`<layout>-<style>-<seed>.png`), renders each
(layout, style) once with `sceneforge render` (seed 5), and prints, on luma in 0...1: the mean absolute difference of
neighbouring pixels (edges and texture) and the standard deviation (contrast), for the generated images, the
renderer's screens, and the renderer's screens softened as `Softening` does (box blur of radius r, then every pixel
moved to `keep` of its distance from the page's median).

Dev-only (numpy + Pillow); usage:
    python scripts/bench/softening_stats.py --sceneforge .build/release/sceneforge --images DIR
"""
import argparse
import glob
import os
import re
import subprocess
import tempfile

import numpy as np
from PIL import Image


def luma(path):
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(float) / 255
    return rgb @ [0.299, 0.587, 0.114]


def edges(plane):
    return (np.abs(np.diff(plane, axis=1)).mean() + np.abs(np.diff(plane, axis=0)).mean()) / 2


def soften(plane, radius, keep):
    page, k = np.median(plane), 2 * radius + 1
    area = np.pad(np.cumsum(np.cumsum(np.pad(plane, radius, mode="edge"), 0), 1), ((1, 0), (1, 0)))
    blurred = (area[k:, k:] - area[:-k, k:] - area[k:, :-k] + area[:-k, :-k]) / (k * k)
    return page + keep * (blurred - page)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sceneforge", default=".build/release/sceneforge")
    parser.add_argument("--images", required=True, help="an `eval --save-images` folder")
    args = parser.parse_args()

    name = re.compile(r"^(?P<layout>[a-z_]+)-(?P<style>[a-z]+-[a-z]+)-\d+\.png$")
    generated, pairs = [], set()
    for path in sorted(glob.glob(os.path.join(args.images, "*.png"))):
        match = name.match(os.path.basename(path))
        if match and not path.endswith(".boxes.png"):
            generated.append(luma(path))
            pairs.add((match["layout"], match["style"]))
    if not generated:
        raise SystemExit(f"no eval layout images in {args.images}")
    size = generated[0].shape
    folder = tempfile.mkdtemp(prefix="softening-stats-")
    rendered = []
    for layout, style in sorted(pairs):
        out = os.path.join(folder, f"{layout}-{style}.png")
        subprocess.run([args.sceneforge, "render", "--layout", layout, "--style", style, "--seed", "5",
                        "--width", str(size[1]), "--height", str(size[0]), "--out", out], check=True, capture_output=True)
        rendered.append(luma(out))

    def row(label, planes):
        print(f"| {label} | {np.mean([edges(p) for p in planes]):.4f} | {np.mean([p.std() for p in planes]):.3f} |")

    print(f"{len(generated)} generated images, {len(rendered)} renderer screens")
    print("| images | edges (mean neighbour difference) | contrast (std) |\n|---|---|---|")
    row("generated", generated)
    row("renderer", rendered)
    for radius in (1, 2):
        for keep in (0.45, 0.85):
            row(f"renderer softened, r {radius}, keep {keep}", [soften(p, radius, keep) for p in rendered])


if __name__ == "__main__":
    main()
