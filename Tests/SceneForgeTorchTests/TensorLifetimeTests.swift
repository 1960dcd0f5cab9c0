import Foundation
import SafeTensors
import SceneForgeTorch
import Testing

/// ARC frees libtorch memory, and checkpoints round-trip through the safetensors bridge.
struct TensorLifetimeTests {
    func residentBytes() -> Int {
        guard let status = FileHandle(forReadingAtPath: "/proc/self/status")?.readDataToEndOfFile(),
              let text = String(data: status, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else { return 0 }
        return kb * 1024
    }

    @Test func droppedTensorsReleaseTheirMemory() throws {
        let before = residentBytes()
        // 400 tensors of 16 MB each: 6.4 GB if handles leaked.
        for _ in 0..<400 {
            let t = try Tensor.ones([4, 1024, 1024])
            _ = try (t * 2).sum()
        }
        let grown = residentBytes() - before
        #expect(grown < 512 * 1024 * 1024, "resident memory grew by \(grown) bytes")
    }

    @Test func safetensorsRoundTripKeepsEveryDtype() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sf-roundtrip-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let source = try Tensor.randn([3, 5], generator: Generator(seed: 9))
        var writer = SafeTensorsWriter(metadata: ["format": "pt"])
        for dtype in DType.allCases {
            try writer.add(name: "t.\(dtype)", tensor: try source.to(dtype))
        }
        try writer.write(to: url)
        let file = try SafeTensorsFile(url: url)
        for dtype in DType.allCases {
            let back = try Tensor.load("t.\(dtype)", from: file)
            #expect(back.dtype == dtype)
            #expect(try back.bytes() == source.to(dtype).bytes(), "\(dtype)")
        }
        // Loading converts to the compute dtype on request.
        #expect(try Tensor.load("t.float32", from: file, dtype: .bfloat16).dtype == .bfloat16)
    }

    @Test func pythonWrittenCheckpointsLoad() throws {
        // The PyTorch fixture stores bfloat16 and float16 outputs written by Python's safetensors.
        let file = try SafeTensorsFile(url: fixturesFolder.appendingPathComponent("ops/ops.safetensors"))
        #expect(try Tensor.load("to_bfloat16/out", from: file).dtype == .bfloat16)
        #expect(try Tensor.load("to_float16/out", from: file).dtype == .float16)
        #expect(try Tensor.load("argmax/out", from: file).dtype == .int64)
    }
}
