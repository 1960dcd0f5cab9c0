/*
 * sceneforge_torch.h: the ABI contract between SceneForge (Swift) and its libtorch shim.
 *
 * The Swift program never links libtorch. It dlopens libsceneforge_torch.so and calls the one
 * exported entry point, sf_torch_get_api(), which returns a table of function pointers. The table
 * starts with its ABI version and its size, so a Swift binary and a shim built at different times
 * can tell whether they fit before calling anything else.
 *
 * Rules every function follows:
 *   - It returns SF_OK (0) or an error code; results come back through out-parameters.
 *   - On error, last_error() returns the message (libtorch's own text for C++ exceptions), valid on
 *     the calling thread until its next call into the shim. No C++ exception ever crosses this
 *     boundary and nothing here aborts the process.
 *   - Every sf_tensor returned through an out-parameter is a new reference owned by the caller,
 *     released with tensor_free. Input handles are borrowed.
 *   - Optional tensor arguments are NULL when absent.
 *
 * Bump SF_TORCH_ABI_VERSION whenever an existing entry changes meaning or position; appending new
 * entries at the end only grows struct_size.
 */
#ifndef SCENEFORGE_TORCH_H
#define SCENEFORGE_TORCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SF_TORCH_ABI_VERSION 1u
#define SF_TORCH_ENTRY_POINT "sf_torch_get_api"

typedef struct sf_tensor_opaque *sf_tensor;
typedef struct sf_generator_opaque *sf_generator;

typedef int32_t sf_status;
enum { SF_OK = 0, SF_ERR_TORCH = 1, SF_ERR_ARGUMENT = 2, SF_ERR_UNAVAILABLE = 3 };

typedef enum {
    SF_FLOAT32 = 0, SF_FLOAT16 = 1, SF_BFLOAT16 = 2, SF_INT64 = 3, SF_INT32 = 4, SF_UINT8 = 5, SF_BOOL = 6
} sf_dtype;

/* META tensors have shapes and dtypes but no storage: for instantiating full-size models without weights. */
typedef enum { SF_DEVICE_CPU = 0, SF_DEVICE_CUDA = 1, SF_DEVICE_META = 2 } sf_device_type;

/* Elementwise ops taking two tensors (broadcasting) or a tensor and a scalar. R* ops put the scalar first. */
typedef enum {
    SF_ADD = 0, SF_SUB, SF_MUL, SF_DIV, SF_POW, SF_MAXIMUM, SF_MINIMUM,
    SF_EQ, SF_NE, SF_LT, SF_LE, SF_GT, SF_GE, SF_LOGICAL_AND, SF_LOGICAL_OR,
    SF_RSUB, SF_RDIV, SF_RPOW, SF_ATAN2, SF_REMAINDER
} sf_binary_op;

typedef enum {
    SF_NEG = 0, SF_ABS, SF_EXP, SF_LOG, SF_SIN, SF_COS, SF_SQRT, SF_RSQRT, SF_TANH, SF_SIGMOID,
    SF_SILU, SF_GELU, SF_GELU_TANH, SF_RELU, SF_SQUARE, SF_RECIPROCAL, SF_FLOOR, SF_CEIL, SF_ROUND,
    SF_LOGICAL_NOT, SF_SIGN, SF_ERF, SF_ISNAN, SF_ISFINITE, SF_LOG1P, SF_EXPM1
} sf_unary_op;

typedef enum { SF_SUM = 0, SF_MEAN, SF_AMAX, SF_AMIN, SF_PROD, SF_VAR, SF_STD } sf_reduce_op;

typedef enum { SF_PAD_CONSTANT = 0, SF_PAD_REFLECT, SF_PAD_REPLICATE } sf_pad_mode;
typedef enum { SF_INTERP_NEAREST = 0, SF_INTERP_BILINEAR, SF_INTERP_BICUBIC, SF_INTERP_AREA } sf_interp_mode;

/* In-place updates, for optimisers and weight loading: dst op= src. */
typedef enum { SF_INPLACE_COPY = 0, SF_INPLACE_ADD, SF_INPLACE_SUB, SF_INPLACE_MUL, SF_INPLACE_DIV } sf_inplace_op;

