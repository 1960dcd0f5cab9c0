import Foundation

/// AdamW (Loshchilov & Hutter) written with tensor ops; the update follows torch.optim.AdamW
/// (decoupled weight decay, bias-corrected moments, eps added after the bias-corrected sqrt).
public final class AdamW {
    public struct Options: Sendable {
        public var learningRate: Double
        public var beta1: Double
        public var beta2: Double
        public var eps: Double
        public var weightDecay: Double

        public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 1e-2) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.eps = eps
            self.weightDecay = weightDecay
        }
    }

    public let parameters: [Tensor]
    public var options: Options
    public private(set) var stepCount = 0
    /// First and second moment estimates, one per parameter, created on the first step.
    public private(set) var firstMoments: [Tensor] = []
    public private(set) var secondMoments: [Tensor] = []

    public init(parameters: [Tensor], options: Options = Options()) {
        self.parameters = parameters
        self.options = options
    }

    /// Restores optimiser state (for resuming training from a checkpoint).
    public func restore(stepCount: Int, firstMoments: [Tensor], secondMoments: [Tensor]) throws {
        guard firstMoments.count == parameters.count, secondMoments.count == parameters.count else {
            throw TorchError("AdamW.restore", "state holds \(firstMoments.count)/\(secondMoments.count) moments for \(parameters.count) parameters")
        }
        self.stepCount = stepCount
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// One update from the parameters' current gradients. Parameters without a gradient are left alone.
    public func step() throws {
        try withNoGrad {
            if firstMoments.isEmpty {
                firstMoments = try parameters.map { try Tensor.zeros(like: $0) }
                secondMoments = try parameters.map { try Tensor.zeros(like: $0) }
            }
            stepCount += 1
            let o = options
            let t = Double(stepCount)
            let stepSize = o.learningRate / (1 - Foundation.pow(o.beta1, t))
            let secondCorrectionRoot = (1 - Foundation.pow(o.beta2, t)).squareRoot()
            for (i, p) in parameters.enumerated() {
                guard let g = try p.grad() else { continue }
                let m = firstMoments[i], v = secondMoments[i]
                try p.mul(inPlace: 1 - o.learningRate * o.weightDecay)
                try m.lerp(inPlace: g, weight: 1 - o.beta1)           // m = β1·m + (1 − β1)·g
                try v.mul(inPlace: o.beta2)
                try v.addcmul(inPlace: g, g, value: 1 - o.beta2)      // v = β2·v + (1 − β2)·g²
                let denominator = try v.sqrt()
                try denominator.mul(inPlace: 1 / secondCorrectionRoot)
                try denominator.add(inPlace: o.eps)
                try p.addcdiv(inPlace: m, denominator, value: -stepSize)
            }
        }
    }

    public func zeroGrad() throws {
        for p in parameters { try p.zeroGrad() }
    }
}
