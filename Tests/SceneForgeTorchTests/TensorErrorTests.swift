import Foundation
import SafeTensors
@testable import SceneForgeTorch
import Testing

/// libtorch's C++ exceptions come back as Swift errors carrying libtorch's message; nothing aborts.
struct TensorErrorTests {
    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "" } catch { return "\(error)" }
    }

    @Test func shapeMismatchIsAThrownErrorWithLibtorchsText() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4, 5])
        let m = message { try a.matmul(b) }
        #expect(m.contains("Tensor.matmul"))
        #expect(m.contains("cannot be multiplied") || m.contains("shapes") || m.contains("size"))
        #expect(message { try a + b }.contains("must match"))
    }

    @Test func invalidViewsAndArguments() throws {
        let x = try Tensor.zeros([2, 3])
        #expect(!message { try x.reshape([4, 2]) }.isEmpty)
        #expect(!message { try x.transpose(0, 1).view([6]) }.isEmpty)
        #expect(!message { try x.permute([0]) }.isEmpty)
        #expect(!message { try x.slice(dim: 5) }.isEmpty)
        #expect(!message { try x.slice(dim: 0, step: 0) }.isEmpty)
        #expect(message { try Tensor.cat([], dim: 0) }.contains("empty tensor list"))
        #expect(!message { try x.interpolate(height: 4, width: 4) }.isEmpty)   // needs 4-d
        #expect(!message { try x.clamp() }.isEmpty)
        #expect(!message { try x.split(sizes: [1, 1], dim: 1) }.isEmpty)
        #expect(!message { try Tensor.arange(0, 1, step: 0) }.isEmpty)
        #expect(!message { try x.to(.cuda(0)) }.isEmpty)                       // no CUDA here: an error, not a crash
    }

    @Test func bufferSizesAreChecked() throws {
        let bytes: [UInt8] = [0, 0, 0]
        let m = bytes.withUnsafeBytes { raw in message { try Tensor(bytes: raw, shape: [1], dtype: .float32) } }
        #expect(m.contains("3 bytes"))
        #expect(!message { try Tensor([1, 2, 3] as [Float], shape: [2, 2]) }.isEmpty)
        #expect(!message { try Tensor([1] as [Float], shape: [-1]) }.isEmpty)
    }

    @Test func autogradMisuse() throws {
        let x = try Tensor.ones([2])
        #expect(!message { try x.backward() }.isEmpty)                  // nothing requires grad
        let y = try Tensor.ones([2])
        try y.setRequiresGrad(true)
        #expect(!message { try Tensor.ones([2], dtype: .int64).setRequiresGrad(true) }.isEmpty) // integers have no gradient
        #expect(!message { try (y * 2).backward() }.isEmpty)            // not a scalar
    }

    @Test func unloadableTensorsFromCheckpoints() throws {
        var writer = SafeTensorsWriter()
        try writer.add(name: "small", dtype: .I8, shape: [2], bytes: [1, 2])
        try writer.add(name: "wide", dtype: .F64, shape: [2], values: [1.5, -2.25] as [Double])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sf-unloadable-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.write(to: url)
        let file = try SafeTensorsFile(url: url)
        #expect(message { try Tensor.load("small", from: file) }.contains("I8"))
        #expect(message { try Tensor.load("missing", from: file) }.contains("missing"))
        #expect(try Tensor.load("wide", from: file).floats() == [1.5, -2.25])
    }
}

/// The loader's guard against a shim built from another header: it names the table's empty entries.
struct ShimTableTests {
    @Test func anEmptyEntryIsNamed() throws {
        var table = try TorchRuntime.shared().api
        #expect(TorchRuntime.emptyEntries(of: table).isEmpty)
        table.addcdiv_inplace = nil
        table.last_error = nil
        #expect(TorchRuntime.emptyEntries(of: table) == ["last_error", "addcdiv_inplace"])
    }
}