typedef struct sf_torch_api {
    uint32_t abi_version;   /* SF_TORCH_ABI_VERSION of the shim */
    uint32_t struct_size;   /* sizeof(sf_torch_api) in the shim */

    /* ---- errors and runtime information ---- */
    const char *(*last_error)(void);
    sf_status (*torch_version)(char *buf, size_t cap);      /* e.g. "1.13.0" */
    sf_status (*build_config)(char *buf, size_t cap);       /* at::show_config() */
    sf_status (*get_num_threads)(int32_t *out);
    sf_status (*set_num_threads)(int32_t n);
    sf_status (*cuda_device_count)(int32_t *out);            /* 0 where CUDA is absent */
    sf_status (*cuda_mem_info)(int32_t device, int64_t *free_bytes, int64_t *total_bytes);
    /* The caching allocator's view; SF_ERR_UNAVAILABLE in a shim built without CUDA. */
    sf_status (*cuda_allocator_stats)(int32_t device, int64_t *allocated, int64_t *reserved, int64_t *peak_allocated);
    sf_status (*cuda_synchronize)(int32_t device);
    sf_status (*cuda_empty_cache)(void);
    sf_status (*manual_seed)(uint64_t seed);

    /* ---- tensor lifecycle and metadata ---- */
    void (*tensor_free)(sf_tensor t);
    sf_status (*tensor_ndim)(sf_tensor t, int32_t *out);
    sf_status (*tensor_shape)(sf_tensor t, int64_t *dims, int32_t cap);   /* cap >= ndim */
    sf_status (*tensor_dtype)(sf_tensor t, int32_t *out);                 /* an sf_dtype */
    sf_status (*tensor_device)(sf_tensor t, int32_t *type, int32_t *index);
    sf_status (*tensor_describe)(sf_tensor t, char *buf, size_t cap);     /* libtorch's printout */

    /* ---- creation ---- */
    sf_status (*full)(const int64_t *shape, int32_t ndim, double value, int32_t dtype, int32_t dev_type, int32_t dev_index, sf_tensor *out);
    sf_status (*arange)(double start, double end, double step, int32_t dtype, int32_t dev_type, int32_t dev_index, sf_tensor *out);
    sf_status (*linspace)(double start, double end, int64_t steps, int32_t dtype, int32_t dev_type, int32_t dev_index, sf_tensor *out);
    /* Generators live on the CPU: random tensors for another device are drawn on the CPU and moved, so
       one seed gives the same numbers on every device (and the same as torch.Generator() in Python). */
    sf_status (*generator_new)(uint64_t seed, sf_generator *out);
    void (*generator_free)(sf_generator g);
    /* gen may be NULL (the global generator). normal: mean 0 std 1; uniform: [0, 1). */
    sf_status (*randn)(const int64_t *shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index, sf_generator gen, sf_tensor *out);
    sf_status (*rand)(const int64_t *shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index, sf_generator gen, sf_tensor *out);
    /* Copies nbytes of contiguous, native-endian data of the given dtype into a new tensor. */
    sf_status (*from_buffer)(const void *data, size_t nbytes, const int64_t *shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index, sf_tensor *out);
    /* Copies the tensor (moved to the CPU, made contiguous, same dtype) into dst; nbytes must match. */
    sf_status (*to_buffer)(sf_tensor t, void *dst, size_t nbytes);
    sf_status (*item)(sf_tensor t, double *out);

    /* ---- conversion ---- */
    sf_status (*to_dtype)(sf_tensor t, int32_t dtype, sf_tensor *out);
    sf_status (*to_device)(sf_tensor t, int32_t dev_type, int32_t dev_index, sf_tensor *out);
    sf_status (*clone)(sf_tensor t, sf_tensor *out);
    sf_status (*contiguous)(sf_tensor t, sf_tensor *out);

    /* ---- elementwise ---- */
    sf_status (*binary)(int32_t op, sf_tensor a, sf_tensor b, sf_tensor *out);
    sf_status (*binary_scalar)(int32_t op, sf_tensor a, double s, sf_tensor *out);
    sf_status (*unary)(int32_t op, sf_tensor a, sf_tensor *out);
    sf_status (*where)(sf_tensor cond, sf_tensor a, sf_tensor b, sf_tensor *out);
    /* Bounds are used only where has_min / has_max is nonzero. */
    sf_status (*clamp)(sf_tensor a, int32_t has_min, double min, int32_t has_max, double max, sf_tensor *out);
    sf_status (*inplace)(int32_t op, sf_tensor dst, sf_tensor src);
    sf_status (*inplace_scalar)(int32_t op, sf_tensor dst, double s);   /* COPY fills with s */

    /* ---- linear algebra and neural-network ops ---- */
    sf_status (*matmul)(sf_tensor a, sf_tensor b, sf_tensor *out);
    sf_status (*linear)(sf_tensor x, sf_tensor weight, sf_tensor bias, sf_tensor *out);
    sf_status (*conv2d)(sf_tensor x, sf_tensor weight, sf_tensor bias, const int64_t stride[2], const int64_t padding[2], const int64_t dilation[2], int64_t groups, sf_tensor *out);
    sf_status (*group_norm)(sf_tensor x, int64_t groups, sf_tensor weight, sf_tensor bias, double eps, sf_tensor *out);
    sf_status (*layer_norm)(sf_tensor x, const int64_t *normalized_shape, int32_t n, sf_tensor weight, sf_tensor bias, double eps, sf_tensor *out);
    /* x * rsqrt(mean(x^2, last dim) + eps), computed in float32 and cast back, then times weight (if any). */
    sf_status (*rms_norm)(sf_tensor x, sf_tensor weight, double eps, sf_tensor *out);
    sf_status (*softmax)(sf_tensor x, int64_t dim, sf_tensor *out);
    sf_status (*log_softmax)(sf_tensor x, int64_t dim, sf_tensor *out);
    /* q, k, v: [..., L, E]. mask: bool (true = attend) or additive float, broadcastable to [..., Lq, Lk].
       scale <= 0 means 1/sqrt(E). */
    sf_status (*attention)(sf_tensor q, sf_tensor k, sf_tensor v, sf_tensor mask, int32_t is_causal, double scale, sf_tensor *out);
    sf_status (*avg_pool2d)(sf_tensor x, const int64_t kernel[2], const int64_t stride[2], sf_tensor *out);

    /* ---- reductions ---- */
    /* dims == NULL / n == 0 reduces over everything. */
    /* VAR and STD are unbiased (Bessel's correction), as torch.var's default. */
    sf_status (*reduce)(int32_t op, sf_tensor x, const int64_t *dims, int32_t n, int32_t keepdim, sf_tensor *out);
    sf_status (*argmax)(sf_tensor x, int64_t dim, int32_t keepdim, sf_tensor *out);
    sf_status (*cumsum)(sf_tensor x, int64_t dim, sf_tensor *out);

    /* ---- shape and indexing ---- */
    sf_status (*reshape)(sf_tensor x, const int64_t *shape, int32_t n, sf_tensor *out);
    sf_status (*view)(sf_tensor x, const int64_t *shape, int32_t n, sf_tensor *out);
    sf_status (*permute)(sf_tensor x, const int64_t *dims, int32_t n, sf_tensor *out);
    sf_status (*transpose)(sf_tensor x, int64_t d0, int64_t d1, sf_tensor *out);
    sf_status (*slice)(sf_tensor x, int64_t dim, int64_t start, int64_t end, int64_t step, sf_tensor *out);
    sf_status (*index_select)(sf_tensor x, int64_t dim, sf_tensor index, sf_tensor *out);
    sf_status (*gather)(sf_tensor x, int64_t dim, sf_tensor index, sf_tensor *out);
    sf_status (*cat)(const sf_tensor *xs, int32_t n, int64_t dim, sf_tensor *out);
    sf_status (*stack)(const sf_tensor *xs, int32_t n, int64_t dim, sf_tensor *out);
    sf_status (*expand)(sf_tensor x, const int64_t *shape, int32_t n, sf_tensor *out);
    sf_status (*repeat)(sf_tensor x, const int64_t *repeats, int32_t n, sf_tensor *out);
    sf_status (*squeeze)(sf_tensor x, int64_t dim, sf_tensor *out);           /* dim == INT64_MIN: all size-1 dims */
    sf_status (*unsqueeze)(sf_tensor x, int64_t dim, sf_tensor *out);
    sf_status (*flatten)(sf_tensor x, int64_t start, int64_t end, sf_tensor *out);
    sf_status (*triu)(sf_tensor x, int64_t diagonal, sf_tensor *out);
    sf_status (*tril)(sf_tensor x, int64_t diagonal, sf_tensor *out);
    /* pads: pairs for the last dims, last dim first, as torch.nn.functional.pad. */
    sf_status (*pad)(sf_tensor x, const int64_t *pads, int32_t n, int32_t mode, double value, sf_tensor *out);
    sf_status (*interpolate)(sf_tensor x, int64_t out_h, int64_t out_w, int32_t mode, int32_t align_corners, sf_tensor *out);

    /* ---- autograd ---- */
    sf_status (*set_requires_grad)(sf_tensor t, int32_t flag);
    sf_status (*requires_grad)(sf_tensor t, int32_t *out);
    sf_status (*backward)(sf_tensor t, sf_tensor grad_output);
    sf_status (*grad)(sf_tensor t, sf_tensor *out);          /* *out = NULL when no gradient exists */
    sf_status (*zero_grad)(sf_tensor t);                     /* forgets the gradient */
    sf_status (*detach)(sf_tensor t, sf_tensor *out);
    sf_status (*set_grad_enabled)(int32_t flag, int32_t *previous);  /* thread-local, as in libtorch */

    /* ---- fused in-place updates (optimisers, EMA): one pass, no temporaries ---- */
    sf_status (*lerp_inplace)(sf_tensor dst, sf_tensor end, double weight);           /* dst += weight·(end − dst) */
    sf_status (*addcmul_inplace)(sf_tensor dst, sf_tensor a, sf_tensor b, double value);  /* dst += value·a·b */
    sf_status (*addcdiv_inplace)(sf_tensor dst, sf_tensor a, sf_tensor b, double value);  /* dst += value·a/b */
} sf_torch_api;

/* The one exported symbol. Returns NULL only if the shim cannot build its table. */
const sf_torch_api *sf_torch_get_api(void);

#ifdef __cplusplus
}
#endif

#endif /* SCENEFORGE_TORCH_H */
