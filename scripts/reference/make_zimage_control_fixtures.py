"""Writes the Z-Image ControlNet / img2img / inpaint ground truth under Tests/Fixtures/zimage_control (dev-only).

Run: /tmp/refvenv/bin/python scripts/reference/make_zimage_control_fixtures.py
Reuses the tiny pipeline in Tests/Fixtures/zimage/pipeline (made by make_zimage_fixtures.py); adds tiny random
ControlNets of both published versions (weights in bfloat16, outputs computed in float32 from the stored values):
  controlnet_v1/             diffusers layout (config.json + safetensors), as "Z-Image-Turbo-Fun-Controlnet-Union"
  controlnet_v2.safetensors  single file, as alibaba-pai publishes "...-Union-2.1" (33 input channels,
                             control_noise_refiner blocks with before_proj/after_proj)
Two deliberate changes to the reference, both deterministic replacements of its random draws:
  * randn_tensor (the pipelines' noise) returns the noise saved in outputs.safetensors;
  * retrieve_latents uses the posterior mode (argmax) wherever the inpaint/img2img pipelines would sample it
    (SceneForge encodes images with the posterior mean; the ControlNet pipelines already use argmax).
"""

import os
import sys

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import diffusers  # noqa: E402
from diffusers import (  # noqa: E402
    ZImageControlNetInpaintPipeline, ZImageControlNetModel, ZImageControlNetPipeline, ZImageImg2ImgPipeline,
    ZImageInpaintPipeline, ZImagePipeline)
from diffusers.pipelines.z_image import (  # noqa: E402
    pipeline_z_image_controlnet, pipeline_z_image_controlnet_inpaint, pipeline_z_image_img2img,
    pipeline_z_image_inpaint)

from zimage_common import REPO_ROOT, randomize_parameters, save_tensors, shapes, write_json  # noqa: E402
from zimage_tiny_pipeline import PIPELINE_DIR, TRANSFORMER_CONFIG  # noqa: E402

OUT = os.path.join(REPO_ROOT, "Tests", "Fixtures", "zimage_control")
WIDTH, HEIGHT, STEPS = 64, 96, 4
PROMPT = "美团外卖店铺页面，优惠券弹窗遮挡下单按钮"
NEGATIVE = "blurry, low quality"
SCALE = 0.75

COMMON = dict(all_patch_size=(2,), all_f_patch_size=(1,), dim=TRANSFORMER_CONFIG["dim"], n_refiner_layers=2,
              n_heads=TRANSFORMER_CONFIG["n_heads"], n_kv_heads=TRANSFORMER_CONFIG["n_kv_heads"], norm_eps=1e-5,
              qk_norm=True)
V1 = dict(control_layers_places=[0, 1], control_refiner_layers_places=None, control_in_dim=16,
          add_control_noise_refiner=None, **COMMON)
V21 = dict(control_layers_places=[0, 1], control_refiner_layers_places=[0, 1], control_in_dim=33,
           add_control_noise_refiner="control_noise_refiner", **COMMON)
V20 = dict(V21, add_control_noise_refiner="control_layers")


