// sceneforge_torch.cpp: the libtorch side of the ABI in include/sceneforge_torch.h.
//
// Generic tensor ops only; nothing here knows about diffusion. Every entry point catches every C++
// exception and turns it into a status code plus a thread-local message, so nothing unwinds into Swift.
// The same source builds against Debian's libtorch 1.13 and PyTorch's bundled libtorch 2.x.

#include "sceneforge_torch.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/GradMode.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef SF_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

struct sf_tensor_opaque { at::Tensor t; };
struct sf_generator_opaque { at::Generator g; };

namespace {

thread_local std::string last_error_message;

sf_status fail(sf_status code, const char *message) {
    last_error_message = message ? message : "unknown error";
    return code;
}

// Runs body, mapping every exception to a status. Used by every entry point.
template <typename Body>
sf_status guarded(Body &&body) {
    try {
        body();
        return SF_OK;
    } catch (const c10::Error &e) {
        return fail(SF_ERR_TORCH, e.what_without_backtrace());
    } catch (const std::invalid_argument &e) {
        return fail(SF_ERR_ARGUMENT, e.what());
    } catch (const std::exception &e) {
        return fail(SF_ERR_TORCH, e.what());
    } catch (...) {
        return fail(SF_ERR_TORCH, "unknown C++ exception in the libtorch shim");
    }
}

const at::Tensor &T(sf_tensor h) {
    if (!h) throw std::invalid_argument("a required tensor argument is NULL");
    return h->t;
}

at::Tensor optionalT(sf_tensor h) { return h ? h->t : at::Tensor(); }

void require_out(const void *out) {
    if (!out) throw std::invalid_argument("the output pointer is NULL");
}

void emit(sf_tensor *out, at::Tensor t) {
    require_out(out);
    *out = new sf_tensor_opaque{std::move(t)};
}

at::ScalarType scalar_type(int32_t dtype) {
    switch (dtype) {
        case SF_FLOAT32: return at::kFloat;
        case SF_FLOAT16: return at::kHalf;
        case SF_BFLOAT16: return at::kBFloat16;
        case SF_INT64: return at::kLong;
        case SF_INT32: return at::kInt;
        case SF_UINT8: return at::kByte;
        case SF_BOOL: return at::kBool;
    }
    throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
}

int32_t dtype_code(at::ScalarType t) {
    switch (t) {
        case at::kFloat: return SF_FLOAT32;
        case at::kHalf: return SF_FLOAT16;
        case at::kBFloat16: return SF_BFLOAT16;
        case at::kLong: return SF_INT64;
        case at::kInt: return SF_INT32;
        case at::kByte: return SF_UINT8;
        case at::kBool: return SF_BOOL;
        default: break;
    }
    throw std::invalid_argument(std::string("tensor has a dtype outside the ABI: ") + c10::toString(t));
}

at::Device device(int32_t type, int32_t index) {
    switch (type) {
        case SF_DEVICE_CPU: return at::Device(at::kCPU);
        case SF_DEVICE_CUDA: return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
        case SF_DEVICE_META: return at::Device(at::kMeta);
    }
    throw std::invalid_argument("unknown device type " + std::to_string(type));
}

at::TensorOptions options(int32_t dtype, int32_t dev_type, int32_t dev_index) {
    return at::TensorOptions().dtype(scalar_type(dtype)).device(device(dev_type, dev_index));
}

std::vector<int64_t> dims_of(const int64_t *p, int32_t n) {
    if (n < 0 || (n > 0 && !p)) throw std::invalid_argument("invalid dimension list");
    return std::vector<int64_t>(p, p + n);
}

void copy_string(const std::string &s, char *buf, size_t cap) {
    if (!buf || cap == 0) throw std::invalid_argument("the output buffer is empty");
    size_t n = std::min(s.size(), cap - 1);
    std::memcpy(buf, s.data(), n);
    buf[n] = 0;
}

// Random numbers come from a CPU generator, then move, so every device sees the same noise.
template <typename Draw>
at::Tensor draw_random(const int64_t *shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index,
                       sf_generator gen, Draw draw) {
    auto dims = dims_of(shape, ndim);
    auto cpu = at::TensorOptions().dtype(at::kFloat);
    c10::optional<at::Generator> g;
    if (gen) g = gen->g;
    at::Tensor t = draw(dims, g, cpu);
    return t.to(options(dtype, dev_type, dev_index));
}

at::Tensor binary_op(int32_t op, const at::Tensor &a, const at::Tensor &b) {
    switch (op) {
        case SF_ADD: return at::add(a, b);
        case SF_SUB: return at::sub(a, b);
        case SF_MUL: return at::mul(a, b);
        case SF_DIV: return at::div(a, b);
        case SF_POW: return at::pow(a, b);
        case SF_MAXIMUM: return at::maximum(a, b);
        case SF_MINIMUM: return at::minimum(a, b);
        case SF_EQ: return at::eq(a, b);
        case SF_NE: return at::ne(a, b);
        case SF_LT: return at::lt(a, b);
        case SF_LE: return at::le(a, b);
        case SF_GT: return at::gt(a, b);
        case SF_GE: return at::ge(a, b);
        case SF_LOGICAL_AND: return at::logical_and(a, b);
        case SF_LOGICAL_OR: return at::logical_or(a, b);
        case SF_RSUB: return at::sub(b, a);
        case SF_RDIV: return at::div(b, a);
        case SF_RPOW: return at::pow(b, a);
        case SF_ATAN2: return at::atan2(a, b);
        case SF_REMAINDER: return at::remainder(a, b);
    }
    throw std::invalid_argument("unknown binary op " + std::to_string(op));
}

at::Tensor binary_scalar_op(int32_t op, const at::Tensor &a, double s) {
    const at::Scalar x(s);
    switch (op) {
        case SF_ADD: return at::add(a, x);
        case SF_SUB: return at::sub(a, x);
        case SF_MUL: return at::mul(a, x);
        case SF_DIV: return at::div(a, x);
        case SF_POW: return at::pow(a, x);
        case SF_MAXIMUM: return at::clamp_min(a, x);
        case SF_MINIMUM: return at::clamp_max(a, x);
        case SF_EQ: return at::eq(a, x);
        case SF_NE: return at::ne(a, x);
        case SF_LT: return at::lt(a, x);
        case SF_LE: return at::le(a, x);
        case SF_GT: return at::gt(a, x);
        case SF_GE: return at::ge(a, x);
        case SF_RSUB: return at::rsub(a, x);
        case SF_RPOW: return at::pow(x, a);
        case SF_REMAINDER: return at::remainder(a, x);
        default: break;
    }
    // The rest have no scalar overload: promote the scalar to a 0-dim tensor, as Python does.
    return binary_op(op, a, at::scalar_tensor(x, a.options().dtype(at::kDouble)).to(at::kFloat).to(a.device()));
}

at::Tensor unary_op(int32_t op, const at::Tensor &a) {
    switch (op) {
        case SF_NEG: return at::neg(a);
        case SF_ABS: return at::abs(a);
        case SF_EXP: return at::exp(a);
        case SF_LOG: return at::log(a);
        case SF_SIN: return at::sin(a);
        case SF_COS: return at::cos(a);
        case SF_SQRT: return at::sqrt(a);
        case SF_RSQRT: return at::rsqrt(a);
        case SF_TANH: return at::tanh(a);
        case SF_SIGMOID: return at::sigmoid(a);
        case SF_SILU: return at::silu(a);
        case SF_GELU: return at::gelu(a);
        case SF_GELU_TANH: return at::gelu(a, "tanh");
        case SF_RELU: return at::relu(a);
        case SF_SQUARE: return at::square(a);
        case SF_RECIPROCAL: return at::reciprocal(a);
        case SF_FLOOR: return at::floor(a);
        case SF_CEIL: return at::ceil(a);
        case SF_ROUND: return at::round(a);
        case SF_LOGICAL_NOT: return at::logical_not(a);
        case SF_SIGN: return at::sign(a);
        case SF_ERF: return at::erf(a);
        case SF_ISNAN: return at::isnan(a);
        case SF_ISFINITE: return at::isfinite(a);
        case SF_LOG1P: return at::log1p(a);
        case SF_EXPM1: return at::expm1(a);
    }
    throw std::invalid_argument("unknown unary op " + std::to_string(op));
}

at::Tensor reduce_op(int32_t op, const at::Tensor &x, const std::vector<int64_t> &dims, bool keepdim) {
    const bool all = dims.empty();
    std::vector<int64_t> every;
    if (all) for (int64_t d = 0; d < x.dim(); d++) every.push_back(d);
    const std::vector<int64_t> &ds = all ? every : dims;
    switch (op) {
        case SF_SUM: return all && !keepdim ? at::sum(x) : at::sum(x, ds, keepdim);
        case SF_MEAN: return all && !keepdim ? at::mean(x) : at::mean(x, ds, keepdim);
        case SF_AMAX: return at::amax(x, ds, keepdim);
        case SF_AMIN: return at::amin(x, ds, keepdim);
        case SF_PROD: {
            if (all && !keepdim) return at::prod(x);
            at::Tensor r = x;
            std::vector<int64_t> sorted = ds;
            std::sort(sorted.begin(), sorted.end(), [&](int64_t a, int64_t b) {
                return c10::maybe_wrap_dim(a, x.dim()) > c10::maybe_wrap_dim(b, x.dim());
            });
            for (int64_t d : sorted) r = at::prod(r, c10::maybe_wrap_dim(d, x.dim()), keepdim);
            return r;
        }
        case SF_VAR: return at::var(x, at::OptionalIntArrayRef(ds), /*unbiased=*/true, keepdim);
        case SF_STD: return at::std(x, at::OptionalIntArrayRef(ds), /*unbiased=*/true, keepdim);
    }
    throw std::invalid_argument("unknown reduction " + std::to_string(op));
}

// Scaled dot-product attention. libtorch 2.x has a fused kernel; 1.13 gets the textbook formula.
at::Tensor attention_op(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v, const at::Tensor &mask,
                        bool causal, double scale) {
    const double default_scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
#if TORCH_VERSION_MAJOR >= 2
    at::Tensor qs = (scale > 0 && scale != default_scale) ? q * (scale / default_scale) : q;
    c10::optional<at::Tensor> m;
    if (mask.defined()) m = mask;
    return at::scaled_dot_product_attention(qs, k, v, m, 0.0, causal);
#else
    const double s = scale > 0 ? scale : default_scale;
    at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) * s;
    const double neg_inf = -std::numeric_limits<double>::infinity();
    if (causal) {
        auto keep = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).tril();
        scores = scores.masked_fill(keep.logical_not(), neg_inf);
    }
    if (mask.defined()) {
        if (mask.scalar_type() == at::kBool) scores = scores.masked_fill(mask.logical_not(), neg_inf);
        else scores = scores + mask;
    }
    return at::matmul(at::softmax(scores, -1), v);
