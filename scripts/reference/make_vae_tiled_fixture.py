"""Ground truth for the VAE's tiled decode (dev-only): Tests/Fixtures/zimage/vae/tiled.{safetensors,json}.

Uses the tiny VAE saved by make_zimage_fixtures.py (Tests/Fixtures/zimage/pipeline/vae), loaded in float32.
Run: /tmp/refvenv/bin/python scripts/reference/make_vae_tiled_fixture.py
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from diffusers import AutoencoderKL  # noqa: E402

from zimage_common import FIXTURES, fixture_path, save_tensors, shapes, write_json  # noqa: E402


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    vae = AutoencoderKL.from_pretrained(os.path.join(FIXTURES, "pipeline", "vae"), torch_dtype=torch.float32).eval()
    # sample_size 64 → 8-cell latent tiles every 6 cells, 16-pixel blends, 48-pixel crops: a 10x14 latent
    # gives 2 x 3 tiles, the last row and column of tiles smaller than a full tile.
    assert vae.tile_latent_min_size == 8 and vae.tile_sample_min_size == 64 and vae.tile_overlap_factor == 0.25
    gen = torch.Generator().manual_seed(30)
    latent = torch.randn(1, 16, 10, 14, generator=gen)
    with torch.no_grad():
        whole = vae.decode(latent, return_dict=False)[0]
        vae.enable_tiling()
        tiled = vae.decode(latent, return_dict=False)[0]
    seam = (tiled - whole).abs()
    tensors = {"latent": latent, "tiled_image": tiled}
    save_tensors(fixture_path("vae", "tiled.safetensors"), tensors)
    write_json(fixture_path("vae", "tiled.json"), {
        "model": "../pipeline/vae",
        "call": "vae.enable_tiling(); vae.decode(latent).sample (tile_latent_min_size 8, tile_sample_min_size 64, "
                "tile_overlap_factor 0.25)",
        "difference_from_whole_decode": {"max_abs": seam.max().item(), "mean_abs": seam.mean().item(),
                                         "max_abs_whole_image": whole.abs().max().item()},
        "tensors": shapes(tensors),
    })
    print(f"tiled vs whole: max {seam.max().item():.4g}, mean {seam.mean().item():.4g}")


if __name__ == "__main__":
    main()
