import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch

/// THE ENGINE'S MODEL-FREE TEST GENERATOR — not a diffusion model; it knows nothing about images.
///
/// It runs a real Euler flow-matching schedule (the project's `FlowMatchEulerDiscreteScheduler`, with
/// Z-Image Turbo's configuration) over real latents of shape [1, 16, H/8, W/8] drawn from the job's seed,
/// with a velocity field that carries the noise in a straight line to a pattern derived from the prompt's hash.
/// Its output is the linear latent-to-RGB projection, upsampled 8x. It exists so the engine, its protocol and
/// its clients can be tested end to end without weights, and stays available as `--model scheduled-noise`
/// for protocol debugging.
public final class ScheduledNoiseGenerator: ImageGenerator {
    public static let modelName = "scheduled-noise"
    public static let latentChannels = 16

    private let dtype: DType
    private let device: Device
    private let projection = LatentRGBProjection.fluxFamily

    public init(dtype: DType, device: Device) {
        self.dtype = dtype
        self.device = device
    }

    public var modelDescription: String {
        "scheduled-noise: model-free Euler flow-matching test generator (\(dtype), \(device)), not a diffusion model"
    }

    public func generate(_ job: GenerationJob, onStep: (StepInfo, Tensor) -> Bool) throws -> GenerationResult {
        guard job.width % 16 == 0, job.height % 16 == 0 else {
            throw EngineError("width and height must be multiples of 16 (got \(job.width)x\(job.height))")
        }
        let (latentHeight, latentWidth) = (job.height / 8, job.width / 8)
        let scheduler = try ZImageSchedule.scheduler(config: .zImageTurbo, numInferenceSteps: job.steps,
                                                     latentHeight: latentHeight, latentWidth: latentWidth)
        let shape = [1, Self.latentChannels, latentHeight, latentWidth]
        // Noise is drawn on the CPU so a seed gives the same latents on every device.
        let noise = try Tensor.randn(shape, generator: Generator(seed: job.seed)).to(device, dtype)
        let target = try Self.target(prompt: job.prompt, shape: shape).to(device, dtype)
        // The straight path from noise (sigma 1) to the target (sigma 0) has a constant velocity.
        let velocity = try noise - target
        var latents = noise
        let steps = scheduler.steps
        try withNoGrad {
            for step in steps {
                latents = try latents + velocity * Double(step.dt)
                let info = StepInfo(index: step.index + 1, total: steps.count, sigma: step.sigmaNext)
                // The preview is the sample itself: this generator's denoised estimate is always the target.
                if !onStep(info, latents) { throw GenerationCancelled(afterStep: info.index) }
            }
        }
        let image = try projection.image(from: latents, scale: 8)
        let sigmas = scheduler.sigmas.map { "\($0)" }.joined(separator: ",")
        let record = GenerationRecord(
            id: job.id, prompt: job.prompt, negativePrompt: job.negativePrompt, model: Self.modelName, seed: job.seed,
            steps: job.steps, sampler: "flow_match_euler", guidance: job.guidance, width: job.width, height: job.height,
            createdAt: Date(),
            extra: ["dtype": "\(dtype)", "device": "\(device)", "modelDescription": modelDescription,
                    "schedulerShift": "\(FlowMatchEulerConfig.zImageTurbo.shift)", "sigmas": sigmas])
        return GenerationResult(image: image, record: record)
    }

    public func decode(_ latents: Tensor) throws -> RGBAImage {
        try projection.image(from: latents, scale: 8)
    }

    /// A smooth per-channel pattern whose constants come from the prompt's FNV-1a hash: each channel is
    /// `a + b * sin(2π (fx * x + fy * y) + phase)` over the unit square.
    static func target(prompt: String, shape: [Int]) throws -> Tensor {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in prompt.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        var state = hash
        func next() -> Double {
            // splitmix64, mapped to [0, 1)
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let (channels, height, width) = (shape[1], shape[2], shape[3])
        let y = try Tensor.linspace(0, 1, count: height).view([1, height, 1])
        let x = try Tensor.linspace(0, 1, count: width).view([1, 1, width])
        var planes: [Tensor] = []
        for _ in 0..<channels {
            let (a, b) = (next() * 2 - 1, next() * 1.5)
            let (fx, fy, phase) = (next() * 4, next() * 4, next() * 2 * Double.pi)
            let angle = try (x * (2 * Double.pi * fx)) + (y * (2 * Double.pi * fy)) + phase
            planes.append(try angle.sin() * b + a)
        }
        return try Tensor.cat(planes, dim: 0).unsqueeze(0)
    }
}
