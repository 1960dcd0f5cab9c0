"""Scheduler ground truth: diffusers' FlowMatchEulerDiscreteScheduler and the Z-Image pipeline helpers."""

import math

import torch
from diffusers import FlowMatchEulerDiscreteScheduler
from diffusers.pipelines.z_image.pipeline_z_image import calculate_shift, get_default_z_image_sigmas

from zimage_common import fixture_path, write_json

# Published Tongyi-MAI/Z-Image-Turbo scheduler/scheduler_config.json (non-default keys).
ZIMAGE_TURBO_SCHEDULER = {"num_train_timesteps": 1000, "shift": 3.0, "use_dynamic_shifting": False}

STEP_COUNTS = [1, 4, 8, 9, 50]
MUS = [0.5, 0.7, 1.15, 1.6]


def run(config: dict, steps: int, mu=None, sigmas=None):
    sched = FlowMatchEulerDiscreteScheduler(**config)
    if sigmas is not None:
        sched.set_timesteps(sigmas=sigmas, mu=mu)
    else:
        sched.set_timesteps(num_inference_steps=steps, mu=mu)
    return {
        "timesteps": [float(x) for x in sched.timesteps.tolist()],
        "sigmas": [float(x) for x in sched.sigmas.tolist()],
    }


def make():
    cases, non_finite = [], []

    def add(name, config, steps, mu=None, custom_sigmas=None):
        out = run(config, steps, mu, custom_sigmas)
        if not all(math.isfinite(x) for x in out["sigmas"] + out["timesteps"]):
            # diffusers divides by zero here (shift_terminal with a one-step schedule): the Swift port throws.
            non_finite.append({"name": name, "config": config, "num_inference_steps": steps, "mu": mu,
                               "custom_sigmas": custom_sigmas})
            return
        cases.append({
            "name": name, "config": config, "num_inference_steps": steps, "mu": mu,
            "custom_sigmas": custom_sigmas, **out,
        })

    for n in STEP_COUNTS:
        # The Z-Image pipeline path: custom sigmas linspace(1, 1/n, n) plus a mu (ignored: static shift).
        default_sigmas = get_default_z_image_sigmas(n)
        for mu in MUS:
            add(f"turbo_pipeline_n{n}_mu{mu}", ZIMAGE_TURBO_SCHEDULER, n, mu, default_sigmas)
        # The plain scheduler path (no custom sigmas).
        add(f"turbo_plain_n{n}", ZIMAGE_TURBO_SCHEDULER, n)

    variants = {
        "dynamic_exponential": {"use_dynamic_shifting": True, "time_shift_type": "exponential"},
        "dynamic_linear": {"use_dynamic_shifting": True, "time_shift_type": "linear"},
        "shift_terminal": {"shift": 3.0, "shift_terminal": 0.1},
        "invert_sigmas": {"shift": 3.0, "invert_sigmas": True},
        "karras": {"shift": 3.0, "use_karras_sigmas": True},
        "exponential_sigmas": {"shift": 3.0, "use_exponential_sigmas": True},
        "dynamic_exponential_terminal": {"use_dynamic_shifting": True, "shift_terminal": 0.02},
    }
    for vname, extra in variants.items():
        config = {"num_train_timesteps": 1000, **extra}
        dynamic = extra.get("use_dynamic_shifting", False)
        for n in [1, 4, 9, 50] if not dynamic else [4, 9, 50]:
            for mu in (MUS if dynamic else [None]):
                add(f"{vname}_plain_n{n}_mu{mu}", config, n, mu)
                add(f"{vname}_sigmas_n{n}_mu{mu}", config, n, mu, get_default_z_image_sigmas(n))

    shifts = []
    for seq in [16, 24, 256, 1024, 4096, 6144]:
        for args in [(256, 4096, 0.5, 1.15), (256, 8192, 0.5, 1.16)]:
            shifts.append({"image_seq_len": seq, "base_seq_len": args[0], "max_seq_len": args[1],
                           "base_shift": args[2], "max_shift": args[3], "mu": calculate_shift(seq, *args)})

    default_sigmas = [{"num_inference_steps": n, "sigmas": get_default_z_image_sigmas(n)}
                      for n in [1, 2, 3, 4, 8, 9, 10, 28, 50]]

    # The pipeline turns a scheduler timestep t into the model's input (1000 - t) / 1000, in float32.
    model_timesteps = []
    for case in cases[:12]:
        t = torch.tensor(case["timesteps"], dtype=torch.float32)
        model_timesteps.append({"timesteps": case["timesteps"], "model_t": ((1000 - t) / 1000).tolist()})

    out = {
        "generator": "scripts/reference/make_zimage_fixtures.py (diffusers FlowMatchEulerDiscreteScheduler)",
        "zimage_turbo_config": ZIMAGE_TURBO_SCHEDULER,
        "cases": cases, "non_finite_cases": non_finite, "calculate_shift": shifts, "default_sigmas": default_sigmas,
        "model_timesteps": model_timesteps,
    }
    write_json(fixture_path("scheduler.json"), out, compact=True)
    print(f"scheduler.json: {len(cases)} schedules")
