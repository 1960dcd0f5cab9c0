import Foundation
import SafeTensors

/// Anything that hands out safetensors tensors by name: one file or a (sharded) checkpoint.
public protocol SafeTensorsSource {
    func info(_ name: String) -> SafeTensorInfo?
    func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
}

extension SafeTensorsFile: SafeTensorsSource {}
extension SafeTensorsCheckpoint: SafeTensorsSource {}

extension SafeTensorsDType {
    /// The tensor dtype that holds these values without loss; nil for types the ABI has no use for.
    var tensorDType: DType? {
        switch self {
        case .F32: return .float32
        case .F16: return .float16
        case .BF16: return .bfloat16
        case .I64: return .int64
        case .I32: return .int32
        case .U8: return .uint8
        case .BOOL: return .bool
        case .F64, .I16, .I8, .F8_E4M3, .F8_E5M2: return nil
        }
    }
}

extension DType {
    var safeTensorsDType: SafeTensorsDType {
        switch self {
        case .float32: return .F32
        case .float16: return .F16
        case .bfloat16: return .BF16
        case .int64: return .I64
        case .int32: return .I32
        case .uint8: return .U8
        case .bool: return .BOOL
        }
    }
}

extension Tensor {
    /// Loads one tensor straight from the mapped file, converted to `dtype` (default: as stored) on `device`.
    /// Only this tensor is read, so a large checkpoint streams tensor by tensor.
    public static func load(_ name: String, from source: SafeTensorsSource, dtype: DType? = nil, device: Device = .cpu) throws -> Tensor {
        guard let info = source.info(name) else { throw TorchError("Tensor.load", "no tensor named '\(name)'") }
        let stored: Tensor
        if let native = info.dtype.tensorDType {
            stored = try source.withBytes(of: name) { try Tensor(bytes: $0, shape: info.shape, dtype: native) }
        } else if info.dtype == .F64 {
            // float64 has no place in the ABI; narrow it here.
            let values: [Float] = try source.withBytes(of: name) { raw in
                (0..<info.elementCount).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
            }
            stored = try Tensor(values, shape: info.shape)
        } else {
            throw TorchError("Tensor.load", "'\(name)' is stored as \(info.dtype.rawValue), which SceneForge cannot compute with")
        }
        return try stored.to(device, dtype ?? stored.dtype)
    }
}

extension SafeTensorsWriter {
    /// Adds a tensor's values in its own dtype.
    public mutating func add(name: String, tensor: Tensor) throws {
        try add(name: name, dtype: tensor.dtype.safeTensorsDType, shape: tensor.shape, bytes: tensor.bytes())
    }
}