#endif
}

at::Tensor pad_op(const at::Tensor &x, const std::vector<int64_t> &pads, int32_t mode, double value) {
    if (pads.size() % 2 != 0) throw std::invalid_argument("pad takes pairs of (before, after) sizes");
    switch (mode) {
        case SF_PAD_CONSTANT: return at::constant_pad_nd(x, pads, value);
        case SF_PAD_REFLECT:
            if (pads.size() == 2) return at::reflection_pad1d(x, pads);
            if (pads.size() == 4) return at::reflection_pad2d(x, pads);
            break;
        case SF_PAD_REPLICATE:
            if (pads.size() == 2) return at::replication_pad1d(x, pads);
            if (pads.size() == 4) return at::replication_pad2d(x, pads);
            break;
        default: throw std::invalid_argument("unknown pad mode " + std::to_string(mode));
    }
    throw std::invalid_argument("reflect and replicate padding take 2 or 4 sizes");
}

at::Tensor interpolate_op(const at::Tensor &x, int64_t h, int64_t w, int32_t mode, bool align) {
    if (x.dim() != 4) throw std::invalid_argument("interpolate takes a 4-d [N, C, H, W] tensor");
    if (h <= 0 || w <= 0) throw std::invalid_argument("interpolate needs a positive output size");
    switch (mode) {
        case SF_INTERP_NEAREST: return at::upsample_nearest2d(x, {h, w});
        case SF_INTERP_BILINEAR: return at::upsample_bilinear2d(x, {h, w}, align);
        case SF_INTERP_BICUBIC: return at::upsample_bicubic2d(x, {h, w}, align);
        case SF_INTERP_AREA: return at::adaptive_avg_pool2d(x, {h, w});
    }
    throw std::invalid_argument("unknown interpolation mode " + std::to_string(mode));
}

