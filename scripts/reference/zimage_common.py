"""Shared helpers for the Z-Image reference fixture scripts (dev-only; run with /tmp/refvenv/bin/python)."""

import json
import math
import os

import torch
from safetensors.torch import save_file

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO_ROOT, "Tests", "Fixtures", "zimage")


def fixture_path(*parts):
    path = os.path.join(FIXTURES, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def randomize_parameters(module: torch.nn.Module, seed: int):
    """Replace every parameter with seeded random values so that no weight is a trivial default
    (pad tokens start at zero and norm weights at one in the reference constructors)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.ndim == 1 and ("norm" in name or name.endswith("weight")):
                # norm scales: around one, so that normalization stays meaningful
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif p.ndim == 1:
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))
            else:
                fan_in = max(1, math.prod(p.shape[1:]))
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(fan_in))


def save_tensors(path, tensors: dict):
    save_file({k: v.detach().to(torch.float32).clone().contiguous() for k, v in tensors.items()}, path)


def write_json(path, obj, compact=False):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=None if compact else 2, ensure_ascii=False, allow_nan=False,
                  separators=(",", ":") if compact else None)
        f.write("\n")


def shapes(tensors: dict):
    return {k: list(v.shape) for k, v in tensors.items()}
