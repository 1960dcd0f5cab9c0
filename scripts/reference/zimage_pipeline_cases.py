"""End-to-end ground truth: the tiny ZImagePipeline run on CPU with given initial latents."""

import torch

from zimage_common import fixture_path, save_tensors, shapes, write_json

PROMPTS = ["A food delivery app page with a coupon popup over the order button", "美团外卖店铺页面，优惠券弹窗遮挡下单按钮"]
NEGATIVE = ["blurry, low quality", "模糊，低质量"]
HEIGHT, WIDTH, STEPS = 64, 96, 4


def _run(pipe, latents, output_type, **kwargs):
    steps = []

    def record(_pipe, i, t, cb):
        steps.append({"index": i, "timestep": float(t), "latents": cb["latents"].clone()})
        return {}

    # list() copies: ZImagePipeline._encode_prompt overwrites the caller's prompt list in place
    out = pipe(prompt=list(PROMPTS), height=HEIGHT, width=WIDTH, num_inference_steps=STEPS, latents=latents.clone(),
               generator=torch.Generator().manual_seed(0), output_type=output_type,
               callback_on_step_end=record, callback_on_step_end_tensor_inputs=["latents"],
               **{k: (list(v) if isinstance(v, list) else v) for k, v in kwargs.items()})
    return out.images, steps


def make(pipe):
    gen = torch.Generator().manual_seed(42)
    latent_h, latent_w = HEIGHT // 8, WIDTH // 8
    latents = torch.randn(len(PROMPTS), pipe.transformer.config.in_channels, latent_h, latent_w, generator=gen)
    tensors = {"latents": latents}
    runs = {}
    with torch.no_grad():
        pos, neg = pipe.encode_prompt(list(PROMPTS), do_classifier_free_guidance=True, negative_prompt=list(NEGATIVE))
    for i, e in enumerate(pos):
        tensors[f"prompt_embeds.{i}"] = e
    for i, e in enumerate(neg):
        tensors[f"negative_prompt_embeds.{i}"] = e
    for run, kwargs in {"turbo_cfg0": {"guidance_scale": 0.0},
                        "cfg2_negative": {"guidance_scale": 2.0, "negative_prompt": NEGATIVE}}.items():
        final, steps = _run(pipe, latents, "latent", **kwargs)
        images, steps_pil = _run(pipe, latents, "pil", **kwargs)
        assert torch.equal(steps[-1]["latents"], steps_pil[-1]["latents"])
        tensors[f"{run}.final_latents"] = final
        for s in steps:
            tensors[f"{run}.step{s['index']}.latents"] = s["latents"]
        if run == "turbo_cfg0":  # the float decode of one run is enough (keeps the fixture small)
            vae = pipe.vae
            z = final / vae.config.scaling_factor + vae.config.shift_factor
            with torch.no_grad():
                tensors[f"{run}.decoded"] = vae.decode(z, return_dict=False)[0]
        names = []
        for i, im in enumerate(images):
            name = f"{run}.{i}.png"
            im.save(fixture_path("pipeline_outputs", name))
            names.append(name)
        runs[run] = {"kwargs": kwargs, "pngs": names, "timesteps": [s["timestep"] for s in steps]}
    save_tensors(fixture_path("pipeline_outputs", "outputs.safetensors"), tensors)
    tok = pipe.tokenizer
    templated = [tok.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                         add_generation_prompt=True, enable_thinking=True) for p in PROMPTS + NEGATIVE]
    assert PROMPTS[0].startswith("A food") and NEGATIVE[0].startswith("blurry")  # not mutated
    write_json(fixture_path("pipeline_outputs", "outputs.json"), {
        "pipeline": "../pipeline",
        "call": f"ZImagePipeline(prompt=PROMPTS, height={HEIGHT}, width={WIDTH}, num_inference_steps={STEPS}, "
                "latents=latents, output_type='latent' | 'pil', max_sequence_length=512, **kwargs)",
        "prompts": PROMPTS, "negative_prompts": NEGATIVE, "height": HEIGHT, "width": WIDTH, "steps": STEPS,
        "templated_prompts": templated,
        "token_ids": [tok(t).input_ids for t in templated],
        "runs": runs,
        "tensors": shapes(tensors),
        "notes": {
            "latents": "initial noise (B, 16, H/8, W/8) passed as `latents=`",
            "<run>.stepK.latents": "latents after scheduler step K (callback_on_step_end)",
            "<run>.final_latents": "output_type='latent' (unscaled: before /scaling_factor + shift_factor)",
            "<run>.decoded": "vae.decode(final / scaling_factor + shift_factor) before postprocess, in [-1, 1]-ish",
            "pngs": "output_type='pil': uint8 = round(clamp(decoded * 0.5 + 0.5, 0, 1) * 255), RGB",
            "prompt_embeds.i": "hidden_states[-2] of the text encoder at the valid (unpadded) tokens of prompt i",
        },
    })
    print("pipeline outputs written")
