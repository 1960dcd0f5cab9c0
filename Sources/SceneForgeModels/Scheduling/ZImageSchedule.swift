import Foundation

/// The Z-Image pipeline's use of the scheduler (diffusers 0.42.1 pipeline_z_image.py).
public enum ZImageSchedule {
    /// `calculate_shift` (pipeline_z_image.py:64-74): mu grows linearly with the image token count.
    public static func calculateShift(imageSeqLen: Int, baseSeqLen: Int = 256, maxSeqLen: Int = 4096,
                                      baseShift: Double = 0.5, maxShift: Double = 1.15) -> Double {
        let m = (maxShift - baseShift) / Double(maxSeqLen - baseSeqLen)
        let b = baseShift - m * Double(baseSeqLen)
        return Double(imageSeqLen) * m + b
    }

    /// `get_default_z_image_sigmas` (line 137): `torch.linspace(1.0, 1/n, n)` in float32.
    public static func defaultSigmas(numInferenceSteps n: Int) throws -> [Double] {
        guard n >= 1 else { throw SchedulerError("numInferenceSteps must be at least 1 (got \(n))") }
        return NumpyMath.torchLinspaceFloat32(1, Float(1.0 / Double(n)), n).map(Double.init)
    }

    /// The schedule the pipeline builds (lines 471-490): default sigmas plus mu from the latent size.
    /// `latentHeight`/`latentWidth` are the VAE latent's spatial size (pixels / 8).
    public static func scheduler(config: FlowMatchEulerConfig, numInferenceSteps: Int,
                                 latentHeight: Int, latentWidth: Int) throws -> FlowMatchEulerDiscreteScheduler {
        let imageSeqLen = (latentHeight / 2) * (latentWidth / 2)
        let mu = calculateShift(imageSeqLen: imageSeqLen, baseSeqLen: config.baseImageSeqLen,
                                maxSeqLen: config.maxImageSeqLen, baseShift: config.baseShift ?? 0.5,
                                maxShift: config.maxShift ?? 1.15)
        var scheduler = try FlowMatchEulerDiscreteScheduler(config: config)
        try scheduler.setTimesteps(mu: mu, sigmas: try defaultSigmas(numInferenceSteps: numInferenceSteps))
        return scheduler
    }

    /// The time the transformer receives for scheduler timestep `t`: `(1000 - t) / 1000` in float32
    /// (line 511). The transformer multiplies it by `t_scale` (1000) before its sinusoidal embedding.
    public static func modelTimestep(_ t: Float) -> Float {
        (1000 - t) / 1000
    }

    /// Whether classifier-free guidance runs at a step (lines 498-518): only when `guidanceScale > 0`,
    /// and not at steps whose normalized time `(1000 - t) / 1000` exceeds `cfgTruncation`.
    public static func appliesGuidance(guidanceScale: Double, cfgTruncation: Double = 1.0, timestep t: Float) -> Bool {
        guard guidanceScale > 0 else { return false }
        if cfgTruncation <= 1, Double(modelTimestep(t)) > cfgTruncation { return false }
        return true
    }
}
