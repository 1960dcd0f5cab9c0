import CTorchShim

/// A seeded source of random numbers. It lives on the CPU: noise for any device is drawn here and
/// moved, so a seed gives the same numbers everywhere (and the same as `torch.Generator().manual_seed`).
public final class Generator: @unchecked Sendable {
    let handle: OpaquePointer

    public init(seed: UInt64) throws {
        let api = try TorchRuntime.table
        var out: sf_generator?
        try check(api.generator_new(seed, &out), "Generator(seed:)")
        guard let h = out else { throw TorchError("Generator(seed:)", "the shim returned no generator") }
        handle = h
    }

    deinit {
        if let table = try? TorchRuntime.table { table.generator_free(handle) }
    }
}

extension Tensor {
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let dims = int64s(shape)
        return try produce("Tensor.full") { api, out in
            api.full(dims, Int32(dims.count), value, dtype.rawValue, device.abi.type, device.abi.index, out)
        }
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try full(shape, 0, dtype: dtype, device: device)
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try full(shape, 1, dtype: dtype, device: device)
    }

    public static func zeros(like t: Tensor) throws -> Tensor { try zeros(t.shape, dtype: t.dtype, device: t.device) }
    public static func ones(like t: Tensor) throws -> Tensor { try ones(t.shape, dtype: t.dtype, device: t.device) }

    /// Values from `start` up to (not including) `end`.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try produce("Tensor.arange") { api, out in
            api.arange(start, end, step, dtype.rawValue, device.abi.type, device.abi.index, out)
        }
    }

    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try produce("Tensor.linspace") { api, out in
            api.linspace(start, end, Int64(count), dtype.rawValue, device.abi.type, device.abi.index, out)
        }
    }

    /// Standard normal samples.
    public static func randn(_ shape: [Int], generator: Generator? = nil, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let dims = int64s(shape)
        return try withExtendedLifetime(generator) {
            try produce("Tensor.randn") { api, out in
                api.randn(dims, Int32(dims.count), dtype.rawValue, device.abi.type, device.abi.index, generator?.handle, out)
            }
        }
    }

    /// Uniform samples in [0, 1).
    public static func rand(_ shape: [Int], generator: Generator? = nil, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let dims = int64s(shape)
        return try withExtendedLifetime(generator) {
            try produce("Tensor.rand") { api, out in
                api.rand(dims, Int32(dims.count), dtype.rawValue, device.abi.type, device.abi.index, generator?.handle, out)
            }
        }
    }

    /// Copies contiguous native-endian bytes of `dtype` into a new tensor.
    public convenience init(bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, device: Device = .cpu) throws {
        self.init(owning: try Tensor.copiedHandle(bytes: bytes, shape: shape, dtype: dtype, device: device))
    }

    /// A tensor holding `values` in row-major order. `shape` defaults to one dimension.
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int]? = nil, device: Device = .cpu) throws {
        let dims = shape ?? [values.count]
        let handle = try values.withUnsafeBytes { try Tensor.copiedHandle(bytes: $0, shape: dims, dtype: T.dtype, device: device) }
        self.init(owning: handle)
    }

    private static func copiedHandle(bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, device: Device) throws -> OpaquePointer {
        let dims = int64s(shape)
        let api = try TorchRuntime.table
        var out: sf_tensor?
        try check(api.from_buffer(bytes.baseAddress, bytes.count, dims, Int32(dims.count), dtype.rawValue,
                                  device.abi.type, device.abi.index, &out), "Tensor(bytes:)")
        guard let handle = out else { throw TorchError("Tensor(bytes:)", "the shim returned no tensor") }
        return handle
    }

    /// A scalar (0-dimensional) tensor.
    public static func scalar(_ value: Double, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try full([], value, dtype: dtype, device: device)
    }

    // MARK: - Reading values back

    /// The elements in row-major order, converted to `T`'s dtype first when needed.
    public func toArray<T: TensorElement>(as type: T.Type = T.self) throws -> [T] {
        let source = dtype == T.dtype ? self : try to(T.dtype)
        let count = source.elementCount
        let api = try TorchRuntime.table
        return try withExtendedLifetime(source) {
            try Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                try check(api.to_buffer(source.handle, buffer.baseAddress, count * MemoryLayout<T>.stride), "Tensor.toArray")
                initialized = count
            }
        }
    }

    /// The elements as Float (any dtype converts).
    public func floats() throws -> [Float] { try toArray(as: Float.self) }

    /// The raw bytes of the tensor in its own dtype (bfloat16 included), row-major.
    public func bytes() throws -> [UInt8] {
        let count = elementCount * dtype.byteSize
        let api = try TorchRuntime.table
        return try Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            try check(api.to_buffer(handle, buffer.baseAddress, count), "Tensor.bytes")
            initialized = count
        }
    }

    /// The value of a one-element tensor.
    public func item() throws -> Double {
        let api = try TorchRuntime.table
        var value = 0.0
        try check(api.item(handle, &value), "Tensor.item")
        return value
    }
}
