"""Extra AutoencoderKL ground truth beyond make_zimage_fixtures.py (dev-only):

* Tests/Fixtures/zimage/vae/tiled.{safetensors,json}: diffusers' tiled decode with the tiny Z-Image VAE
  (Tests/Fixtures/zimage/pipeline/vae, loaded in float32), and how far it is from a whole decode.
* Tests/Fixtures/vae/sd_style/: an AutoencoderKL in the other configuration family (quant_conv and
  post_quant_conv present, no mid-block attention, 4 latent channels, no shift_factor), saved in bfloat16,
  with encode/decode references in float32 from the saved values.

Run: /tmp/refvenv/bin/python scripts/reference/make_vae_extra_fixtures.py
"""

import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from diffusers import AutoencoderKL  # noqa: E402

from zimage_common import FIXTURES, REPO_ROOT, fixture_path, randomize_parameters, save_tensors, shapes, write_json  # noqa: E402

SD_STYLE_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "vae", "sd_style")


def tiled_decode_case():
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


def sd_style_case():
    model = AutoencoderKL(
        in_channels=3, out_channels=3, block_out_channels=(8, 16), layers_per_block=1, latent_channels=4,
        norm_num_groups=4, sample_size=32, scaling_factor=0.18215, shift_factor=None, use_quant_conv=True,
        use_post_quant_conv=True, mid_block_add_attention=False,
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2)
    randomize_parameters(model, seed=40)
    weights_dir = os.path.join(SD_STYLE_DIR, "vae")
    shutil.rmtree(weights_dir, ignore_errors=True)
    model.to(torch.bfloat16).save_pretrained(weights_dir, safe_serialization=True)
    vae = AutoencoderKL.from_pretrained(weights_dir, torch_dtype=torch.float32).eval()
    gen = torch.Generator().manual_seed(41)
    image = torch.rand(2, 3, 12, 20, generator=gen) * 2 - 1
    latent = torch.randn(1, 4, 5, 7, generator=gen)
    with torch.no_grad():
        dist = vae.encode(image).latent_dist
        decoded = vae.decode(latent, return_dict=False)[0]
    tensors = {"encode.image": image, "encode.mean": dist.mean, "encode.logvar": dist.logvar,
               "decode.latent": latent, "decode.image": decoded}
    save_tensors(os.path.join(SD_STYLE_DIR, "cases.safetensors"), tensors)
    write_json(os.path.join(SD_STYLE_DIR, "cases.json"), {
        "model": "vae", "encode": "vae.encode(image).latent_dist mean/logvar (quant_conv applied)",
        "decode": "vae.decode(latent).sample (post_quant_conv applied)", "tensors": shapes(tensors)})
    for root, _dirs, files in os.walk(SD_STYLE_DIR):
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    print("sd-style vae cases written")


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    tiled_decode_case()
    sd_style_case()
    for name in ("tiled.safetensors", "tiled.json"):
        os.chmod(fixture_path("vae", name), 0o644)


if __name__ == "__main__":
    main()
