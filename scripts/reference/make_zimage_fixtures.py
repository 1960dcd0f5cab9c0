"""Writes every Z-Image ground-truth fixture under Tests/Fixtures/zimage (dev-only).

Run: /tmp/refvenv/bin/python scripts/reference/make_zimage_fixtures.py
CPU, float32 compute, fixed seeds; weights are stored in bfloat16 like the published checkpoints.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import diffusers  # noqa: E402
import transformers  # noqa: E402

import zimage_component_cases  # noqa: E402
import zimage_full_size_keys  # noqa: E402
import zimage_pipeline_cases  # noqa: E402
import zimage_scheduler_cases  # noqa: E402
import zimage_tiny_pipeline  # noqa: E402
from zimage_common import FIXTURES, write_json  # noqa: E402


def print_sizes():
    total = 0
    for root, _dirs, files in sorted(os.walk(FIXTURES)):
        for name in sorted(files):
            path = os.path.join(root, name)
            size = os.path.getsize(path)
            total += size
            print(f"{size:>10,}  {os.path.relpath(path, FIXTURES)}")
    print(f"{total:>10,}  total")
    assert total <= 3 * 1024 * 1024, "fixtures exceed 3 MB"


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    print(f"diffusers {diffusers.__version__}, transformers {transformers.__version__}, torch {torch.__version__}")
    zimage_scheduler_cases.make()
    zimage_full_size_keys.make()
    pipe = zimage_tiny_pipeline.build_and_save()
    zimage_component_cases.transformer_cases(pipe.transformer)
    zimage_component_cases.vae_cases(pipe.vae)
    zimage_component_cases.text_encoder_cases(pipe)
    zimage_pipeline_cases.make(pipe)
    write_json(os.path.join(FIXTURES, "versions.json"), {
        "diffusers": diffusers.__version__, "transformers": transformers.__version__, "torch": torch.__version__})
    print_sizes()


if __name__ == "__main__":
    main()
