"""Per-component ground truth: the transformer, the VAE and the text encoder on their own."""

import torch

from zimage_common import fixture_path, save_tensors, shapes, write_json

TRANSFORMER_CASES = [
    # name, latent (H, W) per sample, caption length per sample, model t per sample, keep intermediates
    ("b1_16x24_cap7", [(16, 24)], [7], [0.3], True),
    ("b2_8x12_cap7_cap13", [(8, 12), (8, 12)], [7, 13], [0.9, 0.25], False),
    ("b2_8x12_cap7_cap40_masked", [(8, 12), (8, 12)], [7, 40], [0.5, 0.5], False),
    ("b1_10x14_cap13_imagepad", [(10, 14)], [13], [0.75], False),
    ("b2_mixed_sizes", [(8, 12), (6, 10)], [13, 7], [0.0, 1.0], False),
]


def _capture(model, names):
    """Forward hooks recording the outputs of the named submodules (in call order)."""
    records, handles = {}, []
    modules = dict(model.named_modules())
    for name in names:
        def hook(_m, _inp, out, name=name):
            records[name] = out.detach().clone()
        handles.append(modules[name].register_forward_hook(hook))
    return records, handles


def transformer_cases(transformer):
    cfg = transformer.config
    gen = torch.Generator().manual_seed(10)
    tensors, cases = {}, []
    hook_names = (["t_embedder", "all_x_embedder.2-1", "cap_embedder"]
                  + [f"noise_refiner.{i}" for i in range(cfg.n_refiner_layers)]
                  + [f"context_refiner.{i}" for i in range(cfg.n_refiner_layers)]
                  + [f"layers.{i}" for i in range(cfg.n_layers)] + ["all_final_layer.2-1"])
    for name, sizes, cap_lens, ts, keep in TRANSFORMER_CASES:
        xs = [torch.randn(cfg.in_channels, 1, h, w, generator=gen) for h, w in sizes]
        caps = [torch.randn(n, cfg.cap_feat_dim, generator=gen) for n in cap_lens]
        t = torch.tensor(ts, dtype=torch.float32)
        records, handles = _capture(transformer, hook_names if keep else [])
        with torch.no_grad():
            out = transformer([x.clone() for x in xs], t, [c.clone() for c in caps], return_dict=False)[0]
            # position ids exactly as the model builds them (before batch padding)
            patch = transformer.patchify_and_embed([x.clone() for x in xs], [c.clone() for c in caps], 2, 1)
        for h in handles:
            h.remove()
        entry = {"name": name, "batch": len(xs), "t": ts, "cap_lens": cap_lens,
                 "latent_sizes": [list(s) for s in sizes], "tensors": {}}
        for i, (x, c, o) in enumerate(zip(xs, caps, out)):
            tensors[f"{name}.x.{i}"], tensors[f"{name}.cap_feats.{i}"], tensors[f"{name}.out.{i}"] = x, c, o
            tensors[f"{name}.x_pos_ids.{i}"] = patch[3][i].float()
            tensors[f"{name}.cap_pos_ids.{i}"] = patch[4][i].float()
            tensors[f"{name}.x_pad_mask.{i}"] = patch[5][i].float()
            tensors[f"{name}.cap_pad_mask.{i}"] = patch[6][i].float()
        tensors[f"{name}.t"] = t
        for key, value in records.items():
            tensors[f"{name}.hook.{key}"] = value
        entry["tensors"] = {k: list(v.shape) for k, v in tensors.items() if k.startswith(name + ".")}
        cases.append(entry)
    # The RoPE table for a few position ids (complex64 stored as [..., 2] = (real, imag)).
    ids = torch.tensor([[0, 0, 0], [1, 0, 0], [33, 0, 0], [33, 2, 5], [65, 7, 11], [1, 0, 0]], dtype=torch.int32)
    freqs = transformer.rope_embedder(ids)
    tensors["rope.position_ids"] = ids.float()
    tensors["rope.freqs_cis"] = torch.view_as_real(freqs)
    path = fixture_path("transformer", "cases.safetensors")
    save_tensors(path, tensors)
    write_json(fixture_path("transformer", "cases.json"), {
        "model": "../pipeline/transformer",
        "call": "out = transformer(x=[x.0, x.1, ...], t=t, cap_feats=[cap_feats.0, ...], return_dict=False)[0]",
        "inputs": {
            "x.i": "latent of sample i, shape (C=16, F=1, H, W): the pipeline passes latents.unsqueeze(2).unbind(0)",
            "cap_feats.i": "caption features of sample i, shape (L_i, cap_feat_dim): variable length per sample, unpadded",
            "t": "shape (B,), float32: the model-space time (1000 - scheduler_t) / 1000, scaled by t_scale inside",
        },
        "outputs": {"out.i": "shape (C, F, H, W) per sample (a list); the pipeline negates it before the scheduler"},
        "debug": {
            "x_pos_ids.i / cap_pos_ids.i": "(len, 3) int position ids from patchify_and_embed (before batch padding; "
                                           "cap_pos_ids is LONGER than the padded caption: see docs/zimage-notes.md)",
            "x_pad_mask.i / cap_pad_mask.i": "1.0 where the token is a pad replaced by x_pad_token / cap_pad_token",
            "hook.<module>": "output of that submodule (batch-padded tensors) for cases with intermediates",
            "rope.freqs_cis": "RopeEmbedder(rope.position_ids) as (N, sum(axes_dims)/2, 2) real/imag",
        },
        "cases": cases,
    })
    print(f"transformer cases: {len(cases)}")


