import CTorchShim

/// Element types a tensor can hold; the cases are the ABI's sf_dtype codes.
public enum DType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case float32 = 0, float16 = 1, bfloat16 = 2, int64 = 3, int32 = 4, uint8 = 5, bool = 6

    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .int64: return 8
        case .uint8, .bool: return 1
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float16 || self == .bfloat16 }

    public var description: String {
        switch self {
        case .float32: return "float32"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .int64: return "int64"
        case .int32: return "int32"
        case .uint8: return "uint8"
        case .bool: return "bool"
        }
    }

    /// Parses the names people type on a command line ("fp16", "bf16", "float32"...).
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "fp32", "f32", "float": self = .float32
        case "float16", "fp16", "f16", "half": self = .float16
        case "bfloat16", "bf16": self = .bfloat16
        case "int64", "i64", "long": self = .int64
        case "int32", "i32", "int": self = .int32
        case "uint8", "u8", "byte": self = .uint8
        case "bool": self = .bool
        default: return nil
        }
    }
}

/// Where a tensor lives.
public enum Device: Equatable, Hashable, Sendable, CustomStringConvertible {
    case cpu
    case cuda(Int)
    /// Shapes and dtypes without storage: instantiates a full-size model without allocating it.
    case meta

    var abi: (type: Int32, index: Int32) {
        switch self {
        case .cpu: return (0, 0)
        case .cuda(let i): return (1, Int32(i))
        case .meta: return (2, 0)
        }
    }

    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let i): return "cuda:\(i)"
        case .meta: return "meta"
        }
    }

    /// "cpu", "cuda", "cuda:1".
    public init?(name: String) {
        let lower = name.lowercased()
        if lower == "cpu" { self = .cpu; return }
        if lower == "meta" { self = .meta; return }
        if lower == "cuda" { self = .cuda(0); return }
        guard lower.hasPrefix("cuda:"), let i = Int(lower.dropFirst(5)), i >= 0 else { return nil }
        self = .cuda(i)
    }
}

/// Swift types that map one-to-one onto a tensor dtype, for copying values in and out.
public protocol TensorElement {
    static var dtype: DType { get }
}
extension Float: TensorElement { public static var dtype: DType { .float32 } }
extension Int64: TensorElement { public static var dtype: DType { .int64 } }
extension Int32: TensorElement { public static var dtype: DType { .int32 } }
extension UInt8: TensorElement { public static var dtype: DType { .uint8 } }
extension Bool: TensorElement { public static var dtype: DType { .bool } }
#if !(os(macOS) && arch(x86_64))
extension Float16: TensorElement { public static var dtype: DType { .float16 } }
#endif
