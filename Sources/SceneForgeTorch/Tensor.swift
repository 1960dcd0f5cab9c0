import CTorchShim

/// A tensor owned by libtorch, reached through the shim. ARC frees the handle.
///
/// Every operation that can fail `throws` a `TorchError` with libtorch's message (a shape mismatch,
/// an out-of-memory); one `try` covers a whole expression: `let y = try (x.matmul(w) + b).silu()`.
public final class Tensor: @unchecked Sendable {
    let handle: OpaquePointer

    init(owning handle: OpaquePointer) { self.handle = handle }

    deinit {
        // A tensor only exists once the runtime loaded, so the table is there.
        if let table = try? TorchRuntime.table { table.tensor_free(handle) }
    }

    // MARK: - Metadata

    public var shape: [Int] {
        guard let api = try? TorchRuntime.table else { return [] }
        var n: Int32 = 0
        guard api.tensor_ndim(handle, &n) == 0, n > 0 else { return [] }
        var dims = [Int64](repeating: 0, count: Int(n))
        guard api.tensor_shape(handle, &dims, n) == 0 else { return [] }
        return dims.map(Int.init)
    }

    public var rank: Int { shape.count }
    public var elementCount: Int { shape.reduce(1, *) }

    /// The size along `dim`; negative dims count from the end.
    public func size(_ dim: Int) -> Int {
        let s = shape
        let d = dim < 0 ? dim + s.count : dim
        return s.indices.contains(d) ? s[d] : 0
    }

    public var dtype: DType {
        guard let api = try? TorchRuntime.table else { return .float32 }
        var code: Int32 = 0
        guard api.tensor_dtype(handle, &code) == 0 else { return .float32 }
        return DType(rawValue: code) ?? .float32
    }

    public var device: Device {
        guard let api = try? TorchRuntime.table else { return .cpu }
        var type: Int32 = 0, index: Int32 = 0
        guard api.tensor_device(handle, &type, &index) == 0 else { return .cpu }
        return type == 1 ? .cuda(Int(index)) : type == 2 ? .meta : .cpu
    }

    /// libtorch's printout of the tensor, for debugging.
    public var summary: String {
        guard let api = try? TorchRuntime.table else { return "<tensor>" }
        var buffer = [CChar](repeating: 0, count: 1 << 16)
        guard api.tensor_describe(handle, &buffer, buffer.count) == 0 else { return "<tensor>" }
        return String(cString: buffer)
    }
}

// MARK: - Making results

/// Calls a shim entry point that produces one tensor, turning failure into a thrown error.
@inline(__always)
func produce(_ operation: StaticString, _ body: (sf_torch_api, UnsafeMutablePointer<sf_tensor?>) -> sf_status) throws -> Tensor {
    let api = try TorchRuntime.table
    var out: sf_tensor?
    try check(body(api, &out), operation)
    guard let handle = out else { throw TorchError("\(operation)", "the shim returned no tensor") }
    return Tensor(owning: handle)
}

/// Runs `body` with the shim handles of `tensors` as a C array.
@inline(__always)
func withHandles<R>(_ tensors: [Tensor], _ body: (UnsafePointer<sf_tensor?>, Int32) throws -> R) rethrows -> R {
    let handles: [sf_tensor?] = tensors.map { $0.handle }
    return try handles.withUnsafeBufferPointer { buffer in
        try withExtendedLifetime(tensors) { try body(buffer.baseAddress!, Int32(buffer.count)) }
    }
}

@inline(__always)
func int64s(_ values: [Int]) -> [Int64] { values.map { Int64($0) } }
