import Foundation
import SceneForgeEngine
import SceneForgeImaging

/// Runs jobs on a `sceneforge engine` child process (design.md §3): a crash or out-of-memory in the model takes
/// down the engine, not the batch, and the engine command may be remote (`ssh gpu-host sceneforge engine`).
/// The engine writes each image as a PNG into a scratch folder; it is read back and the batch runner writes it
/// with the batch's record, atomically, as before.
public final class EngineBatchGenerator: BatchImageGenerator {
    public let name = "the engine"
    public var capabilities: GeneratorCapabilities { GeneratorCapabilities(controlNet: controlNet != nil, loras: false, styleReference: true) }

    private let dtype: String?
    private let device: String?
    private let controlNet: String?
    private let scratch: URL
    private let mailbox = Mailbox()
    private let client: EngineClient

    /// `command`: the engine command line (default: this executable's `engine`); `controlNet`: a Z-Image
    /// ControlNet for jobs with `control_scale > 0`; `dtype`/`device` as the protocol names them (nil: the engine's).
    public init(command: [String] = EngineClient.Configuration.defaultCommand(), dtype: String? = nil, device: String? = nil,
                controlNet: String? = nil) {
        self.dtype = dtype
        self.device = device
        self.controlNet = controlNet
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-batch-\(getpid())-\(UUID().uuidString.prefix(8))")
        let mailbox = self.mailbox
        client = EngineClient(configuration: .init(command: command), observer: { mailbox.post($0) })
    }

    deinit { close() }

    /// Stops the engine and removes the scratch folder.
    public func close() {
        client.shutdown()
        try? FileManager.default.removeItem(at: scratch)
    }

    public func generate(_ job: BatchJob, createdAt: Date, progress: (JobProgress) -> Void) throws -> GeneratedImage {
        let request = try BatchJobRequest(job, controlNet: controlNet, scratch: scratch)
        let output = scratch.appendingPathComponent("\(job.id).png")
        mailbox.watch(job.id)
        defer { mailbox.watch(nil) }
        try client.submit(request.jobSpec(job, outputPath: output.path, dtype: dtype, device: device))
        while true {
            switch mailbox.next() {
            case .step(let step):
                progress(JobProgress(step: step.index, totalSteps: step.total, elapsed: step.elapsedSeconds))
            case .done:
                defer { try? FileManager.default.removeItem(at: output) }
                let image = try PNGFile.read(contentsOf: output)
                guard let record = try PNGFile.metadata(contentsOf: output).record else {
                    throw OutputError("\(output.path): the engine's image carries no generation record")
                }
                return GeneratedImage(image: image, record: BatchRecord.make(job, generated: record, createdAt: createdAt))
            case .failed(let message):
                throw OutputError("scene '\(job.scene)' seed \(job.seed): \(message)")
            }
        }
    }
}

/// The events of the job being waited for, handed from the client's reader thread to the batch's thread.
private final class Mailbox: @unchecked Sendable {
    enum Item {
        case step(EngineEvent.Step)
        case done
        case failed(String)
    }

    private let condition = NSCondition()
    private var job: String?
    private var items: [Item] = []

    func watch(_ job: String?) {
        condition.lock()
        self.job = job
        items.removeAll()
        condition.unlock()
    }

    func post(_ event: EngineClient.Event) {
        condition.lock()
        defer { condition.unlock() }
        guard let job, let item = Self.item(event, job: job) else { return }
        items.append(item)
        condition.signal()
    }

    func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        return items.removeFirst()
    }

    private static func item(_ event: EngineClient.Event, job: String) -> Item? {
        guard case .engine(let event) = event else { return nil }
        switch event {
        case .step(let step) where step.job == job: return .step(step)
        case .done(let done) where done.job == job: return .done
        case .failed(let failed) where failed.job == job:
            let log = failed.engineLog.map { $0.isEmpty ? "" : "\nengine log:\n" + $0.joined(separator: "\n") } ?? ""
            return .failed(failed.message + log)
        case .cancelled(let cancelled) where cancelled.job == job: return .failed("the engine cancelled the job")
        case .error(let error) where error.job == job: return .failed("the engine refused the job: \(error.message)")
        default: return nil
        }
    }
}
