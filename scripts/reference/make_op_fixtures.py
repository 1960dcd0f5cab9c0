#!/usr/bin/env python3
"""Reference values for SceneForge's Tensor ops, computed by PyTorch (dev-only).

Run in a throw-away virtualenv with torch and safetensors from PyPI:
    python3 -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install torch safetensors
    /tmp/refvenv/bin/python scripts/reference/make_op_fixtures.py

Writes Tests/Fixtures/ops/ops.safetensors: for each case, its inputs `<case>/in<i>` and the expected
output `<case>/out`, and in the metadata a JSON list of cases (name, op, params) that the Swift tests
replay through Tensor. CI uses the committed file and never needs Python.
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.manual_seed(0)
tensors = {}
cases = []


def case(name, op, inputs, output, **params):
    for i, t in enumerate(inputs):
        tensors[f"{name}/in{i}"] = t.contiguous().clone()
    tensors[f"{name}/out"] = output.contiguous().clone()
    cases.append({"name": name, "op": op, "params": params, "inputs": len(inputs)})


def r(*shape):
    return torch.randn(*shape)


# Elementwise with broadcasting.
a, b = r(2, 3, 4), r(4)
case("add_broadcast", "add", [a, b], a + b)
c = r(3, 1)
case("sub_broadcast", "sub", [a, c], a - c)
case("mul_broadcast", "mul", [a, b], a * b)
d = r(2, 1, 4).abs() + 0.5
case("div_broadcast", "div", [a, d], a / d)
case("scalar_rsub", "rsub_scalar", [a], 2.5 - a, scalar=2.5)
case("scalar_rdiv", "rdiv_scalar", [d], 3.0 / d, scalar=3.0)
case("scalar_pow", "pow_scalar", [d], d ** 1.7, scalar=1.7)
case("maximum", "maximum", [a, b], torch.maximum(a, b))

x = r(3, 17) * 3
for name, fn in [("silu", F.silu), ("gelu", F.gelu), ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh")),
                 ("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("exp", torch.exp), ("sin", torch.sin),
                 ("cos", torch.cos), ("erf", torch.erf), ("relu", torch.relu)]:
    case(f"unary_{name}", name, [x], fn(x))
p = x.abs() + 0.1
case("unary_sqrt", "sqrt", [p], p.sqrt())
case("unary_rsqrt", "rsqrt", [p], p.rsqrt())
case("unary_log", "log", [p], p.log())
case("clamp", "clamp", [x], x.clamp(-1.5, 2.0), min=-1.5, max=2.0)
cond = x > 0.3
case("where", "where", [cond, x, -x * 2], torch.where(cond, x, -x * 2))

# Linear algebra and layers.
m1, m2 = r(2, 3, 4), r(4, 5)
case("matmul_batched", "matmul", [m1, m2], m1 @ m2)
xl, w, bias = r(2, 5, 8), r(6, 8), r(6)
case("linear_bias", "linear", [xl, w, bias], F.linear(xl, w, bias))
case("linear_nobias", "linear", [xl, w], F.linear(xl, w))
xc, wc, bc = r(1, 3, 9, 11), r(4, 3, 3, 3), r(4)
case("conv2d_pad1", "conv2d", [xc, wc, bc], F.conv2d(xc, wc, bc, padding=1), stride=1, padding=1, groups=1)
case("conv2d_stride2", "conv2d", [xc, wc, bc], F.conv2d(xc, wc, bc, stride=2, padding=1), stride=2, padding=1, groups=1)
wg = r(6, 2, 1, 1)
xg = r(2, 6, 5, 4)
case("conv2d_groups", "conv2d", [xg, wg], F.conv2d(xg, wg, groups=3), stride=1, padding=0, groups=3)
xn, gw, gb = r(2, 8, 5, 6) * 2 + 1, r(8), r(8)
case("group_norm", "group_norm", [xn, gw, gb], F.group_norm(xn, 4, gw, gb, eps=1e-6), groups=4, eps=1e-6)
xln, lw, lb = r(2, 5, 8) * 3, r(8), r(8)
case("layer_norm", "layer_norm", [xln, lw, lb], F.layer_norm(xln, (8,), lw, lb, eps=1e-5), eps=1e-5)
case("layer_norm_plain", "layer_norm", [xln], F.layer_norm(xln, (8,), eps=1e-6), eps=1e-6)
rw = r(8)
ref_rms = xln.float() * torch.rsqrt(xln.float().pow(2).mean(-1, keepdim=True) + 1e-6) * rw
case("rms_norm", "rms_norm", [xln, rw], ref_rms, eps=1e-6)
case("softmax", "softmax", [x], x.softmax(-1), dim=-1)
case("softmax_dim0", "softmax", [x], x.softmax(0), dim=0)
case("log_softmax", "log_softmax", [x], x.log_softmax(-1), dim=-1)

q, k, v = r(2, 4, 7, 8), r(2, 4, 9, 8), r(2, 4, 9, 8)
case("attention", "attention", [q, k, v], F.scaled_dot_product_attention(q, k, v))
keep = torch.ones(2, 1, 1, 9, dtype=torch.bool)
keep[1, :, :, 6:] = False
case("attention_bool_mask", "attention", [q, k, v, keep], F.scaled_dot_product_attention(q, k, v, attn_mask=keep))
additive = r(2, 1, 7, 9)
case("attention_additive_mask", "attention", [q, k, v, additive], F.scaled_dot_product_attention(q, k, v, attn_mask=additive))
qc, kc, vc = r(1, 2, 6, 8), r(1, 2, 6, 8), r(1, 2, 6, 8)
case("attention_causal", "attention", [qc, kc, vc], F.scaled_dot_product_attention(qc, kc, vc, is_causal=True), causal=True)
case("attention_scaled", "attention", [q, k, v], F.scaled_dot_product_attention(q, k, v, scale=0.2), scale=0.2)
xp = r(1, 2, 8, 8)
case("avg_pool2d", "avg_pool2d", [xp], F.avg_pool2d(xp, 2), kernel=2)

# Reductions.
xr = r(3, 4, 5)
case("sum_dim1", "sum", [xr], xr.sum(1), dims=[1], keepdim=False)
case("mean_keepdim", "mean", [xr], xr.mean((0, 2), keepdim=True), dims=[0, 2], keepdim=True)
case("amax_last", "amax", [xr], xr.amax(-1), dims=[-1], keepdim=False)
case("var_dim2", "var", [xr], xr.var(2), dims=[2], keepdim=False)
case("std_all", "std", [xr], xr.std(), dims=[], keepdim=False)
case("prod_dims", "prod", [xr * 0.5 + 1], (xr * 0.5 + 1).prod(2).prod(0), dims=[0, 2], keepdim=False)
case("argmax", "argmax", [xr], xr.argmax(1), dim=1)
case("cumsum", "cumsum", [xr], xr.cumsum(2), dim=2)

# Shapes and indexing.
case("permute", "permute", [xr], xr.permute(2, 0, 1), dims=[2, 0, 1])
case("transpose", "transpose", [xr], xr.transpose(0, 2), d0=0, d1=2)
case("cat", "cat", [xr, xr * 2], torch.cat([xr, xr * 2], 1), dim=1)
case("stack", "stack", [xr, xr * 2], torch.stack([xr, xr * 2], -1), dim=-1)
case("slice_step", "slice", [xr], xr[:, 1:4:2], dim=1, start=1, end=4, step=2)
idx = torch.tensor([3, 0, 3, 1])
case("index_select", "index_select", [xr, idx], xr.index_select(1, idx), dim=1)
gidx = torch.randint(0, 5, (3, 4, 2))
case("gather", "gather", [xr, gidx], xr.gather(2, gidx), dim=2)
case("expand", "expand", [b.reshape(1, 4)], b.reshape(1, 4).expand(3, 4), shape=[3, 4])
case("repeat", "repeat", [xr], xr.repeat(1, 2, 1), repeats=[1, 2, 1])
case("flatten", "flatten", [xr], xr.flatten(1), start=1, end=-1)
case("triu", "triu", [xr], xr.triu(1), diagonal=1)
case("tril", "tril", [xr], xr.tril(-1), diagonal=-1)
case("pad_constant", "pad", [xp], F.pad(xp, (1, 2, 0, 3), value=0.5), pads=[1, 2, 0, 3], mode="constant", value=0.5)
case("pad_reflect", "pad", [xp], F.pad(xp, (1, 1, 2, 2), mode="reflect"), pads=[1, 1, 2, 2], mode="reflect", value=0)
case("pad_replicate", "pad", [xp], F.pad(xp, (0, 1, 1, 0), mode="replicate"), pads=[0, 1, 1, 0], mode="replicate", value=0)
xi = r(1, 3, 5, 6)
case("interp_nearest", "interpolate", [xi], F.interpolate(xi, size=(10, 12), mode="nearest"), h=10, w=12, mode="nearest")
case("interp_bilinear", "interpolate", [xi], F.interpolate(xi, size=(7, 9), mode="bilinear", align_corners=False), h=7, w=9, mode="bilinear")
case("interp_bicubic", "interpolate", [xi], F.interpolate(xi, size=(8, 11), mode="bicubic", align_corners=False), h=8, w=11, mode="bicubic")
case("interp_area", "interpolate", [xi], F.interpolate(xi, size=(2, 3), mode="area"), h=2, w=3, mode="area")

# Dtype conversion rounding.
case("to_bfloat16", "to_dtype", [x], x.to(torch.bfloat16), dtype="bfloat16")
case("to_float16", "to_dtype", [x], x.to(torch.float16), dtype="float16")

# Seeded noise: the same seed gives the same numbers as torch.Generator on the CPU.
case("randn_seed42", "randn", [], torch.randn(3, 17, generator=torch.Generator().manual_seed(42)), shape=[3, 17], seed=42)
case("rand_seed7", "rand", [], torch.rand(4, 5, generator=torch.Generator().manual_seed(7)), shape=[4, 5], seed=7)

# Autograd: d/dx sum(silu(x) * c).
xa, ca = r(4, 6), r(4, 6)
xa_ = xa.clone().requires_grad_(True)
(F.silu(xa_) * ca).sum().backward()
case("grad_silu", "grad_silu", [xa, ca], xa_.grad)

# AdamW: three steps on a least-squares problem, as torch.optim.AdamW does them.
w0, xo, yo = r(4, 3), r(10, 3), r(10, 4)
wp = w0.clone().requires_grad_(True)
opt = torch.optim.AdamW([wp], lr=0.05, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.1)
for _ in range(3):
    opt.zero_grad()
    ((xo @ wp.T - yo) ** 2).mean().backward()
    opt.step()
case("adamw_3_steps", "adamw", [w0, xo, yo], wp.detach(), lr=0.05, beta1=0.9, beta2=0.99, eps=1e-8, weight_decay=0.1, steps=3)

out = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "ops", "ops.safetensors")
os.makedirs(os.path.dirname(out), exist_ok=True)
save_file(tensors, out, metadata={"cases": json.dumps(cases), "torch": torch.__version__})
print(f"wrote {len(cases)} cases, {os.path.getsize(out)} bytes to {os.path.normpath(out)}")
