#!/usr/bin/env python3
"""Layout adherence of a model's ControlNet, a small stand-in for the detector-based IoU instrument.

For every built-in layout and seed, generates the layout's prompt with the model's own ControlNet
(`--control LAYOUT`) and without it (same seed), renders the procedural screen of that layout (the
training distribution) with and without its anomaly, and reads the layout's anomaly mask
(`sceneforge render --mask`). Two IoUs against the mask, each from an Otsu-thresholded map:

* pair IoU: where |with control − without control| is large (the region the ControlNet changed);
  the procedural ceiling is |screen − the same screen without anomaly|.
* contrast IoU: where a pixel's colour is far from the median colour outside the mask (the anomaly
  region standing out from the page), for each image alone: with control, without, procedural.

Dev-only (numpy + Pillow); usage:
    python scripts/bench/control_adherence.py --sceneforge .build/release/sceneforge --model models/default
"""
import argparse
import os
import subprocess
import tempfile
import tomllib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Sources/SceneForgeScenes/Data")
STYLE = "Meituan-like food delivery (yellow header, red-orange prices)"  # food-yellow's `resembles`


def layouts():
    with open(os.path.join(DATA, "anomalies.toml"), "rb") as f:
        prompts = {a["id"]: a["prompt_en"] for a in tomllib.load(f)["anomalies"]}
    for name in sorted(os.listdir(os.path.join(DATA, "layouts"))):
        with open(os.path.join(DATA, "layouts", name), "rb") as f:
            layout = tomllib.load(f)
        yield layout["id"], f"{STYLE}. {layout['name']}. {prompts.get(layout['anomaly'], '')}"


def otsu(values):
    hist, edges = np.histogram(values, bins=64)
    centres = (edges[:-1] + edges[1:]) / 2
    best, threshold = -1.0, centres[0]
    for i in range(1, 64):
        w0, w1 = hist[:i].sum(), hist[i:].sum()
        if w0 == 0 or w1 == 0:
            continue
        m0 = (hist[:i] * centres[:i]).sum() / w0
        m1 = (hist[i:] * centres[i:]).sum() / w1
        between = w0 * w1 * (m0 - m1) ** 2
        if between > best:
            best, threshold = between, edges[i]
    return values > threshold


def iou(a, b):
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def load(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)


def pair_iou(a, b, mask):
    return iou(otsu(np.abs(a - b).mean(axis=2)), mask)


def contrast_iou(image, mask):
    background = np.median(image[~mask], axis=0)
    return iou(otsu(np.linalg.norm(image - background, axis=2)), mask)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sceneforge", default=os.path.join(ROOT, ".build/release/sceneforge"))
    parser.add_argument("--model", default=os.path.join(ROOT, "models/default"))
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--height", type=int, default=256)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", help="keep the images in this folder")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="adherence-")
    os.makedirs(work, exist_ok=True)
    size = ["--width", str(args.width), "--height", str(args.height)]

    def run(*argv):
        subprocess.run([args.sceneforge, *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    rows = []
    for layout, prompt in layouts():
        scores = []
        for seed in args.seeds:
            stem = os.path.join(work, f"{layout}-{seed}")
            common = ["generate", "--model", args.model, "--prompt", prompt, *size, "--steps", "8", "--seed", str(seed), "--quiet"]
            run(*common, "-o", stem + "-with.png", "--control", layout, "--control-scale", str(args.scale))
            run(*common, "-o", stem + "-without.png")
            run("render", "--layout", layout, "--seed", str(seed), *size, "--out", stem + "-screen.png", "--mask", stem + "-mask.png")
            run("render", "--layout", layout, "--seed", str(seed), *size, "--out", stem + "-normal.png", "--normal")
            mask = load(stem + "-mask.png")[..., 0] > 127
            with_c, without, screen, normal = (load(stem + s) for s in ("-with.png", "-without.png", "-screen.png", "-normal.png"))
            scores.append([pair_iou(with_c, without, mask), pair_iou(screen, normal, mask),
                           contrast_iou(with_c, mask), contrast_iou(without, mask), contrast_iou(screen, mask)])
        rows.append((layout, np.mean(scores, axis=0)))

    header = ["layout", "pair:ctrl", "pair:proc", "contrast:ctrl", "contrast:none", "contrast:proc"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for layout, s in rows:
        print(f"| {layout} | " + " | ".join(f"{v:.2f}" for v in s) + " |")
    mean = np.mean([s for _, s in rows], axis=0)
    print("| **mean** | " + " | ".join(f"**{v:.2f}**" for v in mean) + " |")


if __name__ == "__main__":
    main()
