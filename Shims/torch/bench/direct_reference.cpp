// direct_reference.cpp: the shim benchmark's reference, the same ops called straight from C++ on
// the same libtorch, in the same process as the Swift measurements (sceneforge-bench shim).
// Built by scripts/bench/shim-overhead into libsceneforge_torch_bench.so; never part of the product.

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <torch/types.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

namespace {

struct Shapes { int64_t tokens, dim, heads, channels, spatial; };

Shapes shapes_for(const std::string &size) {
    if (size == "tiny") return {8, 64, 2, 4, 8};
    return {256, 1024, 8, 128, 64};  // "block": one DiT-block-sized step on a CPU
}

// The same attention path the shim takes on this libtorch version.
at::Tensor attend(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v) {
#if TORCH_VERSION_MAJOR >= 2
    return at::scaled_dot_product_attention(q, k, v);
#else
    return at::matmul(at::softmax(at::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(q.size(-1)))), -1), v);
#endif
}

// One pre-norm transformer block with a SwiGLU MLP, as sceneforge-bench's Swift version.
struct Block {
    at::Tensor qkv, out, w1, w3, w2, norm1, norm2;
    int64_t heads;
    Block(int64_t dim, int64_t heads_) : heads(heads_) {
        auto g = at::detail::createCPUGenerator(0);
        auto r = [&](std::vector<int64_t> s) { return at::randn(s, g) * 0.02; };
        qkv = r({3 * dim, dim}); out = r({dim, dim});
        w1 = r({4 * dim, dim}); w3 = r({4 * dim, dim}); w2 = r({dim, 4 * dim});
        norm1 = at::ones({dim}); norm2 = at::ones({dim});
    }
    static at::Tensor rms(const at::Tensor &x, const at::Tensor &w) {
        at::Tensor f = x.to(at::kFloat);  // as the shim's rms_norm
        return w * (f * at::rsqrt(f.pow(2).mean(-1, true) + 1e-6)).to(x.scalar_type());
    }
    at::Tensor forward(const at::Tensor &x) const {
        const int64_t b = x.size(0), n = x.size(1), d = x.size(2), hd = d / heads;
        auto h = at::linear(rms(x, norm1), qkv);
        auto parts = h.view({b, n, 3, heads, hd}).permute({2, 0, 3, 1, 4});
        auto q = parts[0], k = parts[1], v = parts[2];
        auto a = attend(q, k, v).transpose(1, 2).reshape({b, n, d});
        auto y = x + at::linear(a, out);
        auto z = rms(y, norm2);
        return y + at::linear(at::silu(at::linear(z, w1)) * at::linear(z, w3), w2);
    }
};

template <typename Body>
double median_seconds(int iterations, Body body) {
    for (int i = 0; i < 2; i++) body();
    std::vector<double> times;
    for (int i = 0; i < iterations; i++) {
        auto start = std::chrono::steady_clock::now();
        body();
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

// Median seconds per call of `op` ("linear", "attention", "conv2d", "block") at `size` ("tiny", "block").
// Returns a negative number for an unknown case or a libtorch error.
extern "C" __attribute__((visibility("default"))) double sf_bench_direct(const char *op, const char *size, int iterations) {
    try {
        c10::AutoGradMode no_grad(false);
        const std::string name(op);
        const Shapes s = shapes_for(size);
        auto g = at::detail::createCPUGenerator(1);
        if (name == "linear") {
            auto x = at::randn({1, s.tokens, s.dim}, g), w = at::randn({s.dim, s.dim}, g), b = at::randn({s.dim}, g);
            return median_seconds(iterations, [&] { at::linear(x, w, b); });
        }
        if (name == "attention") {
            const int64_t hd = s.dim / s.heads;
            auto q = at::randn({1, s.heads, s.tokens, hd}, g), k = at::randn({1, s.heads, s.tokens, hd}, g),
                 v = at::randn({1, s.heads, s.tokens, hd}, g);
            return median_seconds(iterations, [&] { attend(q, k, v); });
        }
        if (name == "conv2d") {
            auto x = at::randn({1, s.channels, s.spatial, s.spatial}, g), w = at::randn({s.channels, s.channels, 3, 3}, g),
                 b = at::randn({s.channels}, g);
            return median_seconds(iterations, [&] { at::conv2d(x, w, b, {1, 1}, {1, 1}); });
        }
        if (name == "block") {
            Block block(s.dim, s.heads);
            auto x = at::randn({1, s.tokens, s.dim}, g);
            return median_seconds(iterations, [&] { block.forward(x); });
        }
        return -1;
    } catch (...) {
        return -2;
    }
}

// Median seconds of one optimiser update as a libtorch C++ user writes it: clip_grad_norm_ (max norm 1),
// torch::optim::AdamW (lr 1e-4, weight decay 0.01) and an EMA (decay 0.999), on `count` flat float32 parameters of
// `numels[i]` elements holding gradients too small to be clipped. Negative on a libtorch error.
extern "C" __attribute__((visibility("default"))) double sf_bench_optimizer(const int64_t *numels, int32_t count,
                                                                             int32_t iterations) {
    try {
        auto g = at::detail::createCPUGenerator(2);
        std::vector<at::Tensor> parameters, averages;
        for (int32_t i = 0; i < count; i++) {
            at::Tensor p = at::randn({numels[i]}, g).requires_grad_();
            p.mutable_grad() = at::randn({numels[i]}, g) * 1e-4;
            averages.push_back(p.detach().clone());
            parameters.push_back(p);
        }
        torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(1e-4).weight_decay(0.01));
        return median_seconds(iterations, [&] {
            torch::nn::utils::clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            c10::AutoGradMode no_grad(false);
            for (size_t i = 0; i < parameters.size(); i++) averages[i].mul_(0.999).add_(parameters[i].detach(), 0.001);
        });
    } catch (...) {
        return -2;
    }
}
