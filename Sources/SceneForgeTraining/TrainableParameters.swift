import Foundation
import SafeTensors
import SceneForgeTorch

/// One stage's trainable parameters with their AdamW state and an exponential moving average (EMA).
/// The EMA lives in float32 whatever the training dtype, because it averages many tiny updates.
public final class TrainableParameters {
    public let names: [String]
    public let tensors: [Tensor]
    public private(set) var ema: [Tensor]
    let optimizer: AdamW
    public let emaDecay: Double
    public let gradClip: Double

    public init(_ named: [(name: String, tensor: Tensor)], learningRate: Double, weightDecay: Double,
                emaDecay: Double, gradClip: Double) throws {
        let live = named.map(\.tensor)
        for t in live { try t.setRequiresGrad(true) }
        names = named.map(\.name)
        tensors = live
        ema = try withNoGrad { try live.map { try $0.to(.float32).clone() } }
        optimizer = AdamW(parameters: live, options: .init(learningRate: learningRate, weightDecay: weightDecay))
        self.emaDecay = emaDecay
        self.gradClip = gradClip
    }

    /// Optimiser steps taken so far.
    public var step: Int { optimizer.stepCount }

    /// Back-propagates `loss`, clips the global gradient norm, takes an AdamW step and updates the EMA.
    /// Returns the gradient norm before clipping.
    @discardableResult
    public func update(loss: Tensor) throws -> Double {
        try update { try loss.backward() }
    }

    /// The same, with the gradients filled by `backward`, which may run several backward passes (one per batch
    /// shard, `BatchShards`) that accumulate.
    @discardableResult
    public func update(backward: () throws -> Void) throws -> Double {
        try optimizer.zeroGrad()
        try backward()
        return try applyGradients()
    }

    /// Clips the global norm of the gradients the parameters hold, takes an AdamW step and updates the EMA.
    /// Returns the gradient norm before clipping.
    @discardableResult
    public func applyGradients() throws -> Double {
        let norm = try clipGradientNorm(tensors, maxNorm: gradClip)
        try optimizer.step()
        // Warm-up (as diffusers' EMAModel): early on the average follows the weights closely.
        let t = Double(optimizer.stepCount)
        let decay = min(emaDecay, (1 + t) / (10 + t))
        try withNoGrad {
            for (average, p) in zip(ema, tensors) { try average.lerp(inPlace: p.to(.float32), weight: 1 - decay) }
        }
        return norm
    }

    /// Writes the EMA into the live weights (used when a stage ends and its model is frozen).
    public func adoptEMA() throws {
        try withNoGrad {
            for (average, p) in zip(ema, tensors) {
                try p.mul(inPlace: 0)
                try p.add(inPlace: average.to(p.dtype))
            }
        }
    }

    public func stopTraining() throws {
        for t in tensors { try t.setRequiresGrad(false) }
    }

    // MARK: - Checkpoint state

    /// Adds the EMA and the AdamW moments under "ema.<stage>.", "adam_m.<stage>.", "adam_v.<stage>.".
    func save(into writer: inout SafeTensorsWriter, stage: String) throws {
        for (i, name) in names.enumerated() {
            try writer.add(name: "ema.\(stage).\(name)", tensor: ema[i])
            if !optimizer.firstMoments.isEmpty {
                try writer.add(name: "adam_m.\(stage).\(name)", tensor: optimizer.firstMoments[i])
                try writer.add(name: "adam_v.\(stage).\(name)", tensor: optimizer.secondMoments[i])
            }
        }
    }

    /// Restores the EMA and the optimiser after `step` steps (the weights come with the model).
    func restore(from file: SafeTensorsFile, stage: String, step: Int) throws {
        func tensor(_ kind: String, _ name: String, like p: Tensor, dtype: DType) throws -> Tensor {
            let key = "\(kind).\(stage).\(name)"
            guard let info = file.info(key) else { throw TrainingError("\(file.url.path): checkpoint has no '\(key)'") }
            guard info.shape == p.shape else {
                throw TrainingError("\(file.url.path): '\(key)' has shape \(info.shape), the model expects \(p.shape)")
            }
            return try Tensor.load(key, from: file, dtype: dtype, device: p.device)
        }
        ema = try zip(names, tensors).map { try tensor("ema", $0, like: $1, dtype: .float32) }
        guard step > 0 else { return }
        let m = try zip(names, tensors).map { try tensor("adam_m", $0, like: $1, dtype: $1.dtype) }
        let v = try zip(names, tensors).map { try tensor("adam_v", $0, like: $1, dtype: $1.dtype) }
        try optimizer.restore(stepCount: step, firstMoments: m, secondMoments: v)
    }
}
