import Foundation

/// One Euler step of a flow-matching schedule: the model is evaluated at `timestep`
/// and the sample moves by `x_next = x + dt * v`, where `v` is the velocity the scheduler
/// receives (for Z-Image: the NEGATED transformer output, see docs/zimage-notes.md).
public struct FlowMatchEulerStep: Equatable, Sendable {
    public let index: Int
    /// The scheduler timestep (sigma * num_train_timesteps), float32 like diffusers.
    public let timestep: Float
    public let sigma: Float
    public let sigmaNext: Float
    /// `sigmaNext - sigma` in float32 (negative when denoising).
    public let dt: Float
}

/// diffusers' `FlowMatchEulerDiscreteScheduler` (0.42.1) over plain arrays, no tensors.
///
/// The arithmetic follows diffusers' dtypes: a schedule built from custom sigmas is computed in
/// float32 (numpy float32 arrays), one built from a step count in float64, then rounded to float32.
public struct FlowMatchEulerDiscreteScheduler: Sendable {
    public let config: FlowMatchEulerConfig
    /// One timestep per model evaluation.
    public private(set) var timesteps: [Float] = []
    /// `timesteps.count + 1` values: the last one is the terminal sigma (0, or 1 with `invert_sigmas`).
    public private(set) var sigmas: [Float] = []

    /// The sigma range of the training schedule (diffusers `sigma_max` / `sigma_min`).
    public let sigmaMax: Float
    public let sigmaMin: Float

    public init(config: FlowMatchEulerConfig) throws {
        try config.validate()
        self.config = config
        let n = Float(config.numTrainTimesteps)
        func trainingSigma(_ t: Float) -> Float {
            let s = t / n
            return config.useDynamicShifting ? s : Self.staticShift(Float(config.shift), s)
        }
        sigmaMax = trainingSigma(n)
        sigmaMin = trainingSigma(1)
    }

    /// The number of transformer calls for the current schedule (one per timestep; with CFG each
    /// call carries the doubled batch, it is not a second call).
    public var numInferenceSteps: Int { timesteps.count }

    /// Builds the schedule like `set_timesteps(num_inference_steps, sigmas=, mu=)`.
    /// Pass `sigmas` (then `numInferenceSteps` may be nil or must equal its count), or a step count.
    /// `mu` is required when `use_dynamic_shifting` is true and ignored otherwise.
    public mutating func setTimesteps(numInferenceSteps: Int? = nil, mu: Double? = nil, sigmas: [Double]? = nil) throws {
        if config.useDynamicShifting, mu == nil {
            throw SchedulerError("mu must be given when use_dynamic_shifting is true")
        }
        if let mu, !mu.isFinite { throw SchedulerError("mu must be finite (got \(mu))") }
        let count: Int
        switch (numInferenceSteps, sigmas) {
        case (nil, nil):
            throw SchedulerError("either numInferenceSteps or sigmas must be given")
        case let (steps?, custom?) where steps != custom.count:
            throw SchedulerError("sigmas has \(custom.count) values but numInferenceSteps is \(steps)")
        case let (_, custom?):
            count = custom.count
        case let (steps?, nil):
            count = steps
        }
        if count < 1 { throw SchedulerError("the schedule needs at least one step (got \(count))") }
        if let custom = sigmas, let bad = custom.first(where: { !$0.isFinite || $0 < 0 || $0 > 1 }) {
            throw SchedulerError("custom sigmas must lie in [0, 1] (got \(bad))")
        }

        var shifted: [Float]
        if let custom = sigmas {
            shifted = try shiftedFloat32(custom.map { Float($0) }, mu: mu)
        } else {
            let start = Double(sigmaMax) * Double(config.numTrainTimesteps)
            let stop = Double(sigmaMin) * Double(config.numTrainTimesteps)
            let base = NumpyMath.linspace(start, stop, count).map { $0 / Double(config.numTrainTimesteps) }
            shifted = try shiftedFloat64(base, mu: mu).map { Float($0) }
        }
        shifted = try convertedSchedule(shifted, count: count)

        let train = Float(config.numTrainTimesteps)
        if config.invertSigmas {
            let inverted = shifted.map { 1 - $0 }
            timesteps = inverted.map { $0 * train }
            self.sigmas = inverted + [1]
        } else {
            timesteps = shifted.map { $0 * train }
            self.sigmas = shifted + [0]
        }
    }

    /// Every step of the current schedule.
    public var steps: [FlowMatchEulerStep] {
        timesteps.indices.map { i in
            FlowMatchEulerStep(index: i, timestep: timesteps[i], sigma: sigmas[i], sigmaNext: sigmas[i + 1],
                               dt: sigmas[i + 1] - sigmas[i])
        }
    }

    public func step(at index: Int) throws -> FlowMatchEulerStep {
        guard timesteps.indices.contains(index) else {
            throw SchedulerError("step index \(index) is outside the schedule of \(timesteps.count) steps")
        }
        return steps[index]
    }