std::vector<at::Tensor> tensor_list(const sf_tensor *xs, int32_t n) {
    if (n <= 0 || !xs) throw std::invalid_argument("an empty tensor list");
    std::vector<at::Tensor> list;
    list.reserve(n);
    for (int32_t i = 0; i < n; i++) list.push_back(T(xs[i]));
    return list;
}

// CUDA's runtime is reached through the symbols libtorch_cuda already loaded, so the shim needs no
// CUDA headers to report free/total memory.
template <typename Fn>
Fn cuda_runtime_symbol(const char *name) {
    return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

// ---------------------------------------------------------------------------------------------
// Entry points, in the order of the table.

const char *last_error() { return last_error_message.c_str(); }

sf_status torch_version(char *buf, size_t cap) {
    return guarded([&] { copy_string(TORCH_VERSION, buf, cap); });
}
sf_status build_config(char *buf, size_t cap) {
    return guarded([&] { copy_string(at::show_config(), buf, cap); });
}
sf_status get_num_threads(int32_t *out) {
    return guarded([&] { require_out(out); *out = at::get_num_threads(); });
}
sf_status set_num_threads(int32_t n) {
    return guarded([&] {
        if (n < 1) throw std::invalid_argument("thread count must be at least 1");
        at::set_num_threads(n);
    });
}
sf_status cuda_device_count(int32_t *out) {
    return guarded([&] { require_out(out); *out = static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs()); });
}
sf_status cuda_mem_info(int32_t dev, int64_t *free_bytes, int64_t *total_bytes) {
    return guarded([&] {
        require_out(free_bytes);
        require_out(total_bytes);
        using GetDevice = int (*)(int *);
        using SetDevice = int (*)(int);
        using MemGetInfo = int (*)(size_t *, size_t *);
        auto get_device = cuda_runtime_symbol<GetDevice>("cudaGetDevice");
        auto set_device = cuda_runtime_symbol<SetDevice>("cudaSetDevice");
        auto mem_get_info = cuda_runtime_symbol<MemGetInfo>("cudaMemGetInfo");
        if (!get_device || !set_device || !mem_get_info) throw std::runtime_error("the CUDA runtime is not loaded");
        int previous = 0;
        get_device(&previous);
        if (set_device(dev) != 0) throw std::runtime_error("cudaSetDevice failed for device " + std::to_string(dev));
        size_t f = 0, t = 0;
        int rc = mem_get_info(&f, &t);
        set_device(previous);
        if (rc != 0) throw std::runtime_error("cudaMemGetInfo failed with code " + std::to_string(rc));
        *free_bytes = static_cast<int64_t>(f);
        *total_bytes = static_cast<int64_t>(t);
    });
}
sf_status cuda_allocator_stats(int32_t dev, int64_t *allocated, int64_t *reserved, int64_t *peak) {
#ifdef SF_WITH_CUDA
    return guarded([&] {
        require_out(allocated);
        require_out(reserved);
        require_out(peak);
        using namespace c10::cuda::CUDACachingAllocator;
        auto stats = getDeviceStats(static_cast<c10::DeviceIndex>(dev));
        const auto all = static_cast<size_t>(StatType::AGGREGATE);
        *allocated = stats.allocated_bytes[all].current;
        *reserved = stats.reserved_bytes[all].current;
        *peak = stats.allocated_bytes[all].peak;
    });
#else
    return fail(SF_ERR_UNAVAILABLE, "this shim was built without CUDA");
#endif
}
sf_status cuda_synchronize(int32_t dev) {
    return guarded([&] {
        using Synchronize = int (*)(void);
        using SetDevice = int (*)(int);
        auto set_device = cuda_runtime_symbol<SetDevice>("cudaSetDevice");
        auto sync = cuda_runtime_symbol<Synchronize>("cudaDeviceSynchronize");
        if (!set_device || !sync) throw std::runtime_error("the CUDA runtime is not loaded");
        set_device(dev);
        if (sync() != 0) throw std::runtime_error("cudaDeviceSynchronize failed");
    });
}
sf_status cuda_empty_cache() {
#ifdef SF_WITH_CUDA
    return guarded([&] { c10::cuda::CUDACachingAllocator::emptyCache(); });
#else
    return fail(SF_ERR_UNAVAILABLE, "this shim was built without CUDA");
#endif
}
sf_status manual_seed(uint64_t seed) {
    return guarded([&] { at::manual_seed(seed); });
}

