#!/usr/bin/env python3
"""Independent (numpy, float64) implementation of SceneForge's thumbnail rules, used as the
oracle for the Swift renderer's cell grids (Tests/Fixtures/imaging/thumbnails/*.json).

Rules (docs in Sources/SceneForgeImaging/Thumbnail): fit the image in the cell box with cells
twice as tall as wide; composite alpha over black and area-average in linear light to
(columns*gx) x (rows*gy) sub-pixels; half blocks: '▀' fg=top bg=bottom; quadrant/sextant: the
two-group split of each cell's sub-pixels with least squared error (linear light), colours the
group means; palettes: nearest colour in OKLab (lightness difference weighted x2) to the 8-bit sRGB colour (xterm 16-255 for 256
colours, xterm's default 0-15 for 16); ASCII: ' .:-=+*#%@' indexed by sRGB-encoded luminance.

Run: /tmp/refvenv/bin/python scripts/reference/thumbnail_reference.py
"""
import json, os
import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "imaging", "thumbnails")


def make_source():
    """24x20 RGBA: gradients, a 1-px white line, a red box, a half-transparent corner."""
    h, w = 20, 24
    y, x = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, 4), np.uint8)
    img[..., 0] = (x * 255 // (w - 1)).astype(np.uint8)
    img[..., 1] = (y * 255 // (h - 1)).astype(np.uint8)
    img[..., 2] = 96
    img[..., 3] = 255
    img[7, :, :3] = 255                 # thin white line
    img[10:16, 3:9, :3] = (220, 30, 40)  # red box
    img[14:, 16:, 3] = 128               # half transparent corner
    return img


def srgb_to_linear(v):
    v = v / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def linear_to_srgb8(v):
    v = np.clip(v, 0, 1)
    e = np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    return np.clip(np.floor(e * 255 + 0.5), 0, 255).astype(int)


def weights(src, dst):
    m = np.zeros((dst, src))
    scale = src / dst
    for o in range(dst):
        lo, hi = o * scale, (o + 1) * scale
        for s in range(int(lo), min(src, int(np.ceil(hi)))):
            m[o, s] = max(0.0, min(hi, s + 1) - max(lo, s)) / scale
    return m


def resample(img, w, h):
    rgb = srgb_to_linear(img[..., :3].astype(float))
    a = img[..., 3:4] / 255.0
    lin = rgb * a  # over black
    wy, wx = weights(img.shape[0], h), weights(img.shape[1], w)
    return np.einsum("yh,hwc,xw->yxc", wy, lin, wx)


def fit(iw, ih, cols, rows):
    aspect = iw / ih
    c, r = float(cols), cols / (aspect * 2)
    if r > rows:
        r, c = float(rows), rows * aspect * 2
    rnd = lambda v: int(np.floor(v + 0.5))
    return max(1, min(cols, rnd(c))), max(1, min(rows, rnd(r)))


def oklab(lin):
    m1 = np.array([[0.4122214708, 0.5363325363, 0.0514459929], [0.2119034982, 0.6806995451, 0.1073969566],
                   [0.0883024619, 0.2817188376, 0.6299787005]])
    m2 = np.array([[0.2104542553, 0.7936177850, -0.0040720468], [1.9779984951, -2.4285922050, 0.4505937099],
                   [0.0259040371, 0.7827717662, -0.8086757660]])
    return np.cbrt(lin @ m1.T) @ m2.T


ANSI16 = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
          (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]


def xterm(i):
    if i < 16:
        return ANSI16[i]
    if i >= 232:
        v = 8 + 10 * (i - 232)
        return (v, v, v)
    lv = [0, 95, 135, 175, 215, 255]
    c = i - 16
    return (lv[c // 36], lv[(c // 6) % 6], lv[c % 6])


PALETTES = {"256": list(range(16, 256)), "16": list(range(16))}


def color(lin, depth):
    rgb = linear_to_srgb8(np.asarray(lin))
    if depth == "truecolor":
        return "rgb:%d,%d,%d" % tuple(rgb)
    idx = PALETTES[depth]
    pal = oklab(srgb_to_linear(np.array([xterm(i) for i in idx], float)))
    target = oklab(srgb_to_linear(rgb.astype(float)))
    d = (pal - target) ** 2
    return "idx:%d" % idx[int(np.argmin(2 * d[:, 0] + d[:, 1] + d[:, 2]))]  # lightness weighted x2


QUADS = " ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█"


def sextant(m):
    return {0: " ", 21: "▌", 42: "▐", 63: "█"}.get(m) or chr(0x1FB00 + m - 1 - (m > 21) - (m > 42))


def best_split(sub):
    n = len(sub)
    total = sub.sum(0)
    energy = lambda s, k: 0.0 if k == 0 else float((s * s).sum()) / k
    best = (0, energy(total, n))
    for mask in range(1, 1 << (n - 1)):
        sel = [(mask >> j) & 1 for j in range(n)]
        s = sub[np.array(sel, bool)].sum(0)
        k = sum(sel)
        score = energy(s, k) + energy(total - s, n - k)
        if score > best[1] + 1e-7:
            best = (mask, score)
    mask = best[0]
    sel = np.array([(mask >> j) & 1 for j in range(n)], bool)
    fg = sub[sel].mean(0) if sel.any() else None
    return mask, fg, sub[~sel].mean(0)


def render(img, cols, rows, symbols, depth):
    c, r = fit(img.shape[1], img.shape[0], cols, rows)
    gx, gy = {"halfBlock": (1, 2), "quadrant": (2, 2), "sextant": (2, 3), "ascii": (1, 1)}[symbols]
    px = resample(img, c * gx, r * gy)
    cells = []
    for row in range(r):
        line = []
        for col in range(c):
            if symbols == "halfBlock":
                line.append({"glyph": "▀", "fg": color(px[2 * row, col], depth), "bg": color(px[2 * row + 1, col], depth)})
            elif symbols == "ascii":
                lum = float(np.clip(px[row, col] @ np.array([0.2126, 0.7152, 0.0722]), 0, 1))
                light = lum * 12.92 if lum <= 0.0031308 else 1.055 * lum ** (1 / 2.4) - 0.055
                line.append({"glyph": " .:-=+*#%@"[min(9, int(light * 10))], "fg": "default", "bg": "default"})
            else:
                sub = np.array([px[row * gy + j // gx, col * gx + j % gx] for j in range(gx * gy)])
                mask, fg, bg = best_split(sub)
                bgc = color(bg, depth)
                glyph = QUADS[mask] if gx * gy == 4 else sextant(mask)
                line.append({"glyph": glyph, "fg": bgc if mask == 0 else color(fg, depth), "bg": bgc})
        cells.append(line)
    return {"columns": c, "rows": r, "cells": cells}


os.makedirs(ROOT, exist_ok=True)
src = make_source()
Image.fromarray(src, "RGBA").save(os.path.join(ROOT, "source.png"))
cases = [("halfBlock", "truecolor"), ("halfBlock", "256"), ("halfBlock", "16"), ("quadrant", "truecolor"),
         ("quadrant", "256"), ("sextant", "truecolor"), ("sextant", "16"), ("ascii", "none")]
for symbols, depth in cases:
    out = render(src, 8, 6, symbols, depth)
    with open(os.path.join(ROOT, f"{symbols}-{depth}.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
print("wrote", len(cases), "reference renderings to", os.path.normpath(ROOT))
