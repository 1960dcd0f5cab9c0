import Foundation
import Testing

@testable import SafeTensors

/// Tests/Fixtures/safetensors, found from this file.
func fixturesFolder() -> URL {
    var url = URL(fileURLWithPath: #filePath)
    while url.lastPathComponent != "Tests" && url.path != "/" {
        url.deleteLastPathComponent()
    }
    return url.appendingPathComponent("Fixtures/safetensors")
}

/// What the Python reference wrote next to each fixture (see scripts/reference/make_safetensors_fixtures.py).
struct ExpectedFile: Decodable {
    let metadata: [String: String]
    let tensors: [ExpectedTensor]
}

struct ExpectedTensor: Decodable {
    let name: String
    let dtype: String
    let shape: [Int]
    let data_offsets: [Int]
    /// Elements as unsigned bit patterns of the dtype's width.
    let bits: [UInt64]
}

struct ExpectedShardedCheckpoint: Decodable {
    let metadata: [String: String]
    let shards: [String: ExpectedFile]
}

func decodeJSON<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
    try JSONDecoder().decode(type, from: Data(contentsOf: url))
}

/// Little-endian unsigned elements of `width` bytes, decoded byte by byte (independent of the library).
func unsignedElements(_ bytes: UnsafeRawBufferPointer, width: Int) -> [UInt64] {
    stride(from: 0, to: bytes.count, by: width).map { start in
        (0..<width).reduce(UInt64(0)) { value, index in value | UInt64(bytes[start + index]) << (8 * index) }
    }
}

/// A fresh empty folder under the system temporary folder.
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("safetensors-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A safetensors file image: 8-byte little-endian length (the header's own unless overridden), header, data.
func fileImage(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    fileImage(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
}

func fileImage(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    var bytes: [UInt8] = []
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + headerBytes + data
}

/// Deterministic pseudo-random numbers (SplitMix64), so a failing mutation can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
