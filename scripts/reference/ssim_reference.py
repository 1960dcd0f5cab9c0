#!/usr/bin/env python3
"""Reference SSIM values for ImageMetrics tests: numpy, 7x7 Gaussian (sigma 1.5) window over
every valid position, luma Y' = 0.299R + 0.587G + 0.114B, K1=0.01, K2=0.03, L=255.
Writes Tests/Fixtures/imaging/metrics/{a,b,c}.png and expected.json.
Run: /tmp/refvenv/bin/python scripts/reference/ssim_reference.py
"""
import json, os
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "imaging", "metrics")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(11)


def ssim(a, b):
    ya = a[..., :3].astype(float) @ [0.299, 0.587, 0.114]
    yb = b[..., :3].astype(float) @ [0.299, 0.587, 0.114]
    g = np.exp(-((np.arange(7) - 3) ** 2) / (2 * 1.5 ** 2))
    w = np.outer(g, g)
    w /= w.sum()
    pa, pb = sliding_window_view(ya, (7, 7)), sliding_window_view(yb, (7, 7))
    ma, mb = (pa * w).sum((-1, -2)), (pb * w).sum((-1, -2))
    va = (pa * pa * w).sum((-1, -2)) - ma ** 2
    vb = (pb * pb * w).sum((-1, -2)) - mb ** 2
    cov = (pa * pb * w).sum((-1, -2)) - ma * mb
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    return float((((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma ** 2 + mb ** 2 + c1) * (va + vb + c2))).mean())


a = np.zeros((24, 30, 4), np.uint8)
a[..., :3] = rng.integers(0, 256, (24, 30, 3))
a[..., 3] = 255
b = a.copy()
b[..., :3] = np.clip(a[..., :3].astype(int) + rng.integers(-40, 41, (24, 30, 3)), 0, 255)
c = a.copy()
c[..., :3] = np.clip(a[..., :3].astype(int) // 2 + 60, 0, 255)
for name, img in (("a", a), ("b", b), ("c", c)):
    Image.fromarray(img, "RGBA").save(os.path.join(OUT, name + ".png"))
mae = lambda x, y: float(np.abs(x[..., :3].astype(int) - y[..., :3].astype(int)).mean())
json.dump({"ssim_ab": ssim(a, b), "ssim_ac": ssim(a, c), "mae_ab": mae(a, b), "mae_ac": mae(a, c)},
          open(os.path.join(OUT, "expected.json"), "w"), indent=1)
print(open(os.path.join(OUT, "expected.json")).read())