void tensor_free(sf_tensor t) { delete t; }

sf_status tensor_ndim(sf_tensor t, int32_t *out) {
    return guarded([&] { require_out(out); *out = static_cast<int32_t>(T(t).dim()); });
}
sf_status tensor_shape(sf_tensor t, int64_t *dims, int32_t cap) {
    return guarded([&] {
        const auto &x = T(t);
        if (cap < x.dim() || (x.dim() > 0 && !dims)) throw std::invalid_argument("shape buffer too small");
        for (int64_t i = 0; i < x.dim(); i++) dims[i] = x.size(i);
    });
}
sf_status tensor_dtype(sf_tensor t, int32_t *out) {
    return guarded([&] { require_out(out); *out = dtype_code(T(t).scalar_type()); });
}
sf_status tensor_device(sf_tensor t, int32_t *type, int32_t *index) {
    return guarded([&] {
        require_out(type);
        require_out(index);
        auto d = T(t).device();
        *type = d.is_cuda() ? SF_DEVICE_CUDA : d.is_meta() ? SF_DEVICE_META : SF_DEVICE_CPU;
        *index = d.has_index() ? d.index() : 0;
    });
}
sf_status tensor_describe(sf_tensor t, char *buf, size_t cap) {
    return guarded([&] {
        std::ostringstream os;
        os << T(t);
        copy_string(os.str(), buf, cap);
    });
}

