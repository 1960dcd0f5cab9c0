import Foundation
import Testing

@testable import SafeTensors

/// Swift writer → Swift reader, for every dtype, and the writer's own validation.
@Suite struct RoundTripTests {
    /// One tensor of every dtype, with random bytes and a shape that exercises scalars and empty tensors.
    private func randomTensors(seed: UInt64) -> [(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8])] {
        var generator = SplitMix64(seed: seed)
        let shapes: [[Int]] = [[3, 5], [7], [], [2, 0, 4], [2, 3, 2]]
        return SafeTensorsDType.allCases.enumerated().map { index, dtype in
            let shape = shapes[index % shapes.count]
            let count = shape.reduce(1, *) * dtype.byteSize
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return ("t\(index).\(dtype.rawValue.lowercased()) ✓", dtype, shape, bytes)
        }
    }

    @Test func everyDTypeRoundTrips() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("round.safetensors")
        let metadata = ["format": "pt", "quote \" and \\ and \n": "ünïcödé 中文 \u{1}"]
        let tensors = randomTensors(seed: 42)

        var writer = SafeTensorsWriter(metadata: metadata)
        for tensor in tensors {
            try writer.add(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.bytes)
        }
        try writer.write(to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["round.safetensors"])

        let file = try SafeTensorsFile(url: url)
        #expect(file.metadata == metadata)
        #expect(file.names == tensors.map(\.name))
        for tensor in tensors {
            let info = try #require(file.info(tensor.name))
            #expect(info.dtype == tensor.dtype)
            #expect(info.shape == tensor.shape)
            #expect(try file.withBytes(of: tensor.name) { Array($0) } == tensor.bytes)
        }
        // The data section starts 8-aligned, as Python's writer leaves it.
        let raw = try Data(contentsOf: url)
        #expect(raw.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } % 8 == 0)
    }

    @Test func typedValuesAreCopiedRaw() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("typed.safetensors")
        let floats: [Float] = [1, -2.5, .infinity, .leastNonzeroMagnitude, -0.0, 3.25]
        let halves: [UInt16] = [0x3C00, 0xC000, 0x7E00]
        let longs: [Int64] = [.min, -1, 0, .max]

        var writer = SafeTensorsWriter()
        try writer.add(name: "floats", dtype: .F32, shape: [2, 3], values: floats)
        try writer.add(name: "halves", dtype: .BF16, shape: [3], values: halves)
        try writer.add(name: "longs", dtype: .I64, shape: [4], values: longs)
        try writer.write(to: url)
        try writer.write(to: url)  // overwriting in place is allowed

        let file = try SafeTensorsFile(url: url)
        #expect(try file.withBytes(of: "floats") { unsignedElements($0, width: 4) } == floats.map { UInt64($0.bitPattern) })
        #expect(try file.withBytes(of: "halves") { unsignedElements($0, width: 2) } == halves.map { UInt64($0) })
        #expect(
            try file.withBytes(of: "longs") { unsignedElements($0, width: 8) } == longs.map { UInt64(bitPattern: $0) })
    }

    @Test func writerRejectsInconsistentTensors() throws {
        var writer = SafeTensorsWriter()
        try writer.add(name: "a", dtype: .U8, shape: [2], bytes: [1, 2])
        let cases: [(String, () throws -> Void)] = [
            ("byte count mismatch", { try writer.add(name: "b", dtype: .F32, shape: [2], bytes: [0, 0, 0, 0]) }),
            ("duplicate", { try writer.add(name: "a", dtype: .U8, shape: [2], bytes: [1, 2]) }),
            ("reserved", { try writer.add(name: "__metadata__", dtype: .U8, shape: [1], bytes: [1]) }),
            ("negative", { try writer.add(name: "c", dtype: .U8, shape: [-1], bytes: []) }),
            ("overflows", { try writer.add(name: "d", dtype: .F64, shape: [Int.max / 2, 3], bytes: []) }),
            ("byte size mismatch", { try writer.add(name: "e", dtype: .F16, shape: [1], values: [Float(1)]) }),
        ]
        for (keyword, body) in cases {
            let error = try #require(throws: SafeTensorsError.self, performing: body)
            #expect(error.problem.contains(keyword), "\(error)")
        }
    }

    @Test func writeToMissingFolderFailsCleanly() throws {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/x.safetensors")
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsWriter().write(to: url) }
        #expect(error.file == url.path)
        #expect(error.problem.contains("temporary file"))
    }

    /// With SAFETENSORS_EXPORT_DIR set, leaves a Swift-written file and its expectation there, for
    /// `make_safetensors_fixtures.py verify` to check with Python's reader.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SAFETENSORS_EXPORT_DIR"] != nil))
    func exportForPythonReader() throws {
        let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SAFETENSORS_EXPORT_DIR"] ?? "")
        let tensors = randomTensors(seed: 7).filter { !$0.dtype.rawValue.hasPrefix("F8") && $0.dtype != .BOOL }
        var writer = SafeTensorsWriter(metadata: ["written_by": "SafeTensorsWriter"])
        var expected: [[String: Any]] = []
        for tensor in tensors {
            try writer.add(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.bytes)
            let bits = tensor.bytes.withUnsafeBytes { unsignedElements($0, width: tensor.dtype.byteSize) }
            expected.append(["name": tensor.name, "dtype": tensor.dtype.rawValue, "shape": tensor.shape, "bits": bits])
        }
        try writer.write(to: folder.appendingPathComponent("swift_written.safetensors"))
        let json: [String: Any] = ["metadata": ["written_by": "SafeTensorsWriter"], "tensors": expected]
        try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("swift_written.json"))
    }
}
