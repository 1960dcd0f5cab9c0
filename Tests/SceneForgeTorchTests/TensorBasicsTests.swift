import Foundation
import SafeTensors
import SceneForgeTorch
import Testing

/// Values worked out by hand, metadata, conversions and autograd plumbing.
struct TensorBasicsTests {
    @Test func creationAndReadBack() throws {
        let t = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        #expect(t.shape == [2, 3])
        #expect(t.dtype == .float32)
        #expect(t.device == .cpu)
        #expect(try t.floats() == [1, 2, 3, 4, 5, 6])
        #expect(try Tensor.arange(0, 5).floats() == [0, 1, 2, 3, 4])
        #expect(try Tensor.linspace(0, 1, count: 5).floats() == [0, 0.25, 0.5, 0.75, 1])
        #expect(try Tensor.full([2], 7, dtype: .int64).toArray(as: Int64.self) == [7, 7])
        #expect(try Tensor([true, false]).toArray(as: Bool.self) == [true, false])
        #expect(try Tensor([250, 3] as [UInt8]).toArray(as: Int32.self) == [250, 3])
        #expect(try Tensor.scalar(2.5).item() == 2.5)
    }

    @Test func arithmeticByHand() throws {
        let a = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        let b = try Tensor([10, 20] as [Float])
        #expect(try (a + b).floats() == [11, 22, 13, 24])          // broadcast over rows
        #expect(try a.matmul(a).floats() == [7, 10, 15, 22])       // [[1,2],[3,4]]²
        #expect(try (1 - a).floats() == [0, -1, -2, -3])
        #expect(try a.sum().item() == 10)
        #expect(try a.mean(dim: 1).floats() == [1.5, 3.5])
        #expect(try a.max(dims: [0]).floats() == [3, 4])
        let s = try Tensor([0, Float(Foundation.log(3.0))]).softmax(dim: 0).floats()
        #expect(abs(s[0] - 0.25) < 1e-6 && abs(s[1] - 0.75) < 1e-6)
        #expect(try a.gt(2.5).toArray(as: Bool.self) == [false, false, true, true])
    }

    @Test func viewsAndSplits() throws {
        let x = try Tensor.arange(0, 12).reshape([3, 4])
        #expect(try x.transpose(0, 1).contiguous().floats() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        let pieces = try x.chunk(2, dim: 1)
        #expect(pieces.map(\.shape) == [[3, 2], [3, 2]])
        #expect(try pieces[1].contiguous().floats() == [2, 3, 6, 7, 10, 11])
        #expect(try x.split(sizes: [1, 3], dim: 1).map(\.shape) == [[3, 1], [3, 3]])
        #expect(try x.narrow(dim: 0, start: -1, length: 1).floats() == [8, 9, 10, 11])
        #expect(try x.unsqueeze(0).shape == [1, 3, 4])
        #expect(try x.unsqueeze(0).squeeze().shape == [3, 4])
        #expect(try x.flatten().shape == [12])
    }

    @Test func dtypeAndBytes() throws {
        let x = try Tensor([1.0, -2.0, 0.333333] as [Float])
        let bf = try x.to(.bfloat16)
        #expect(bf.dtype == .bfloat16)
        #expect(try bf.bytes().count == 6)
        // bfloat16 keeps 8 bits of mantissa: 0.333333 becomes 0.333984375.
        #expect(try bf.floats() == [1, -2, 0.333984375])
        #expect(try x.to(.float16).to(.float32).floats()[2] == Float(Float16(0.333333)))
    }

    @Test func seededNoiseRepeats() throws {
        let a = try Tensor.randn([4, 4], generator: Generator(seed: 123)).floats()
        let b = try Tensor.randn([4, 4], generator: Generator(seed: 123)).floats()
        let c = try Tensor.randn([4, 4], generator: Generator(seed: 124)).floats()
        #expect(a == b)
        #expect(a != c)
        let u = try Tensor.rand([1000], generator: Generator(seed: 1)).floats()
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func noGradScopeRestoresMode() throws {
        let w = try Tensor.ones([3])
        try w.setRequiresGrad(true)
        let inside = try withNoGrad { try w * 2 }
        #expect(!inside.requiresGrad)
        let outside = try w * 2
        #expect(outside.requiresGrad)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try withNoGrad { throw Boom() } }
        #expect(try (w * 3).requiresGrad)          // the mode came back after the throw
    }

    @Test func gradientByHand() throws {
        let x = try Tensor([1, 2, 3] as [Float])
        try x.setRequiresGrad(true)
        try x.square().sum().backward()             // d/dx Σx² = 2x
        #expect(try x.grad()?.floats() == [2, 4, 6])
        try x.zeroGrad()
        #expect(try x.grad() == nil)
    }

    @Test func gradientClipping() throws {
        let x = try Tensor([3, 4] as [Float])
        try x.setRequiresGrad(true)
        try (x * x).sum().backward()                // grad = [6, 8], norm 10
        let norm = try clipGradientNorm([x], maxNorm: 1)
        #expect(abs(norm - 10) < 1e-5)
        let g = try #require(try x.grad()).floats()
        #expect(abs(g[0] - 0.6) < 1e-5 && abs(g[1] - 0.8) < 1e-5)
    }

    @Test func threadCountIsSettable() throws {
        let before = try Torch.threadCount()
        try Torch.setThreadCount(1)
        #expect(try Torch.threadCount() == 1)
        try Torch.setThreadCount(before)
        #expect(throws: TorchError.self) { try Torch.setThreadCount(0) }
    }

    @Test func runtimeFacts() throws {
        #expect(try Torch.version().split(separator: ".").count >= 2)
        #expect(try Torch.buildConfiguration().contains("PyTorch"))
        #expect(try Torch.cudaDeviceCount() >= 0)
    }
}