sf_status full(const int64_t *shape, int32_t ndim, double value, int32_t dtype, int32_t dt, int32_t di, sf_tensor *out) {
    return guarded([&] { emit(out, at::full(dims_of(shape, ndim), value, options(dtype, dt, di))); });
}
sf_status arange(double start, double end, double step, int32_t dtype, int32_t dt, int32_t di, sf_tensor *out) {
    return guarded([&] {
        if (step == 0) throw std::invalid_argument("arange step must not be zero");
        emit(out, at::arange(start, end, step, options(dtype, dt, di)));
    });
}
sf_status linspace(double start, double end, int64_t steps, int32_t dtype, int32_t dt, int32_t di, sf_tensor *out) {
    return guarded([&] { emit(out, at::linspace(start, end, steps, options(dtype, dt, di))); });
}
sf_status generator_new(uint64_t seed, sf_generator *out) {
    return guarded([&] {
        require_out(out);
        auto g = at::detail::createCPUGenerator(seed);
        *out = new sf_generator_opaque{g};
    });
}
void generator_free(sf_generator g) { delete g; }
sf_status randn(const int64_t *shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, sf_generator gen, sf_tensor *out) {
    return guarded([&] {
        emit(out, draw_random(shape, ndim, dtype, dt, di, gen, [](auto &dims, auto &g, auto &opts) {
                 return at::randn(dims, g, opts);
             }));
    });
}
sf_status rand(const int64_t *shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, sf_generator gen, sf_tensor *out) {
    return guarded([&] {
        emit(out, draw_random(shape, ndim, dtype, dt, di, gen, [](auto &dims, auto &g, auto &opts) {
                 return at::rand(dims, g, opts);
             }));
    });
}
sf_status from_buffer(const void *data, size_t nbytes, const int64_t *shape, int32_t ndim, int32_t dtype, int32_t dt,
                      int32_t di, sf_tensor *out) {
    return guarded([&] {
        auto dims = dims_of(shape, ndim);
        auto opts = at::TensorOptions().dtype(scalar_type(dtype));
        int64_t count = 1;
        for (auto d : dims) {
            if (d < 0) throw std::invalid_argument("negative dimension");
            if (d != 0 && count > std::numeric_limits<int64_t>::max() / d) throw std::invalid_argument("shape overflows");
            count *= d;
        }
        const size_t expected = static_cast<size_t>(count) * c10::elementSize(scalar_type(dtype));
        if (expected != nbytes)
            throw std::invalid_argument("buffer holds " + std::to_string(nbytes) + " bytes, the shape needs " +
                                        std::to_string(expected));
        if (count > 0 && !data) throw std::invalid_argument("buffer is NULL");
        at::Tensor t = at::empty(dims, opts);
        if (nbytes > 0) std::memcpy(t.data_ptr(), data, nbytes);
        emit(out, dt == SF_DEVICE_CPU ? t : t.to(device(dt, di)));
    });
}
sf_status to_buffer(sf_tensor t, void *dst, size_t nbytes) {
    return guarded([&] {
        at::Tensor c = T(t).detach().to(at::kCPU).contiguous();
        const size_t have = static_cast<size_t>(c.numel()) * c.element_size();
        if (have != nbytes)
            throw std::invalid_argument("tensor holds " + std::to_string(have) + " bytes, the buffer " + std::to_string(nbytes));
        if (nbytes > 0) {
            if (!dst) throw std::invalid_argument("buffer is NULL");
            std::memcpy(dst, c.data_ptr(), nbytes);
        }
    });
}
sf_status item(sf_tensor t, double *out) {
    return guarded([&] { require_out(out); *out = T(t).item<double>(); });
}

sf_status to_dtype(sf_tensor t, int32_t dtype, sf_tensor *out) {
    return guarded([&] { emit(out, T(t).to(scalar_type(dtype))); });
}
sf_status to_device(sf_tensor t, int32_t dt, int32_t di, sf_tensor *out) {
    return guarded([&] { emit(out, T(t).to(device(dt, di))); });
}
sf_status clone(sf_tensor t, sf_tensor *out) {
    return guarded([&] { emit(out, T(t).clone()); });
}
sf_status contiguous(sf_tensor t, sf_tensor *out) {
    return guarded([&] { emit(out, T(t).contiguous()); });
}

