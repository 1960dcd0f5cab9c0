import Foundation
import SceneForgeModels
import SceneForgeTorch

/// Turns a client's `JobSpec` into a `GenerationJob`: fills defaults, checks every field, names what is wrong.
struct JobValidator {
    let defaultModel: String
    let outputDirectory: String
    let cudaDevices: Int
    /// The size of a job that names none, by model (the loader's `defaultSize`).
    var defaultSize: (String) -> (width: Int, height: Int) = { _ in ModelImageSize.zImageDefault }

    static let sizeRange = ModelImageSize.sides
    static let stepRange = 1...1000
    static let previewSizeRange = 8...512
    static let maximumPromptLength = 1 << 16

    func validate(_ spec: JobSpec, assignedID: String) throws -> GenerationJob {
        let id = try spec.id.map(validateID) ?? assignedID
        guard spec.prompt.utf8.count <= Self.maximumPromptLength else {
            throw invalid("job.prompt", "is \(spec.prompt.utf8.count) bytes; the limit is \(Self.maximumPromptLength)")
        }
        let model = spec.model ?? defaultModel
        let modelSize = spec.width == nil || spec.height == nil ? defaultSize(model) : ModelImageSize.zImageDefault
        let width = try check("job.width", spec.width ?? modelSize.width, in: Self.sizeRange, multipleOf: ModelImageSize.sideMultiple)
        let height = try check("job.height", spec.height ?? modelSize.height, in: Self.sizeRange, multipleOf: ModelImageSize.sideMultiple)
        let steps = try check("job.steps", spec.steps ?? 8, in: Self.stepRange)
        let guidance = spec.guidance ?? 0
        guard guidance.isFinite, (0...100).contains(guidance) else { throw invalid("job.guidance", "must be in 0...100 (got \(guidance))") }
        let seed = spec.seed ?? UInt64.random(in: 0..<(1 << 53))
        guard seed <= UInt64(Int64.max) else { throw invalid("job.seed", "must be at most \(Int64.max) (got \(seed))") }
        let device = try resolveDevice(spec.device, field: "job.device")
        let dtype = try resolveDType(spec.dtype, device: device, field: "job.dtype")
        let output = try spec.output.map { try validatePath($0, field: "job.output") }
            ?? URL(fileURLWithPath: outputDirectory).appendingPathComponent("\(id).png").path
        return GenerationJob(id: id, prompt: spec.prompt, negativePrompt: spec.negativePrompt ?? "", width: width,
                             height: height, steps: steps, guidance: guidance, seed: seed, model: model,
                             dtype: dtype, device: device, outputPath: output, preview: try previewPolicy(spec),
                             extras: spec.extras ?? [:])
    }

    func resolveDevice(_ name: String?, field: String) throws -> Device {
        guard let name else { return cudaDevices > 0 ? .cuda(0) : .cpu }
        guard let device = Device(name: name), device != .meta else {
            throw invalid(field, "must be \"cpu\", \"cuda\" or \"cuda:N\" (got \"\(name.prefix(64))\")")
        }
        if case .cuda(let index) = device, index >= cudaDevices {
            throw invalid(field, "\(device) is not available: this machine has \(cudaDevices) CUDA device(s)")
        }
        return device
    }

    func resolveDType(_ name: String?, device: Device, field: String) throws -> DType {
        guard let name else { return device == .cpu ? .float32 : .bfloat16 }
        guard let dtype = DType(name: name), dtype.isFloatingPoint else {
            throw invalid(field, "must be float32, float16 or bfloat16 (got \"\(name.prefix(64))\")")
        }
        return dtype
    }

    private func validateID(_ id: String) throws -> String {
        guard !id.isEmpty, id.utf8.count <= 128,
              id.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0) }),
              id != ".", id != ".." else {
            throw invalid("job.id", "must be 1-128 letters, digits or - _ . : (got \"\(id.prefix(64))\")")
        }
        return id
    }

    private func validatePath(_ path: String, field: String) throws -> String {
        guard !path.isEmpty, !path.contains("\0"), path.utf8.count <= 4096 else {
            throw invalid(field, "must be a file path")
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private func previewPolicy(_ spec: JobSpec) throws -> PreviewPolicy {
        let size = try check("job.preview_size", spec.previewSize ?? 64, in: Self.previewSizeRange)
        if let every = spec.previewEverySteps {
            guard every >= 0 else { throw invalid("job.preview_every_steps", "must be 0 (off) or more (got \(every))") }
            return every == 0 ? .off : .everySteps(every, size: size)
        }
        let interval = try check("job.preview_interval_ms", spec.previewIntervalMs ?? 100, in: 0...3_600_000)
        return .throttled(minimumInterval: Double(interval) / 1000, size: size)
    }

    private func check(_ field: String, _ value: Int, in range: ClosedRange<Int>, multipleOf step: Int = 1) throws -> Int {
        guard range.contains(value), value % step == 0 else {
            let multiple = step > 1 ? ", a multiple of \(step)" : ""
            throw invalid(field, "must be in \(range.lowerBound)...\(range.upperBound)\(multiple) (got \(value))")
        }
        return value
    }

    private func invalid(_ field: String, _ problem: String) -> ProtocolError {
        ProtocolError(code: .invalidField, "field '\(field)' \(problem)")
    }
}
