"""Writes the Z-Image-Edit / Omni ground truth under Tests/Fixtures/zimage_omni (dev-only).

Run: PYTHONPATH=/tmp/tvpkg /tmp/refvenv/bin/python scripts/reference/make_zimage_omni_fixtures.py
(/tmp/tvpkg: `pip install --no-deps torchvision==0.29.2 --target /tmp/tvpkg`; transformers' Siglip2ImageProcessor
is torchvision-backed.) CPU, float32 compute, fixed seeds; weights stored in bfloat16.
"""

import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import diffusers  # noqa: E402
import transformers  # noqa: E402

import zimage_omni_tiny_pipeline as tiny  # noqa: E402
from zimage_common import save_tensors, shapes, write_json  # noqa: E402

OUT = tiny.OMNI_FIXTURES
PROMPT = "Add a coupon popup over the order button"
NEGATIVE = "blurry"
STEPS = 3
REFERENCE_SIZE = (88, 72)  # (width, height): not multiples of 16, so the pipeline's centre crop is exercised


def path(*parts):
    p = os.path.join(OUT, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def reference_image():
    """A smooth, structured RGB picture (gradients + blobs), deterministic."""
    w, h = REFERENCE_SIZE
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 100 * np.sin(x / 9.0) * np.cos(y / 13.0)
    g = 255 * x / (w - 1)
    b = 200 * np.exp(-((x - 50) ** 2 + (y - 30) ** 2) / 300.0) + 40 * (y / (h - 1))
    rgb = np.clip(np.stack([r, g, b], -1).round(), 0, 255).astype(np.uint8)
    return Image.fromarray(rgb, "RGB")


def siglip_cases(pipe, image):
    """(a) the processor on the reference PNG, and the vision tower on exact pixel tensors."""
    tensors, cases = {}, []
    inputs = pipe.siglip_processor(images=[image], return_tensors="pt")
    gh, gw = (int(v) for v in inputs.spatial_shapes[0])
    n = gh * gw
    tensors["processor.pixel_values"] = inputs.pixel_values[0, :n]
    with torch.no_grad():
        out = pipe.siglip(**inputs).last_hidden_state[0, :n]
    tensors["reference_png.pixel_values"] = inputs.pixel_values[0, :n]
    tensors["reference_png.last_hidden_state"] = out
    cases.append({"name": "reference_png", "spatial_shape": [gh, gw], "padded_to": int(inputs.pixel_values.shape[1])})

    # A second grid shape (upsampled and downsampled position table on different axes), padded like the processor.
    gen = torch.Generator().manual_seed(31)
    gh2, gw2 = 3, 7
    p = tiny.PROCESSOR_CONFIG["patch_size"]
    pixels = torch.rand(gh2 * gw2, 3 * p * p, generator=gen) * 2 - 1
    padded = torch.zeros(1, tiny.PROCESSOR_CONFIG["max_num_patches"], 3 * p * p)
    padded[0, :gh2 * gw2] = pixels
    mask = torch.zeros(1, padded.shape[1], dtype=torch.int32)
    mask[0, :gh2 * gw2] = 1
    with torch.no_grad():
        out2 = pipe.siglip(pixel_values=padded, pixel_attention_mask=mask,
                           spatial_shapes=torch.tensor([[gh2, gw2]])).last_hidden_state[0, :gh2 * gw2]
    tensors["grid3x7.pixel_values"] = pixels
    tensors["grid3x7.last_hidden_state"] = out2
    cases.append({"name": "grid3x7", "spatial_shape": [gh2, gw2], "padded_to": int(padded.shape[1])})
    save_tensors(path("siglip", "cases.safetensors"), tensors)
    write_json(path("siglip", "cases.json"), {
        "processor_input": "pipeline_outputs/reference.png",
        "processor.pixel_values": "Siglip2ImageProcessor output for the PNG, valid patches only: (h*w, 3*p*p), "
                                  "patch features ordered (py, px, c)",
        "cases": cases, "tensors": shapes(tensors),
        "notes": "last_hidden_state rows of the valid patches (the model ran on max_num_patches rows with "
                 "pixel_attention_mask; padding rows are masked keys and do not change valid rows)"})
    print("siglip cases written")


TRANSFORMER_CASES = [
    # name, per sample: (list of condition latent (H, W), target (H, W), siglip grids, caption lengths), t
    ("one_ref", [([(8, 10)], (8, 10), [(6, 8)], [5, 9, 4])], [0.3]),
    ("batch2_two_refs", [([(4, 6), (8, 10)], (6, 8), [(3, 7), (6, 8)], [4, 3, 11, 4]),
                         ([(8, 10)], (8, 10), [(6, 8)], [6, 7, 4])], [0.7, 0.45]),
    ("text_only", [([], (6, 8), None, [9])], [0.5]),
]


def transformer_cases(transformer):
    """(b) the transformer in omni mode: clean condition latents + SigLIP tokens + a noisy target."""
    cfg = transformer.config
    gen = torch.Generator().manual_seed(32)
    tensors, cases = {}, []
    for name, samples, ts in TRANSFORMER_CASES:
        xs, caps, sigs, masks = [], [], [], []
        for i, (conds, target, grids, cap_lens) in enumerate(samples):
            x_i = [torch.randn(cfg.in_channels, 1, h, w, generator=gen) for h, w in conds + [target]]
            cap_i = [torch.randn(n, cfg.cap_feat_dim, generator=gen) for n in cap_lens]
            sig_i = None if grids is None else (
                [torch.randn(h, w, cfg.siglip_feat_dim, generator=gen) for h, w in grids] + [None])
            xs.append(x_i)
            caps.append(cap_i)
            sigs.append(sig_i)
            masks.append([0] * len(conds) + [1])
            for j, x in enumerate(x_i):
                tensors[f"{name}.{i}.x.{j}"] = x
            for j, c in enumerate(cap_i):
                tensors[f"{name}.{i}.cap.{j}"] = c
            for j, s in enumerate(sig_i or []):
                if s is not None:
                    tensors[f"{name}.{i}.siglip.{j}"] = s
        t = torch.tensor(ts, dtype=torch.float32)
        with torch.no_grad():
            out = transformer(x=[[x.clone() for x in xi] for xi in xs], t=t,
                              cap_feats=[[c.clone() for c in ci] for ci in caps],
                              siglip_feats=[None if si is None else [s if s is None else s.clone() for s in si]
                                            for si in sigs],
                              image_noise_mask=[list(m) for m in masks], return_dict=False)[0]
        for i, o in enumerate(out):
            tensors[f"{name}.{i}.out"] = o
        tensors[f"{name}.t"] = t
        cases.append({"name": name, "t": ts, "samples": [
            {"condition_latents": [list(c) for c in conds], "target": list(target),
             "siglip_grids": None if grids is None else [list(g) for g in grids], "caption_lengths": cap_lens,
             "image_noise_mask": m} for (conds, target, grids, cap_lens), m in zip(samples, masks)]})
    save_tensors(path("transformer", "cases.safetensors"), tensors)
    write_json(path("transformer", "cases.json"), {
        "call": "transformer(x=[[cond..., target]], t, cap_feats=[[segments]], siglip_feats=[[sig..., None]] | [None], "
                "image_noise_mask=[[0..., 1]])",
        "cases": cases, "tensors": shapes(tensors),
        "notes": {"<case>.<i>.x.<j>": "latent j of sample i (16, 1, H, W); the last is the noisy target",
                  "<case>.<i>.siglip.<j>": "SigLIP features (h, w, siglip_feat_dim) of condition image j",
                  "<case>.<i>.out": "model output for the target (16, 1, H, W) (the pipeline negates it)"}})
    print("transformer cases written")


def pipeline_cases(pipe, image):
    """(c) whole runs with one reference image and fixed initial latents."""
    image.save(path("pipeline_outputs", "reference.png"))
    reference = Image.open(path("pipeline_outputs", "reference.png")).convert("RGB")
    # The pipeline casts the VAE input to bfloat16 (it assumes a bf16 VAE); a float32 VAE would refuse it,
    # so the reference keeps that rounding and encodes in float32.
    encode = pipe.vae.encode
    pipe.vae.encode = lambda x, *a, **k: encode(x.to(torch.float32), *a, **k)

    w, h = REFERENCE_SIZE
    out_h, out_w = h // 16 * 16, w // 16 * 16
    gen = torch.Generator().manual_seed(33)
    latents = torch.randn(1, 16, out_h // 8, out_w // 8, generator=gen)
    tensors = {"latents": latents}
    runs = {}
    with torch.no_grad():
        pos, neg = pipe.encode_prompt(PROMPT, do_classifier_free_guidance=True, negative_prompt=NEGATIVE,
                                      num_condition_images=1)
        cond = pipe.prepare_image_latents([pipe.image_processor.preprocess(
            pipe.image_processor._resize_and_crop(reference, out_w, out_h), height=out_h, width=out_w,
            resize_mode="crop")], 1, "cpu", torch.float32)
        sig = pipe.prepare_siglip_embeds([reference], 1, "cpu", torch.float32)
    for j, e in enumerate(pos[0]):
        tensors[f"prompt_segments.{j}"] = e
    for j, e in enumerate(neg[0]):
        tensors[f"negative_segments.{j}"] = e
    tensors["condition_latents.0"] = cond[0][0]
    tensors["siglip_embeds.0"] = sig[0][0]
    for run, kwargs in {"turbo_cfg0": {"guidance_scale": 0.0},
                        "cfg1_5_negative": {"guidance_scale": 1.5, "negative_prompt": NEGATIVE}}.items():
        steps = []

        def record(_pipe, i, t, cb):
            steps.append({"index": i, "timestep": float(t), "latents": cb["latents"].clone()})
            return {}

        result = pipe(image=[reference], prompt=PROMPT, num_inference_steps=STEPS, latents=latents.clone(),
                      output_type="pil", callback_on_step_end=record, **kwargs)
        for s in steps:
            tensors[f"{run}.step{s['index']}.latents"] = s["latents"]
        name = f"{run}.png"
        result.images[0].save(path("pipeline_outputs", name))
        runs[run] = {"kwargs": kwargs, "png": name, "timesteps": [s["timestep"] for s in steps]}
    pipe.vae.encode = encode
    save_tensors(path("pipeline_outputs", "outputs.safetensors"), tensors)
    tok = pipe.tokenizer
    segments = ["<|im_start|>user\n<|vision_start|>", "<|vision_end|>" + PROMPT
                + "<|im_end|>\n<|im_start|>assistant\n<|vision_start|>", "<|vision_end|><|im_end|>"]
    write_json(path("pipeline_outputs", "outputs.json"), {
        "pipeline": "../pipeline", "reference_image": "reference.png",
        "call": f"ZImageOmniPipeline(image=[reference.png], prompt=PROMPT, num_inference_steps={STEPS}, "
                "latents=latents, **kwargs)",
        "prompt": PROMPT, "negative_prompt": NEGATIVE, "height": out_h, "width": out_w, "steps": STEPS,
        "prompt_segments": segments, "segment_token_ids": [tok(s).input_ids for s in segments],
        "runs": runs, "tensors": shapes(tensors),
        "notes": {
            "latents": "initial noise (1, 16, H/8, W/8)",
            "prompt_segments.j": "text-encoder hidden_states[-2] of prompt segment j, valid tokens only",
            "condition_latents.0": "(16, 1, h, w): VAE mode of the centre-cropped reference, (z - shift) * scale",
            "siglip_embeds.0": "(gh, gw, C) SigLIP2 last_hidden_state of the uncropped reference",
            "<run>.stepK.latents": "latents after scheduler step K",
            "vae encode": "input rounded to bfloat16 (the pipeline's .bfloat16()), encoded in float32",
        }})
    print("pipeline outputs written")


def print_sizes():
    total = 0
    for root, _dirs, files in sorted(os.walk(OUT)):
        for name in sorted(files):
            p = os.path.join(root, name)
            total += os.path.getsize(p)
            print(f"{os.path.getsize(p):>10,}  {os.path.relpath(p, OUT)}")
    print(f"{total:>10,}  total (shared components are symlinks)")
    assert total <= 1100 * 1024, "omni fixtures exceed ~1 MB"


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    print(f"diffusers {diffusers.__version__}, transformers {transformers.__version__}, torch {torch.__version__}")
    pipe = tiny.build_and_save()
    image = reference_image()
    pipeline_cases(pipe, image)
    reference = Image.open(path("pipeline_outputs", "reference.png")).convert("RGB")
    siglip_cases(pipe, reference)
    transformer_cases(pipe.transformer)
    write_json(path("versions.json"), {"diffusers": diffusers.__version__, "transformers": transformers.__version__,
                                       "torch": torch.__version__})
    print_sizes()


if __name__ == "__main__":
    main()