sf_status binary(int32_t op, sf_tensor a, sf_tensor b, sf_tensor *out) {
    return guarded([&] { emit(out, binary_op(op, T(a), T(b))); });
}
sf_status binary_scalar(int32_t op, sf_tensor a, double s, sf_tensor *out) {
    return guarded([&] { emit(out, binary_scalar_op(op, T(a), s)); });
}
sf_status unary(int32_t op, sf_tensor a, sf_tensor *out) {
    return guarded([&] { emit(out, unary_op(op, T(a))); });
}
sf_status where(sf_tensor cond, sf_tensor a, sf_tensor b, sf_tensor *out) {
    return guarded([&] { emit(out, at::where(T(cond), T(a), T(b))); });
}
sf_status clamp(sf_tensor a, int32_t has_min, double lo, int32_t has_max, double hi, sf_tensor *out) {
    return guarded([&] {
        c10::optional<at::Scalar> mn, mx;
        if (has_min) mn = lo;
        if (has_max) mx = hi;
        if (!mn && !mx) throw std::invalid_argument("clamp needs a lower or an upper bound");
        emit(out, at::clamp(T(a), mn, mx));
    });
}
sf_status inplace(int32_t op, sf_tensor dst, sf_tensor src) {
    return guarded([&] {
        at::Tensor d = T(dst);
        const at::Tensor &s = T(src);
        switch (op) {
            case SF_INPLACE_COPY: d.copy_(s); return;
            case SF_INPLACE_ADD: d.add_(s); return;
            case SF_INPLACE_SUB: d.sub_(s); return;
            case SF_INPLACE_MUL: d.mul_(s); return;
            case SF_INPLACE_DIV: d.div_(s); return;
        }
        throw std::invalid_argument("unknown in-place op " + std::to_string(op));
    });
}
sf_status inplace_scalar(int32_t op, sf_tensor dst, double s) {
    return guarded([&] {
        at::Tensor d = T(dst);
        switch (op) {
            case SF_INPLACE_COPY: d.fill_(s); return;
            case SF_INPLACE_ADD: d.add_(s); return;
            case SF_INPLACE_SUB: d.sub_(s); return;
            case SF_INPLACE_MUL: d.mul_(s); return;
            case SF_INPLACE_DIV: d.div_(s); return;
        }
        throw std::invalid_argument("unknown in-place op " + std::to_string(op));
    });
}
sf_status lerp_inplace(sf_tensor dst, sf_tensor end, double weight) {
    return guarded([&] { T(dst).lerp_(T(end), weight); });
}
sf_status addcmul_inplace(sf_tensor dst, sf_tensor a, sf_tensor b, double value) {
    return guarded([&] { T(dst).addcmul_(T(a), T(b), value); });
}
sf_status addcdiv_inplace(sf_tensor dst, sf_tensor a, sf_tensor b, double value) {
    return guarded([&] { T(dst).addcdiv_(T(a), T(b), value); });
}

sf_status matmul(sf_tensor a, sf_tensor b, sf_tensor *out) {
    return guarded([&] { emit(out, at::matmul(T(a), T(b))); });
}
sf_status linear(sf_tensor x, sf_tensor w, sf_tensor b, sf_tensor *out) {
    return guarded([&] { emit(out, at::linear(T(x), T(w), optionalT(b))); });
}
sf_status conv2d(sf_tensor x, sf_tensor w, sf_tensor b, const int64_t stride[2], const int64_t padding[2],
                 const int64_t dilation[2], int64_t groups, sf_tensor *out) {
    return guarded([&] {
        if (!stride || !padding || !dilation) throw std::invalid_argument("conv2d needs stride, padding and dilation");
        emit(out, at::conv2d(T(x), T(w), optionalT(b), {stride[0], stride[1]}, {padding[0], padding[1]},
                             {dilation[0], dilation[1]}, groups));
    });
}
sf_status group_norm(sf_tensor x, int64_t groups, sf_tensor w, sf_tensor b, double eps, sf_tensor *out) {
    return guarded([&] { emit(out, at::group_norm(T(x), groups, optionalT(w), optionalT(b), eps)); });
}
sf_status layer_norm(sf_tensor x, const int64_t *shape, int32_t n, sf_tensor w, sf_tensor b, double eps, sf_tensor *out) {
    return guarded([&] { emit(out, at::layer_norm(T(x), dims_of(shape, n), optionalT(w), optionalT(b), eps)); });
}
sf_status rms_norm(sf_tensor x, sf_tensor w, double eps, sf_tensor *out) {
    return guarded([&] {
        const at::Tensor &in = T(x);
        at::Tensor f = in.to(at::kFloat);
        at::Tensor y = (f * at::rsqrt(f.pow(2).mean(-1, true) + eps)).to(in.scalar_type());
        if (w) y = T(w) * y;
        emit(out, y);
    });
}
sf_status softmax(sf_tensor x, int64_t dim, sf_tensor *out) {
    return guarded([&] { emit(out, at::softmax(T(x), dim)); });
}
sf_status log_softmax(sf_tensor x, int64_t dim, sf_tensor *out) {
    return guarded([&] { emit(out, at::log_softmax(T(x), dim)); });
}
sf_status attention(sf_tensor q, sf_tensor k, sf_tensor v, sf_tensor mask, int32_t causal, double scale, sf_tensor *out) {
    return guarded([&] { emit(out, attention_op(T(q), T(k), T(v), optionalT(mask), causal != 0, scale)); });
}
sf_status avg_pool2d(sf_tensor x, const int64_t kernel[2], const int64_t stride[2], sf_tensor *out) {
    return guarded([&] {
        if (!kernel || !stride) throw std::invalid_argument("avg_pool2d needs kernel and stride");
        emit(out, at::avg_pool2d(T(x), {kernel[0], kernel[1]}, {stride[0], stride[1]}));
    });
}

