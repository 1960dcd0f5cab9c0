import CTorchShim

// The layers a DiT, a VAE and a decoder-only language model are built from.

extension Tensor {
    public func matmul(_ other: Tensor) throws -> Tensor {
        try withExtendedLifetime(other) {
            try produce("Tensor.matmul") { api, out in api.matmul(handle, other.handle, out) }
        }
    }

    /// `x @ weightᵀ + bias`, with weight shaped [out, in] as checkpoints store it.
    public func linear(_ weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        try withExtendedLifetime((weight, bias)) {
            try produce("Tensor.linear") { api, out in api.linear(handle, weight.handle, bias?.handle, out) }
        }
    }

    public func conv2d(_ weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                       dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
        let s = [Int64(stride.0), Int64(stride.1)]
        let p = [Int64(padding.0), Int64(padding.1)]
        let d = [Int64(dilation.0), Int64(dilation.1)]
        return try withExtendedLifetime((weight, bias)) {
            try produce("Tensor.conv2d") { api, out in
                api.conv2d(handle, weight.handle, bias?.handle, s, p, d, Int64(groups), out)
            }
        }
    }

    public func groupNorm(groups: Int, weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) throws -> Tensor {
        try withExtendedLifetime((weight, bias)) {
            try produce("Tensor.groupNorm") { api, out in api.group_norm(handle, Int64(groups), weight?.handle, bias?.handle, eps, out) }
        }
    }

    /// Normalises over the trailing `normalizedShape` dimensions (default: the last one).
    public func layerNorm(_ normalizedShape: [Int]? = nil, weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) throws -> Tensor {
        let dims = int64s(normalizedShape ?? [size(-1)])
        return try withExtendedLifetime((weight, bias)) {
            try produce("Tensor.layerNorm") { api, out in
                api.layer_norm(handle, dims, Int32(dims.count), weight?.handle, bias?.handle, eps, out)
            }
        }
    }

    /// `x / sqrt(mean(x², last dim) + eps) * weight`, computed in float32 as Qwen3 and diffusers do.
    public func rmsNorm(weight: Tensor?, eps: Double) throws -> Tensor {
        try withExtendedLifetime(weight) {
            try produce("Tensor.rmsNorm") { api, out in api.rms_norm(handle, weight?.handle, eps, out) }
        }
    }

    public func softmax(dim: Int) throws -> Tensor {
        try produce("Tensor.softmax") { api, out in api.softmax(handle, Int64(dim), out) }
    }

    public func logSoftmax(dim: Int) throws -> Tensor {
        try produce("Tensor.logSoftmax") { api, out in api.log_softmax(handle, Int64(dim), out) }
    }

    /// Scaled dot-product attention over [..., L, E] tensors. `mask`: bool (true attends) or additive,
    /// broadcastable to [..., Lq, Lk]. `scale` defaults to 1/√E.
    public static func attention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil,
                                 causal: Bool = false, scale: Double? = nil) throws -> Tensor {
        try withExtendedLifetime((query, key, value, mask)) {
            try produce("Tensor.attention") { api, out in
                api.attention(query.handle, key.handle, value.handle, mask?.handle, causal ? 1 : 0, scale ?? 0, out)
            }
        }
    }

    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil) throws -> Tensor {
        let k = [Int64(kernel.0), Int64(kernel.1)]
        let s = stride.map { [Int64($0.0), Int64($0.1)] } ?? k
        return try produce("Tensor.avgPool2d") { api, out in api.avg_pool2d(handle, k, s, out) }
    }
}
