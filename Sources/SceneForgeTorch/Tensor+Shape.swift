import CTorchShim

// Views, joins and indexing. Negative dimensions count from the end, as in PyTorch.

extension Tensor {
    public func reshape(_ shape: [Int]) throws -> Tensor {
        let dims = int64s(shape)
        return try produce("Tensor.reshape") { api, out in api.reshape(handle, dims, Int32(dims.count), out) }
    }

    /// A view sharing storage; fails where the layout does not allow one (then use `reshape`).
    public func view(_ shape: [Int]) throws -> Tensor {
        let dims = int64s(shape)
        return try produce("Tensor.view") { api, out in api.view(handle, dims, Int32(dims.count), out) }
    }

    public func permute(_ dims: [Int]) throws -> Tensor {
        let d = int64s(dims)
        return try produce("Tensor.permute") { api, out in api.permute(handle, d, Int32(d.count), out) }
    }

    public func permute(_ dims: Int...) throws -> Tensor { try permute(dims) }

    public func transpose(_ d0: Int, _ d1: Int) throws -> Tensor {
        try produce("Tensor.transpose") { api, out in api.transpose(handle, Int64(d0), Int64(d1), out) }
    }

    public func contiguous() throws -> Tensor {
        try produce("Tensor.contiguous") { api, out in api.contiguous(handle, out) }
    }

    /// Elements `start ..< end` (stepping by `step`) along `dim`; `end` nil means to the end.
    public func slice(dim: Int, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
        try produce("Tensor.slice") { api, out in
            api.slice(handle, Int64(dim), Int64(start), end.map(Int64.init) ?? Int64.max, Int64(step), out)
        }
    }

    /// `length` elements from `start` along `dim`.
    public func narrow(dim: Int, start: Int, length: Int) throws -> Tensor {
        guard length >= 0 else { throw TorchError("Tensor.narrow", "length \(length) is negative") }
        let s = start < 0 ? start + size(dim) : start
        return try slice(dim: dim, start: s, end: s + length)
    }

    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        try withExtendedLifetime(index) {
            try produce("Tensor.indexSelect") { api, out in api.index_select(handle, Int64(dim), index.handle, out) }
        }
    }

    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        try withExtendedLifetime(index) {
            try produce("Tensor.gather") { api, out in api.gather(handle, Int64(dim), index.handle, out) }
        }
    }

    public static func cat(_ tensors: [Tensor], dim: Int) throws -> Tensor {
        try withHandles(tensors) { list, n in
            try produce("Tensor.cat") { api, out in api.cat(list, n, Int64(dim), out) }
        }
    }

    public static func stack(_ tensors: [Tensor], dim: Int) throws -> Tensor {
        try withHandles(tensors) { list, n in
            try produce("Tensor.stack") { api, out in api.stack(list, n, Int64(dim), out) }
        }
    }

    /// `count` nearly equal pieces along `dim` (the last may be smaller), as torch.chunk.
    public func chunk(_ count: Int, dim: Int) throws -> [Tensor] {
        guard count > 0 else { throw TorchError("Tensor.chunk", "chunk count must be positive") }
        let total = size(dim)
        let piece = (total + count - 1) / count
        return try split(size: Swift.max(piece, 1), dim: dim)
    }

    /// Pieces of `size` along `dim` (the last may be smaller), as torch.split with an int.
    public func split(size piece: Int, dim: Int) throws -> [Tensor] {
        guard piece > 0 else { throw TorchError("Tensor.split", "split size must be positive") }
        return try stride(from: 0, to: size(dim), by: piece).map {
            try narrow(dim: dim, start: $0, length: Swift.min(piece, size(dim) - $0))
        }
    }

    /// Pieces with the given sizes along `dim`, which must add up to its length.
    public func split(sizes: [Int], dim: Int) throws -> [Tensor] {
        guard sizes.reduce(0, +) == size(dim) else {
            throw TorchError("Tensor.split", "sizes \(sizes) do not add up to \(size(dim))")
        }
        var start = 0
        return try sizes.map { length in
            defer { start += length }
            return try narrow(dim: dim, start: start, length: length)
        }
    }

    /// Broadcasts size-1 dimensions to `shape` without copying (-1 keeps a dimension).
    public func expand(_ shape: [Int]) throws -> Tensor {
        let dims = int64s(shape)
        return try produce("Tensor.expand") { api, out in api.expand(handle, dims, Int32(dims.count), out) }
    }

    public func repeated(_ repeats: [Int]) throws -> Tensor {
        let r = int64s(repeats)
        return try produce("Tensor.repeated") { api, out in api.repeat(handle, r, Int32(r.count), out) }
    }

    /// Removes dimension `dim` if it has size 1; with no argument, every size-1 dimension.
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        try produce("Tensor.squeeze") { api, out in api.squeeze(handle, dim.map(Int64.init) ?? Int64.min, out) }
    }

    public func unsqueeze(_ dim: Int) throws -> Tensor {
        try produce("Tensor.unsqueeze") { api, out in api.unsqueeze(handle, Int64(dim), out) }
    }

    public func flatten(start: Int = 0, end: Int = -1) throws -> Tensor {
        try produce("Tensor.flatten") { api, out in api.flatten(handle, Int64(start), Int64(end), out) }
    }

    public func triu(diagonal: Int = 0) throws -> Tensor {
        try produce("Tensor.triu") { api, out in api.triu(handle, Int64(diagonal), out) }
    }

    public func tril(diagonal: Int = 0) throws -> Tensor {
        try produce("Tensor.tril") { api, out in api.tril(handle, Int64(diagonal), out) }
    }

    public enum PadMode: Int32, Sendable { case constant = 0, reflect = 1, replicate = 2 }

    /// Pads the trailing dimensions: `pads` holds (before, after) pairs, last dimension first, as F.pad.
    public func pad(_ pads: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
        let p = int64s(pads)
        return try produce("Tensor.pad") { api, out in api.pad(handle, p, Int32(p.count), mode.rawValue, value, out) }
    }

    public enum InterpolationMode: Int32, Sendable { case nearest = 0, bilinear = 1, bicubic = 2, area = 3 }

    /// Resizes a [N, C, H, W] tensor to `height` × `width`.
    public func interpolate(height: Int, width: Int, mode: InterpolationMode = .nearest, alignCorners: Bool = false) throws -> Tensor {
        try produce("Tensor.interpolate") { api, out in
            api.interpolate(handle, Int64(height), Int64(width), mode.rawValue, alignCorners ? 1 : 0, out)
        }
    }
}