sf_status reduce(int32_t op, sf_tensor x, const int64_t *dims, int32_t n, int32_t keepdim, sf_tensor *out) {
    return guarded([&] { emit(out, reduce_op(op, T(x), dims_of(dims, n), keepdim != 0)); });
}
sf_status argmax(sf_tensor x, int64_t dim, int32_t keepdim, sf_tensor *out) {
    return guarded([&] { emit(out, at::argmax(T(x), dim, keepdim != 0)); });
}
sf_status cumsum(sf_tensor x, int64_t dim, sf_tensor *out) {
    return guarded([&] { emit(out, at::cumsum(T(x), dim)); });
}

sf_status reshape(sf_tensor x, const int64_t *shape, int32_t n, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).reshape(dims_of(shape, n))); });
}
sf_status view(sf_tensor x, const int64_t *shape, int32_t n, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).view(dims_of(shape, n))); });
}
sf_status permute(sf_tensor x, const int64_t *dims, int32_t n, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).permute(dims_of(dims, n))); });
}
sf_status transpose(sf_tensor x, int64_t d0, int64_t d1, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).transpose(d0, d1)); });
}
sf_status slice(sf_tensor x, int64_t dim, int64_t start, int64_t end, int64_t step, sf_tensor *out) {
    return guarded([&] {
        if (step < 1) throw std::invalid_argument("slice step must be positive");
        emit(out, T(x).slice(dim, start, end, step));
    });
}
sf_status index_select(sf_tensor x, int64_t dim, sf_tensor index, sf_tensor *out) {
    return guarded([&] { emit(out, at::index_select(T(x), dim, T(index))); });
}
sf_status gather(sf_tensor x, int64_t dim, sf_tensor index, sf_tensor *out) {
    return guarded([&] { emit(out, at::gather(T(x), dim, T(index))); });
}
sf_status cat(const sf_tensor *xs, int32_t n, int64_t dim, sf_tensor *out) {
    return guarded([&] { emit(out, at::cat(tensor_list(xs, n), dim)); });
}
sf_status stack(const sf_tensor *xs, int32_t n, int64_t dim, sf_tensor *out) {
    return guarded([&] { emit(out, at::stack(tensor_list(xs, n), dim)); });
}
sf_status expand(sf_tensor x, const int64_t *shape, int32_t n, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).expand(dims_of(shape, n))); });
}
sf_status repeat(sf_tensor x, const int64_t *repeats, int32_t n, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).repeat(dims_of(repeats, n))); });
}
sf_status squeeze(sf_tensor x, int64_t dim, sf_tensor *out) {
    return guarded([&] {
        emit(out, dim == std::numeric_limits<int64_t>::min() ? T(x).squeeze() : T(x).squeeze(dim));
    });
}
sf_status unsqueeze(sf_tensor x, int64_t dim, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).unsqueeze(dim)); });
}
sf_status flatten(sf_tensor x, int64_t start, int64_t end, sf_tensor *out) {
    return guarded([&] { emit(out, T(x).flatten(start, end)); });
}
sf_status triu(sf_tensor x, int64_t diagonal, sf_tensor *out) {
    return guarded([&] { emit(out, at::triu(T(x), diagonal)); });
}
sf_status tril(sf_tensor x, int64_t diagonal, sf_tensor *out) {
    return guarded([&] { emit(out, at::tril(T(x), diagonal)); });
}
sf_status pad(sf_tensor x, const int64_t *pads, int32_t n, int32_t mode, double value, sf_tensor *out) {
    return guarded([&] { emit(out, pad_op(T(x), dims_of(pads, n), mode, value)); });
}
sf_status interpolate(sf_tensor x, int64_t h, int64_t w, int32_t mode, int32_t align, sf_tensor *out) {
    return guarded([&] { emit(out, interpolate_op(T(x), h, w, mode, align != 0)); });
}

