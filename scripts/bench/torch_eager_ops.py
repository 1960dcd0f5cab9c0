"""PyTorch eager (PyPI) on the shapes of sceneforge-bench shim, for context (dev-only)."""
import os
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("SCENEFORGE_THREADS", os.cpu_count())))
torch.set_grad_enabled(False)


def median_ms(fn, n):
    for _ in range(2):
        fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def block_fn(dim, heads, x):
    g = torch.Generator().manual_seed(0)
    r = lambda *s: torch.randn(*s, generator=g) * 0.02
    qkv, out, w1, w3, w2 = r(3 * dim, dim), r(dim, dim), r(4 * dim, dim), r(4 * dim, dim), r(dim, 4 * dim)
    rms = lambda t: t * torch.rsqrt(t.pow(2).mean(-1, keepdim=True) + 1e-6)

    def forward():
        b, n, d = x.shape
        q, k, v = F.linear(rms(x), qkv).view(b, n, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, n, d)
        y = x + F.linear(a, out)
        z = rms(y)
        return y + F.linear(F.silu(F.linear(z, w1)) * F.linear(z, w3), w2)
    return forward


print(f"PyTorch eager {torch.__version__}, {torch.get_num_threads()} threads")
print("case              torch (ms)")
for size, (tokens, dim, heads, channels, spatial), n in [("tiny", (8, 64, 2, 4, 8), 1000), ("block", (256, 1024, 8, 128, 64), 20)]:
    x, w, b = torch.randn(1, tokens, dim), torch.randn(dim, dim), torch.randn(dim)
    hd = dim // heads
    q, k, v = (torch.randn(1, heads, tokens, hd) for _ in range(3))
    img, ker, bias = torch.randn(1, channels, spatial, spatial), torch.randn(channels, channels, 3, 3), torch.randn(channels)
    cases = {
        "linear": lambda: F.linear(x, w, b),
        "attention": lambda: F.scaled_dot_product_attention(q, k, v),
        "conv2d": lambda: F.conv2d(img, ker, bias, padding=1),
        "block": block_fn(dim, heads, torch.randn(1, tokens, dim)),
    }
    for op, fn in cases.items():
        print(f"{op + '/' + size:16s} {median_ms(fn, n):10.4f}")
