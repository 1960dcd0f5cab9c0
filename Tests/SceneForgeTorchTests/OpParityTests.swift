import Foundation
import SafeTensors
import SceneForgeTorch
import Testing

/// Replays every case of Tests/Fixtures/ops/ops.safetensors (made by scripts/reference/make_op_fixtures.py
/// with PyTorch) through Tensor and compares with PyTorch's output.
struct OpParityTests {
    struct Case: Decodable {
        let name: String
        let op: String
        let params: [String: Param]
        let inputs: Int
    }

    enum Param: Decodable {
        case number(Double), bool(Bool), text(String), list([Int])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else { self = .list(try c.decode([Int].self)) }
        }
        var number: Double { if case .number(let d) = self { return d }; return .nan }
        var int: Int { Int(number) }
        var list: [Int] { if case .list(let l) = self { return l }; return [] }
        var text: String { if case .text(let s) = self { return s }; return "" }
        var bool: Bool { if case .bool(let b) = self { return b }; return false }
    }

    static let file: SafeTensorsFile? = try? SafeTensorsFile(url: fixturesFolder.appendingPathComponent("ops/ops.safetensors"))
    static let cases: [Case] = {
        guard let json = file?.metadata["cases"]?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([Case].self, from: json)) ?? []
    }()

    @Test func fixtureHasCases() {
        #expect(Self.cases.count >= 70)
    }

    @Test(arguments: cases.map(\.name))
    func matchesPyTorch(_ name: String) throws {
        let file = try #require(Self.file)
        let c = try #require(Self.cases.first { $0.name == name })
        let inputs = try (0..<c.inputs).map { try Tensor.load("\(name)/in\($0)", from: file) }
        let expected = try Tensor.load("\(name)/out", from: file)
        let actual = try run(c, inputs)
        #expect(actual.dtype == expected.dtype, "\(name): dtype \(actual.dtype) vs \(expected.dtype)")
        let tolerance: Float = c.op == "adamw" ? 1e-5 : 2e-6
        try expectClose(actual, expected, tolerance: tolerance, name)
    }

    private func run(_ c: Case, _ x: [Tensor]) throws -> Tensor {
        let p = c.params
        switch c.op {
        case "add": return try x[0] + x[1]
        case "sub": return try x[0] - x[1]
        case "mul": return try x[0] * x[1]
        case "div": return try x[0] / x[1]
        case "rsub_scalar": return try p["scalar"]!.number - x[0]
        case "rdiv_scalar": return try p["scalar"]!.number / x[0]
        case "pow_scalar": return try x[0].pow(p["scalar"]!.number)
        case "maximum": return try x[0].maximum(x[1])
        case "silu": return try x[0].silu()
        case "gelu": return try x[0].gelu()
        case "gelu_tanh": return try x[0].gelu(approximate: .tanh)
        case "sigmoid": return try x[0].sigmoid()
        case "tanh": return try x[0].tanh()
        case "exp": return try x[0].exp()
        case "sin": return try x[0].sin()
        case "cos": return try x[0].cos()
        case "erf": return try x[0].erf()
        case "relu": return try x[0].relu()
        case "sqrt": return try x[0].sqrt()
        case "rsqrt": return try x[0].rsqrt()
        case "log": return try x[0].log()
        case "clamp": return try x[0].clamp(min: p["min"]!.number, max: p["max"]!.number)
        case "where": return try Tensor.where(x[0], x[1], x[2])
        case "matmul": return try x[0].matmul(x[1])
        case "linear": return try x[0].linear(x[1], bias: x.count > 2 ? x[2] : nil)
        case "conv2d":
            let s = p["stride"]!.int, pad = p["padding"]!.int
            return try x[0].conv2d(x[1], bias: x.count > 2 ? x[2] : nil, stride: (s, s), padding: (pad, pad), groups: p["groups"]!.int)
        case "group_norm": return try x[0].groupNorm(groups: p["groups"]!.int, weight: x[1], bias: x[2], eps: p["eps"]!.number)
        case "layer_norm":
            return try x[0].layerNorm(weight: x.count > 1 ? x[1] : nil, bias: x.count > 2 ? x[2] : nil, eps: p["eps"]!.number)
        case "rms_norm": return try x[0].rmsNorm(weight: x[1], eps: p["eps"]!.number)
        case "softmax": return try x[0].softmax(dim: p["dim"]!.int)
        case "log_softmax": return try x[0].logSoftmax(dim: p["dim"]!.int)
        case "attention":
            return try Tensor.attention(query: x[0], key: x[1], value: x[2], mask: x.count > 3 ? x[3] : nil,
                                        causal: p["causal"]?.bool ?? false, scale: p["scale"]?.number)
        case "avg_pool2d": let k = p["kernel"]!.int; return try x[0].avgPool2d(kernel: (k, k))
        case "sum": return try x[0].sum(dims: p["dims"]!.list, keepDim: p["keepdim"]!.bool)
        case "mean": return try x[0].mean(dims: p["dims"]!.list, keepDim: p["keepdim"]!.bool)
        case "amax": return try x[0].max(dims: p["dims"]!.list, keepDim: p["keepdim"]!.bool)
        case "var": return try x[0].variance(dims: p["dims"]!.list, keepDim: p["keepdim"]!.bool)
        case "std": return try x[0].std(dims: p["dims"]!.list, keepDim: p["keepdim"]!.bool)
        case "prod": return try x[0].prod(dims: p["dims"]!.list, keepDim: p["keepdim"]!.bool)
        case "argmax": return try x[0].argmax(dim: p["dim"]!.int)
        case "cumsum": return try x[0].cumsum(dim: p["dim"]!.int)
        case "permute": return try x[0].permute(p["dims"]!.list)
        case "transpose": return try x[0].transpose(p["d0"]!.int, p["d1"]!.int)
        case "cat": return try Tensor.cat(x, dim: p["dim"]!.int)
        case "stack": return try Tensor.stack(x, dim: p["dim"]!.int)
        case "slice": return try x[0].slice(dim: p["dim"]!.int, start: p["start"]!.int, end: p["end"]!.int, step: p["step"]!.int)
        case "index_select": return try x[0].indexSelect(dim: p["dim"]!.int, index: x[1])
        case "gather": return try x[0].gather(dim: p["dim"]!.int, index: x[1])
        case "expand": return try x[0].expand(p["shape"]!.list)
        case "repeat": return try x[0].repeated(p["repeats"]!.list)
        case "flatten": return try x[0].flatten(start: p["start"]!.int, end: p["end"]!.int)
        case "triu": return try x[0].triu(diagonal: p["diagonal"]!.int)
        case "tril": return try x[0].tril(diagonal: p["diagonal"]!.int)
        case "pad":
            let mode: Tensor.PadMode = ["constant": .constant, "reflect": .reflect, "replicate": .replicate][p["mode"]!.text]!
            return try x[0].pad(p["pads"]!.list, mode: mode, value: p["value"]!.number)
        case "interpolate":
            let modes: [String: Tensor.InterpolationMode] = ["nearest": .nearest, "bilinear": .bilinear, "bicubic": .bicubic, "area": .area]
            return try x[0].interpolate(height: p["h"]!.int, width: p["w"]!.int, mode: modes[p["mode"]!.text]!)
        case "to_dtype": return try x[0].to(DType(name: p["dtype"]!.text)!)
        case "randn": return try Tensor.randn(p["shape"]!.list, generator: Generator(seed: UInt64(p["seed"]!.int)))
        case "rand": return try Tensor.rand(p["shape"]!.list, generator: Generator(seed: UInt64(p["seed"]!.int)))
        case "grad_silu":
            let leaf = try x[0].clone()
            try leaf.setRequiresGrad(true)
            try (leaf.silu() * x[1]).sum().backward()
            return try #require(try leaf.grad())
        case "adamw":
            let w = try x[0].clone()
            try w.setRequiresGrad(true)
            let optimizer = AdamW(parameters: [w], options: .init(
                learningRate: p["lr"]!.number, beta1: p["beta1"]!.number, beta2: p["beta2"]!.number,
                eps: p["eps"]!.number, weightDecay: p["weight_decay"]!.number))
            for _ in 0..<p["steps"]!.int {
                try optimizer.zeroGrad()
                try (x[1].matmul(w.transpose(0, 1)) - x[2]).square().mean().backward()
                try optimizer.step()
            }
            return try w.detach()
        default:
            throw TorchError("test", "no Swift replay for op \(c.op)")
        }
    }
}