sf_status set_requires_grad(sf_tensor t, int32_t flag) {
    return guarded([&] {
        at::Tensor x = T(t);
        x.set_requires_grad(flag != 0);
    });
}
sf_status requires_grad(sf_tensor t, int32_t *out) {
    return guarded([&] { require_out(out); *out = T(t).requires_grad() ? 1 : 0; });
}
sf_status backward(sf_tensor t, sf_tensor grad_output) {
    return guarded([&] { T(t).backward(optionalT(grad_output)); });
}
sf_status grad(sf_tensor t, sf_tensor *out) {
    return guarded([&] {
        require_out(out);
        at::Tensor g = T(t).grad();
        *out = g.defined() ? new sf_tensor_opaque{g} : nullptr;
    });
}
sf_status zero_grad(sf_tensor t) {
    return guarded([&] {
        at::Tensor x = T(t);
        x.mutable_grad() = at::Tensor();
    });
}
sf_status detach(sf_tensor t, sf_tensor *out) {
    return guarded([&] { emit(out, T(t).detach()); });
}
sf_status set_grad_enabled(int32_t flag, int32_t *previous) {
    return guarded([&] {
        if (previous) *previous = c10::GradMode::is_enabled() ? 1 : 0;
        c10::GradMode::set_enabled(flag != 0);
    });
}

sf_torch_api make_table() {
    sf_torch_api api{};
    api.abi_version = SF_TORCH_ABI_VERSION;
    api.struct_size = sizeof(sf_torch_api);
    api.last_error = last_error;
    api.torch_version = torch_version;
    api.build_config = build_config;
    api.get_num_threads = get_num_threads;
    api.set_num_threads = set_num_threads;
    api.cuda_device_count = cuda_device_count;
    api.cuda_mem_info = cuda_mem_info;
    api.cuda_allocator_stats = cuda_allocator_stats;
    api.cuda_synchronize = cuda_synchronize;
    api.cuda_empty_cache = cuda_empty_cache;
    api.manual_seed = manual_seed;
    api.tensor_free = tensor_free;
    api.tensor_ndim = tensor_ndim;
    api.tensor_shape = tensor_shape;
    api.tensor_dtype = tensor_dtype;
    api.tensor_device = tensor_device;
    api.tensor_describe = tensor_describe;
    api.full = full;
    api.arange = arange;
    api.linspace = linspace;
    api.generator_new = generator_new;
    api.generator_free = generator_free;
    api.randn = randn;
    api.rand = rand;
    api.from_buffer = from_buffer;
    api.to_buffer = to_buffer;
    api.item = item;
    api.to_dtype = to_dtype;
    api.to_device = to_device;
    api.clone = clone;
    api.contiguous = contiguous;
    api.binary = binary;
    api.binary_scalar = binary_scalar;
    api.unary = unary;
    api.where = where;
    api.clamp = clamp;
    api.inplace = inplace;
    api.inplace_scalar = inplace_scalar;
    api.matmul = matmul;
    api.linear = linear;
    api.conv2d = conv2d;
    api.group_norm = group_norm;
    api.layer_norm = layer_norm;
    api.rms_norm = rms_norm;
    api.softmax = softmax;
    api.log_softmax = log_softmax;
    api.attention = attention;
    api.avg_pool2d = avg_pool2d;
    api.reduce = reduce;
    api.argmax = argmax;
    api.cumsum = cumsum;
    api.reshape = reshape;
    api.view = view;
    api.permute = permute;
    api.transpose = transpose;
    api.slice = slice;
    api.index_select = index_select;
    api.gather = gather;
    api.cat = cat;
    api.stack = stack;
    api.expand = expand;
    api.repeat = repeat;
    api.squeeze = squeeze;
    api.unsqueeze = unsqueeze;
    api.flatten = flatten;
    api.triu = triu;
    api.tril = tril;
    api.pad = pad;
    api.interpolate = interpolate;
    api.set_requires_grad = set_requires_grad;
    api.requires_grad = requires_grad;
    api.backward = backward;
    api.grad = grad;
    api.zero_grad = zero_grad;
    api.detach = detach;
    api.set_grad_enabled = set_grad_enabled;
    api.lerp_inplace = lerp_inplace;
    api.addcmul_inplace = addcmul_inplace;
    api.addcdiv_inplace = addcdiv_inplace;
    return api;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const sf_torch_api *sf_torch_get_api(void) {
    try {
        static const sf_torch_api table = make_table();
        return &table;
    } catch (...) {
        return nullptr;
    }
}