def vae_cases(vae):
    gen = torch.Generator().manual_seed(20)
    image = torch.rand(1, 3, 32, 48, generator=gen) * 2 - 1
    images2 = torch.rand(2, 3, 16, 24, generator=gen) * 2 - 1
    latent = torch.randn(2, 16, 4, 6, generator=gen)
    with torch.no_grad():
        dist = vae.encode(image).latent_dist
        dist2 = vae.encode(images2).latent_dist
        decoded_mean = vae.decode(dist.mean, return_dict=False)[0]
        decoded = vae.decode(latent, return_dict=False)[0]
    tensors = {
        "encode.image": image, "encode.mean": dist.mean, "encode.logvar": dist.logvar,
        "encode_b2.image": images2, "encode_b2.mean": dist2.mean, "encode_b2.logvar": dist2.logvar,
        "decode_mean.latent": dist.mean, "decode_mean.image": decoded_mean,
        "decode_b2.latent": latent, "decode_b2.image": decoded,
    }
    save_tensors(fixture_path("vae", "cases.safetensors"), tensors)
    write_json(fixture_path("vae", "cases.json"), {
        "model": "../pipeline/vae",
        "encode": "vae.encode(image).latent_dist: mean/logvar = torch.chunk(encoder output, 2, dim=1); "
                  "logvar is clamped to [-30, 20]. No scaling/shift applied (the pipeline applies them).",
        "decode": "vae.decode(latent).sample with the raw latent (no scaling/shift applied here)",
        "tensors": shapes(tensors),
    })
    print("vae cases written")


def text_encoder_cases(pipe):
    tok, enc = pipe.tokenizer, pipe.text_encoder
    prompts = ["A coupon popup covers the order button", "美团外卖，优惠券弹窗"]
    templated = [tok.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                         add_generation_prompt=True, enable_thinking=True) for p in prompts]
    inputs = tok(templated, padding="longest", return_tensors="pt")
    with torch.no_grad():
        out = enc(input_ids=inputs.input_ids, attention_mask=inputs.attention_mask.bool(), output_hidden_states=True)
    hs = out.hidden_states
    assert len(hs) == enc.config.num_hidden_layers + 1
    assert torch.equal(hs[-1], out.last_hidden_state)  # the last entry is the final-normed one
    tensors = {"input_ids": inputs.input_ids.float(), "attention_mask": inputs.attention_mask.float(),
               "hidden_states_minus2": hs[-2], "last_hidden_state": out.last_hidden_state}
    for i, h in enumerate(hs):
        tensors[f"hidden_states.{i}"] = h
    # right padding + causal attention: the valid tokens do not see the padding, so each prompt
    # run alone gives the same hidden states (checked here, relied on by the notes).
    for i in range(len(prompts)):
        n = int(inputs.attention_mask[i].sum())
        with torch.no_grad():
            alone = enc(input_ids=inputs.input_ids[i:i + 1, :n], output_hidden_states=True).hidden_states[-2]
        diff = (alone[0] - hs[-2][i, :n]).abs().max().item()
        assert diff < 1e-5, diff
    save_tensors(fixture_path("text_encoder", "cases.safetensors"), tensors)
    write_json(fixture_path("text_encoder", "cases.json"), {
        "model": "../pipeline/text_encoder", "tokenizer": "../pipeline/tokenizer",
        "prompts": prompts, "templated": templated,
        "input_ids": inputs.input_ids.tolist(), "attention_mask": inputs.attention_mask.tolist(),
        "padding_side": tok.padding_side,
        "call": "Qwen3Model(input_ids, attention_mask=mask.bool(), output_hidden_states=True).hidden_states[-2]",
        "notes": "hidden_states has num_hidden_layers+1 entries: [embeddings, layer0 out, ..., final RMSNorm(last "
                 "layer out)]; hidden_states[-2] is the raw output of the second-to-last decoder layer (no norm).",
        "tensors": shapes(tensors),
    })
    print("text encoder cases written")
