import ArgumentParser
import Foundation
import SceneForgeTorch

/// `sceneforge-bench shim`: the shim's overhead. Each op (and then one training update, `OptimizerBenchCase`) runs
/// through Swift's `Tensor` and, in the same process on the same libtorch, straight from C++
/// (Shims/torch/bench/direct_reference.cpp).
struct ShimBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shim", abstract: "Tensor (Swift → shim → libtorch) against direct C++ calls on the same libtorch.")

    @Option(help: "The C++ reference library (built by scripts/bench/shim-overhead).")
    var reference = ".build/shim/libsceneforge_torch_bench.so"

    @Option(help: "Timed iterations per case (median reported); tiny cases run 50x as many.")
    var iterations = 20

    @Option(help: "The model whose transformer's parameters the optimiser case updates.")
    var model = "models/default"

    func run() throws {
        guard let library = dlopen(reference, RTLD_NOW | RTLD_LOCAL), let symbol = dlsym(library, "sf_bench_direct") else {
            throw ValidationError("cannot load \(reference); run scripts/bench/shim-overhead, which builds it")
        }
        typealias Direct = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, Int32) -> Double
        let direct = unsafeBitCast(symbol, to: Direct.self)
        print("libtorch \(try Torch.version()), \(try Torch.threadCount()) threads")
        print("case              swift (ms)   c++ (ms)   ratio")
        for size in ["tiny", "block"] {
            let cases = try ShimBenchCases(size: size)
            let n = size == "tiny" ? iterations * 50 : iterations
            for op in ["linear", "attention", "conv2d", "block"] {
                let cpp = direct(op, size, Int32(n))
                guard cpp > 0 else { throw ValidationError("the C++ reference failed on \(op)/\(size)") }
                let swift = try withNoGrad { try medianSeconds(iterations: n) { try cases.run(op) } }
                let label = "\(op)/\(size)".padding(toLength: 16, withPad: " ", startingAt: 0)
                print(String(format: "%@ %10.4f %10.4f   %.3fx", label, swift * 1000, cpp * 1000, swift / cpp))
            }
        }
        guard let optimizerSymbol = dlsym(library, "sf_bench_optimizer") else {
            throw ValidationError("\(reference) has no sf_bench_optimizer; rebuild it with scripts/bench/shim-overhead")
        }
        let optimizer = try OptimizerBenchCase(transformer: URL(fileURLWithPath: model)
            .appendingPathComponent("transformer/diffusion_pytorch_model.safetensors"))
        let update = try optimizer.measure(iterations: iterations, direct: unsafeBitCast(optimizerSymbol, to: OptimizerBenchCase.Direct.self))
        print(String(format: "optimiser update (clip, AdamW, EMA) on %d tensors, %d weights: swift %.3f ms, libtorch C++ %.3f ms, %.3fx",
                     optimizer.sizes.count, optimizer.sizes.reduce(0, +), update.swift * 1000, update.cpp * 1000, update.swift / update.cpp))
    }
}

/// The Swift side of each case, on the shapes of direct_reference.cpp.
struct ShimBenchCases {
    let x, w, b, q, k, v, image, kernel, bias: Tensor
    let block: BenchBlock
    let tokens: Tensor

    init(size: String) throws {
        let (tokens, dim, heads, channels, spatial) = size == "tiny" ? (8, 64, 2, 4, 8) : (256, 1024, 8, 128, 64)
        let g = try Generator(seed: 1)
        x = try Tensor.randn([1, tokens, dim], generator: g)
        w = try Tensor.randn([dim, dim], generator: g)
        b = try Tensor.randn([dim], generator: g)
        let hd = dim / heads
        q = try Tensor.randn([1, heads, tokens, hd], generator: g)
        k = try Tensor.randn([1, heads, tokens, hd], generator: g)
        v = try Tensor.randn([1, heads, tokens, hd], generator: g)
        image = try Tensor.randn([1, channels, spatial, spatial], generator: g)
        kernel = try Tensor.randn([channels, channels, 3, 3], generator: g)
        bias = try Tensor.randn([channels], generator: g)
        block = try BenchBlock(dim: dim, heads: heads)
        self.tokens = try Tensor.randn([1, tokens, dim], generator: g)
    }

    func run(_ op: String) throws {
        switch op {
        case "linear": _ = try x.linear(w, bias: b)
        case "attention": _ = try Tensor.attention(query: q, key: k, value: v)
        case "conv2d": _ = try image.conv2d(kernel, bias: bias, padding: (1, 1))
        default: _ = try block.forward(tokens)
        }
    }
}

/// A pre-norm transformer block with a SwiGLU MLP, the same computation as direct_reference.cpp's.
struct BenchBlock {
    let qkv, out, w1, w3, w2, norm1, norm2: Tensor
    let heads: Int

    init(dim: Int, heads: Int) throws {
        let g = try Generator(seed: 0)
        func r(_ s: [Int]) throws -> Tensor { try Tensor.randn(s, generator: g) * 0.02 }
        qkv = try r([3 * dim, dim]); out = try r([dim, dim])
        w1 = try r([4 * dim, dim]); w3 = try r([4 * dim, dim]); w2 = try r([dim, 4 * dim])
        norm1 = try Tensor.ones([dim]); norm2 = try Tensor.ones([dim])
        self.heads = heads
    }

    func forward(_ x: Tensor) throws -> Tensor {
        let (b, n, d) = (x.size(0), x.size(1), x.size(2))
        let parts = try x.rmsNorm(weight: norm1, eps: 1e-6).linear(qkv).view([b, n, 3, heads, d / heads]).permute(2, 0, 3, 1, 4)
        let (q, k, v) = try (parts.narrow(dim: 0, start: 0, length: 1).squeeze(0),
                             parts.narrow(dim: 0, start: 1, length: 1).squeeze(0),
                             parts.narrow(dim: 0, start: 2, length: 1).squeeze(0))
        let attended = try Tensor.attention(query: q, key: k, value: v).transpose(1, 2).reshape([b, n, d])
        let y = try x + attended.linear(out)
        let z = try y.rmsNorm(weight: norm2, eps: 1e-6)
        return try y + (z.linear(w1).silu() * z.linear(w3)).linear(w2)
    }
}