    /// The reference update on flat float32 arrays: `sample + dt * modelOutput` (diffusers step(), line 520).
    /// The tensor code does the same with one scalar `dt` per step.
    public func step(modelOutput: [Float], sample: [Float], at index: Int) throws -> [Float] {
        guard modelOutput.count == sample.count else {
            throw SchedulerError("model output has \(modelOutput.count) values but the sample has \(sample.count)")
        }
        let dt = try step(at: index).dt
        return zip(sample, modelOutput).map { x, v in x + dt * v }
    }

    // MARK: - Shifting (diffusers set_timesteps steps 2-4)

    static func staticShift(_ shift: Float, _ s: Float) -> Float {
        shift * s / (1 + (shift - 1) * s)
    }

    /// numpy float32 arithmetic: every intermediate is rounded to float32, Python scalars too.
    private func shiftedFloat32(_ s: [Float], mu: Double?) throws -> [Float] {
        var out: [Float]
        if config.useDynamicShifting, let mu {
            switch config.timeShiftType {
            case .exponential:
                let e = Float(Foundation.exp(mu))
                out = s.map { e / (e + (1 / $0 - 1)) }
            case .linear:
                let m = Float(mu)
                out = s.map { m / (m + (1 / $0 - 1)) }
            }
        } else {
            let shift = Float(config.shift), shiftMinusOne = Float(config.shift - 1)
            out = s.map { shift * $0 / (1 + shiftMinusOne * $0) }
        }
        if let terminal = config.shiftTerminal, terminal != 0 {
            let oneMinus = out.map { 1 - $0 }
            let scale = (oneMinus.last ?? 0) / Float(1 - terminal)
            guard scale != 0 else { throw Self.terminalError }
            out = oneMinus.map { 1 - $0 / scale }
        }
        return out
    }

    private func shiftedFloat64(_ s: [Double], mu: Double?) throws -> [Double] {
        var out: [Double]
        if config.useDynamicShifting, let mu {
            let e = config.timeShiftType == .exponential ? Foundation.exp(mu) : mu
            out = s.map { e / (e + (1 / $0 - 1)) }
        } else {
            out = s.map { config.shift * $0 / (1 + (config.shift - 1) * $0) }
        }
        if let terminal = config.shiftTerminal, terminal != 0 {
            let oneMinus = out.map { 1 - $0 }
            let scale = (oneMinus.last ?? 0) / (1 - terminal)
            guard scale != 0 else { throw Self.terminalError }
            out = oneMinus.map { 1 - $0 / scale }
        }
        return out
    }

    // diffusers divides by zero here and returns NaN sigmas; refusing is more useful.
    private static let terminalError = SchedulerError(
        "shift_terminal cannot stretch a schedule whose last sigma is 1 (a one-step schedule): diffusers yields NaN")

    /// Karras / exponential re-spacing (diffusers _convert_to_karras / _convert_to_exponential), in float64.
    private func convertedSchedule(_ s: [Float], count: Int) throws -> [Float] {
        guard config.useKarrasSigmas || config.useExponentialSigmas, let first = s.first, let last = s.last else {
            return s
        }
        let sigmaMax = Double(first), sigmaMin = Double(last)
        if config.useKarrasSigmas {
            let rho = 7.0
            let minInv = Foundation.pow(sigmaMin, 1 / rho), maxInv = Foundation.pow(sigmaMax, 1 / rho)
            return NumpyMath.linspace(0, 1, count).map { Float(Foundation.pow(maxInv + $0 * (minInv - maxInv), rho)) }
        }
        return NumpyMath.linspace(Foundation.log(sigmaMax), Foundation.log(sigmaMin), count)
            .map { Float(Foundation.exp($0)) }
    }
}

/// The few numpy/torch routines whose exact rounding the schedules depend on.
enum NumpyMath {
    /// `np.linspace(start, stop, num)` (endpoint included): `i * step + start`, last value exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        guard num > 1 else { return num == 1 ? [start] : [] }
        let div = Double(num - 1)
        let delta = stop - start
        let step = delta / div
        var values = (0..<num).map { step == 0 ? Double($0) / div * delta + start : Double($0) * step + start }
        values[num - 1] = stop
        return values
    }

    /// `torch.linspace(start, end, steps)` in float32 on CPU: the first half counts up from `start`,
    /// the second half counts down from `end`.
    static func torchLinspaceFloat32(_ start: Float, _ end: Float, _ steps: Int) -> [Float] {
        guard steps > 1 else { return steps == 1 ? [start] : [] }
        let step = (end - start) / Float(steps - 1)
        let halfway = steps / 2
        return (0..<steps).map { i in
            i < halfway ? start + step * Float(i) : end - step * Float(steps - i - 1)
        }
    }
}
