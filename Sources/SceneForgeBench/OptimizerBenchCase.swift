import ArgumentParser
import Foundation
import SafeTensors
import SceneForgeTorch
import SceneForgeTraining

/// The training step's optimiser update (gradient clipping, AdamW, EMA) on the embedded model's transformer
/// parameters: `TrainableParameters.applyGradients` against libtorch's own C++ AdamW in the same process
/// (direct_reference.cpp's `sf_bench_optimizer`). Parameters are flat: the update is elementwise.
struct OptimizerBenchCase {
    typealias Direct = @convention(c) (UnsafePointer<Int64>, Int32, Int32) -> Double

    let sizes: [Int]

    /// The element counts of a diffusers transformer's weights.
    init(transformer file: URL) throws {
        let weights = try SafeTensorsFile(url: file)
        sizes = weights.names.compactMap { weights.info($0)?.elementCount }
    }

    /// Median seconds of one update, Swift then C++.
    func measure(iterations: Int, direct: Direct) throws -> (swift: Double, cpp: Double) {
        let cpp = sizes.map(Int64.init).withUnsafeBufferPointer { direct($0.baseAddress!, Int32(sizes.count), Int32(iterations)) }
        guard cpp > 0 else { throw ValidationError("the C++ reference failed on the optimiser update") }
        let g = try Generator(seed: 2)
        let named = try sizes.enumerated().map { ("p\($0.offset)", try Tensor.randn([$0.element], generator: g)) }
        let parameters = try TrainableParameters(named, learningRate: 1e-4, weightDecay: 0.01, emaDecay: 0.999, gradClip: 1)
        // Gradients of Σ p·r: r itself, small enough that clipping never scales them (as in the C++ case).
        let loss = try zip(parameters.tensors, sizes).map { p, n in try (p * (Tensor.randn([n], generator: g) * 1e-4)).sum() }
        try Tensor.stack(loss, dim: 0).sum().backward()
        let swift = try medianSeconds(iterations: iterations) { try parameters.applyGradients() }
        return (swift, cpp)
    }
}