def path(*parts):
    p = os.path.join(OUT, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def bf16_roundtrip(model):
    """The stored values: bfloat16, then back to float32 for computing the reference outputs."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.bfloat16).to(torch.float32))
    return model


def build_controlnets():
    v1 = bf16_roundtrip(randomize_parameters_returning(ZImageControlNetModel(**V1), seed=11))
    v1.save_pretrained(os.path.join(OUT, "controlnet_v1"), safe_serialization=True)
    # save_pretrained keeps float32; store bfloat16 like the published checkpoints
    weights = os.path.join(OUT, "controlnet_v1", "diffusion_pytorch_model.safetensors")
    save_file({k: v.to(torch.bfloat16).contiguous() for k, v in load_file(weights).items()}, weights)

    v21 = bf16_roundtrip(randomize_parameters_returning(ZImageControlNetModel(**V21), seed=12))
    # The single file as published: exactly the model's own keys (diffusers' conversion is the identity here).
    state = {k: v.to(torch.bfloat16).contiguous() for k, v in v21.state_dict().items()}
    save_file(state, path("controlnet_v2.safetensors"))

    # 2.0 = the same tensors read in "control_layers" mode (diffusers drops control_noise_refiner.* keys).
    v20 = ZImageControlNetModel(**V20)
    missing, unexpected = v20.load_state_dict(
        {k: v.float() for k, v in state.items() if not k.startswith("control_noise_refiner.")}, strict=False)
    assert not missing and not unexpected, (missing, unexpected)
    return v1.eval(), v21.eval(), v20.eval()


def randomize_parameters_returning(model, seed):
    randomize_parameters(model, seed=seed)
    return model


def component_cases(pipe, controlnets):
    gen = torch.Generator().manual_seed(5)
    latents = [torch.randn(16, 1, 8, 12, generator=gen), torch.randn(16, 1, 8, 12, generator=gen)]
    captions = [torch.randn(7, 32, generator=gen), torch.randn(40, 32, generator=gen)]
    timesteps = torch.tensor([0.3, 0.8])
    tensors = {"timesteps": timesteps}
    for i in range(2):
        tensors[f"latents.{i}"], tensors[f"captions.{i}"] = latents[i], captions[i]
    for name, net in controlnets.items():
        net = ZImageControlNetModel.from_transformer(net, pipe.transformer)
        channels = net.config.control_in_dim
        context = [torch.randn(channels, 1, 8, 12, generator=gen) for _ in range(2)]
        with torch.no_grad():
            hints = net(latents, timesteps, captions, context, conditioning_scale=SCALE)
            out = pipe.transformer(latents, timesteps, captions, controlnet_block_samples=hints)[0]
        for i in range(2):
            tensors[f"{name}.control.{i}"] = context[i]
            tensors[f"{name}.output.{i}"] = out[i]
        for layer, h in hints.items():
            tensors[f"{name}.hint.{layer}"] = h
    save_tensors(path("cases.safetensors"), tensors)
    write_json(path("cases.json"), {
        "call": f"hints = controlnet(latents, timesteps, captions, control, conditioning_scale={SCALE}); "
                "output = transformer(latents, timesteps, captions, controlnet_block_samples=hints)",
        "controlnets": {"v1": V1, "v2.1": V21, "v2.0": V20}, "tensors": shapes(tensors)})


def screenshot():
    """A phone-page-like RGB image: status bar, header, list rows, a bottom button."""
    img = np.full((HEIGHT, WIDTH, 3), 245, dtype=np.uint8)
    img[0:6] = (30, 30, 30)
    img[6:20] = (255, 196, 0)
    for k, y in enumerate(range(24, 76, 13)):
        img[y:y + 10, 4:60] = (255, 255, 255)
        img[y + 2:y + 8, 6:16] = (200 - 30 * k, 120, 60 + 40 * k)
        img[y + 3:y + 5, 20:52] = (90, 90, 90)
    img[80:92, 8:56] = (240, 80, 40)
    return Image.fromarray(img, "RGB")


def control_image():
    img = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    img[6:20] = (255, 0, 0)
    img[28:70, 6:58] = (0, 255, 0)
    img[56:64, 14:50] = (0, 0, 255)
    return Image.fromarray(img, "RGB")


def mask_image():
    """White = regenerate. Deliberately not aligned to the 8-pixel latent grid."""
    img = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
    img[27:71, 5:59] = 255
    return Image.fromarray(img, "L")


class Recorder:
    def __init__(self):
        self.steps = []

    def __call__(self, _pipe, i, t, cb):
        self.steps.append({"index": i, "timestep": float(t), "latents": cb["latents"].clone()})
        return {}


def patch_randomness(noise):
    def randn(shape, generator=None, device=None, dtype=None, layout=None):
        assert tuple(shape) == tuple(noise.shape), (shape, noise.shape)
        return noise.clone().to(dtype=dtype or torch.float32)

    def mode_latents(encoder_output, generator=None, sample_mode="sample"):
        return encoder_output.latent_dist.mode()

    for module in (pipeline_z_image_controlnet, pipeline_z_image_controlnet_inpaint, pipeline_z_image_img2img,
                   pipeline_z_image_inpaint):
        module.randn_tensor = randn
        module.retrieve_latents = mode_latents


def pipeline_runs(base, v1, v21):
    gen = torch.Generator().manual_seed(7)
    noise = torch.randn(1, 16, HEIGHT // 8, WIDTH // 8, generator=gen)
    patch_randomness(noise)
    tensors = {"noise": noise}
    parts = dict(scheduler=base.scheduler, vae=base.vae, text_encoder=base.text_encoder, tokenizer=base.tokenizer,
                 transformer=base.transformer)
    init, control, mask = screenshot(), control_image(), mask_image()
    init.save(path("pipeline_outputs", "init.png"))
    control.save(path("pipeline_outputs", "control.png"))
    mask.save(path("pipeline_outputs", "mask.png"))
    common = dict(num_inference_steps=STEPS, callback_on_step_end_tensor_inputs=["latents"])
    runs = {
        "controlnet_v1_cfg": (ZImageControlNetPipeline(**parts, controlnet=v1), dict(
            control_image=control, controlnet_conditioning_scale=SCALE, height=HEIGHT, width=WIDTH,
            guidance_scale=2.0, negative_prompt=[NEGATIVE], latents=noise.clone())),
        "controlnet_v2": (ZImageControlNetPipeline(**parts, controlnet=v21), dict(
            control_image=control, controlnet_conditioning_scale=SCALE, height=HEIGHT, width=WIDTH,
            guidance_scale=0.0, latents=noise.clone())),
        "img2img": (ZImageImg2ImgPipeline(**parts), dict(image=init, strength=0.6, guidance_scale=0.0)),
        "inpaint": (ZImageInpaintPipeline(**parts), dict(image=init, mask_image=mask, strength=0.8, guidance_scale=0.0)),
        "controlnet_inpaint": (ZImageControlNetInpaintPipeline(**parts, controlnet=v21), dict(
            image=init, mask_image=mask, control_image=control, controlnet_conditioning_scale=SCALE, height=HEIGHT,
            width=WIDTH, guidance_scale=0.0, latents=noise.clone())),
    }
    summary = {}
    for name, (pipe, kwargs) in runs.items():
        pipe.set_progress_bar_config(disable=True)
        rec = Recorder()
        with torch.no_grad():
            # fresh prompt lists: the Z-Image pipelines overwrite the caller's prompt list with the templated text
            kwargs = {k: (list(v) if isinstance(v, list) else v) for k, v in kwargs.items()}
            image = pipe(prompt=[PROMPT], generator=torch.Generator().manual_seed(0), **common, **kwargs,
                         callback_on_step_end=rec, output_type="pil").images[0]
        image.save(path("pipeline_outputs", f"{name}.png"))
        for s in rec.steps:
            tensors[f"{name}.step{s['index']}.latents"] = s["latents"]
        summary[name] = {"pipeline": type(pipe).__name__, "steps": len(rec.steps),
                         "timesteps": [s["timestep"] for s in rec.steps],
                         "kwargs": {k: v for k, v in kwargs.items() if isinstance(v, (int, float, str, list))}}
    save_tensors(path("pipeline_outputs", "outputs.safetensors"), tensors)
    write_json(path("pipeline_outputs", "outputs.json"), {
        "pipeline": "../../zimage/pipeline", "controlnets": {"controlnet_v1_cfg": "../controlnet_v1",
                                                             "controlnet_v2": "../controlnet_v2.safetensors",
                                                             "controlnet_inpaint": "../controlnet_v2.safetensors"},
        "prompt": PROMPT, "negative_prompt": NEGATIVE, "width": WIDTH, "height": HEIGHT, "steps": STEPS,
        "images": {"init": "init.png", "control": "control.png", "mask": "mask.png"},
        "runs": summary, "tensors": shapes(tensors),
        "notes": {"noise": "every randn_tensor draw of the pipelines (initial latents for the ControlNet runs, "
                           "the noise of scale_noise and of the inpaint blend)",
                  "<run>.stepK.latents": "latents after step K (after the inpaint blend), callback_on_step_end",
                  "vae encode": "posterior mode (retrieve_latents patched to argmax)"}})


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    print(f"diffusers {diffusers.__version__}, torch {torch.__version__}")
    base = ZImagePipeline.from_pretrained(PIPELINE_DIR, torch_dtype=torch.float32)
    v1, v21, v20 = build_controlnets()
    component_cases(base, {"v1": v1, "v2.1": v21, "v2.0": v20})
    pipeline_runs(base, v1, v21)
    total = 0
    for root, _dirs, files in sorted(os.walk(OUT)):
        for name in sorted(files):
            size = os.path.getsize(os.path.join(root, name))
            total += size
            print(f"{size:>10,}  {os.path.relpath(os.path.join(root, name), OUT)}")
    print(f"{total:>10,}  total")
    assert total <= 2 * 1024 * 1024, "fixtures exceed 2 MB"


if __name__ == "__main__":
    main()
