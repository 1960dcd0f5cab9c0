import CTorchShim

// Reductions. An empty `dims` reduces over every dimension.

extension Tensor {
    func reduce(_ op: sf_reduce_op, _ dims: [Int], keepDim: Bool, _ name: StaticString) throws -> Tensor {
        let d = int64s(dims)
        return try produce(name) { api, out in
            api.reduce(Int32(op.rawValue), handle, d.isEmpty ? nil : d, Int32(d.count), keepDim ? 1 : 0, out)
        }
    }

    public func sum(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(SF_SUM, dims, keepDim: keepDim, "Tensor.sum") }
    public func mean(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(SF_MEAN, dims, keepDim: keepDim, "Tensor.mean") }
    public func max(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(SF_AMAX, dims, keepDim: keepDim, "Tensor.max") }
    public func min(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(SF_AMIN, dims, keepDim: keepDim, "Tensor.min") }
    public func prod(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(SF_PROD, dims, keepDim: keepDim, "Tensor.prod") }
    /// Unbiased variance (Bessel's correction), as torch.var.
    public func variance(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(SF_VAR, dims, keepDim: keepDim, "Tensor.variance") }
    /// Unbiased standard deviation, as torch.std.
    public func std(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(SF_STD, dims, keepDim: keepDim, "Tensor.std") }

    public func sum(dim: Int, keepDim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepDim: keepDim) }
    public func mean(dim: Int, keepDim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepDim: keepDim) }

    public func argmax(dim: Int, keepDim: Bool = false) throws -> Tensor {
        try produce("Tensor.argmax") { api, out in api.argmax(handle, Int64(dim), keepDim ? 1 : 0, out) }
    }

    public func cumsum(dim: Int) throws -> Tensor {
        try produce("Tensor.cumsum") { api, out in api.cumsum(handle, Int64(dim), out) }
    }
}
