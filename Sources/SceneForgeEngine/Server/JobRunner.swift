import Foundation
import SceneForgeImaging
import SceneForgeModels
import SceneForgeTorch

/// The worker thread: takes work from the queue and runs it, keeping the last model loaded between jobs.
final class JobRunner: @unchecked Sendable {
    private let loader: ImageGeneratorLoader
    private let queue: WorkQueue
    private let writer: EventWriter
    private let telemetry: MemoryTelemetry
    private let outputDirectory: String
    private let stopped = DispatchSemaphore(value: 0)
    private let projection = LatentRGBProjection.fluxFamily

    private struct Loaded {
        let model: String
        let dtype: DType
        let device: Device
        let generator: ImageGenerator
    }
    private var loaded: Loaded?
    private let loadedLock = NSLock()

    init(loader: ImageGeneratorLoader, queue: WorkQueue, writer: EventWriter, telemetry: MemoryTelemetry,
         outputDirectory: String) {
        self.loader = loader
        self.queue = queue
        self.writer = writer
        self.telemetry = telemetry
        self.outputDirectory = outputDirectory
    }

    var loadedModel: String? {
        loadedLock.lock()
        defer { loadedLock.unlock() }
        return loaded?.model
    }

    func work() {
        while let item = queue.next() {
            switch item {
            case .job(let job):
                run(job)
                queue.finish(job.id)
            case .load(let model, let dtype, let device, let replyTo):
                do {
                    _ = try generator(model: model, dtype: dtype, device: device, replyTo: replyTo)
                } catch {
                    writer.send(.error(.init(code: .modelUnavailable, message: "cannot load model '\(model)': \(error)",
                                             job: nil, replyTo: replyTo)))
                }
            case .unload(let replyTo):
                let previous = unload()
                writer.send(.unloaded(.init(model: previous?.model ?? "", description: previous?.generator.modelDescription ?? "",
                                            dtype: previous.map { "\($0.dtype)" } ?? "", device: previous.map { "\($0.device)" } ?? "",
                                            seconds: nil, replyTo: replyTo)))
            }
        }
        _ = unload()
        stopped.signal()
    }

    func waitUntilStopped() {
        stopped.wait()
    }

    /// The loaded generator when it matches; otherwise the old one is released first, then the new one loaded.
    private func generator(model: String, dtype: DType, device: Device, replyTo: String?) throws -> ImageGenerator {
        if let current = loaded, current.model == model, current.dtype == dtype, current.device == device {
            if replyTo != nil { writer.send(.loaded(modelEvent(current, seconds: 0, replyTo: replyTo))) }
            return current.generator
        }
        _ = unload()
        let start = Date()
        let generator = try loader.load(model: model, dtype: dtype, device: device)
        let entry = Loaded(model: model, dtype: dtype, device: device, generator: generator)
        loadedLock.lock()
        loaded = entry
        loadedLock.unlock()
        writer.send(.loaded(modelEvent(entry, seconds: Date().timeIntervalSince(start), replyTo: replyTo)))
        return generator
    }

    private func unload() -> Loaded? {
        loadedLock.lock()
        let previous = loaded
        loaded = nil
        loadedLock.unlock()
        if previous != nil { try? Torch.cudaEmptyCache() }
        return previous
    }

    private func modelEvent(_ entry: Loaded, seconds: Double, replyTo: String?) -> EngineEvent.ModelEvent {
        .init(model: entry.model, description: entry.generator.modelDescription, dtype: "\(entry.dtype)",
              device: "\(entry.device)", seconds: seconds, replyTo: replyTo,
              styleAdapter: (entry.generator as? ZImageGenerator).map { $0.pipeline.styleAdapter != nil })
    }

    private func run(_ job: GenerationJob) {
        let model = job.model ?? loader.defaultModel
        writer.send(.started(.init(job: job.id, model: model, steps: job.steps, seed: job.seed, width: job.width, height: job.height)))
        let start = Date()
        do {
            let generator = try self.generator(model: model, dtype: job.dtype, device: job.device, replyTo: nil)
            var progress = StepReporter(job: job, start: start)
            let result = try generator.generate(job) { info, latents in
                guard !queue.cancellation(of: job.id).requested else { return false }
                report(info, latents: latents, job: job, generator: generator, progress: &progress)
                return !queue.cancellation(of: job.id).requested
            }
            let record = completeRecord(result, job: job)
            try EngineImageFile.write(result.image, record: record, to: job.outputPath)
            let seconds = Date().timeIntervalSince(start)
            writer.send(.done(.init(job: job.id, outputs: [job.outputPath], record: try EngineImageFile.json(record),
                                    seconds: seconds)))
        } catch is GenerationCancelled {
            // The job's tensors are gone with `generate`'s frame; give the allocator's cache back too.
            try? Torch.cudaEmptyCache()
            writer.send(.cancelled(.init(job: job.id, state: .running, replyTo: queue.cancellation(of: job.id).replyTo)))
        } catch {
            try? Torch.cudaEmptyCache()
            writer.send(.failed(.init(job: job.id, message: failureMessage(error, job: job), engineLog: nil)))
        }
    }

    /// One step's events, in order: step, then a preview when due, then memory. The preview and the memory reading
    /// are made on the event writer's thread, beside the next step, so the denoising loop only hands them over.
    private func report(_ info: StepInfo, latents: Tensor, job: GenerationJob, generator: ImageGenerator,
                        progress: inout StepReporter) {
        var events: [() -> EngineEvent?] = [{ [step = progress.step(info)] in .step(step) }]
        if let size = progress.previewDue(info) {
            events.append { [projection] in
                do {
                    let image = try projection.image(from: latents, maxSide: size)
                    return .preview(.init(job: job.id, step: info.index, kind: .thumbnail, width: image.width,
                                          height: image.height, encoding: "rgb8",
                                          data: Data(image.rgbBytes).base64EncodedString(), path: nil))
                } catch {
                    EngineLog.write("job \(job.id): no preview at step \(info.index): \(error)")
                    return nil
                }
            }
        }
        if queue.takeDecodeRequest() {
            writer.send(events)
            events = [fullPreview(latents, step: info.index, job: job, generator: generator)]
        }
        events.append { [telemetry] in .memory(telemetry.sample(job: job.id, step: info.index)) }
        writer.send(events)
    }

    /// A full VAE decode of the current estimate, written as a PNG on the worker (it needs the model), announced in order.
    private func fullPreview(_ latents: Tensor, step: Int, job: GenerationJob, generator: ImageGenerator) -> () -> EngineEvent? {
        let event: EngineEvent
        do {
            let image = try generator.decode(latents)
            let path = URL(fileURLWithPath: outputDirectory).appendingPathComponent("\(job.id)-step\(step).png").path
            try EngineImageFile.write(image, record: nil, to: path)
            event = .preview(.init(job: job.id, step: step, kind: .full, width: image.width, height: image.height,
                                   encoding: "png", data: nil, path: path))
        } catch {
            event = .error(.init(code: .invalidField, message: "decode_preview failed at step \(step): \(error)", job: job.id,
                                 replyTo: nil))
        }
        return { event }
    }

    private func failureMessage(_ error: Error, job: GenerationJob) -> String {
        let text = "\(error)"
        if text.lowercased().contains("out of memory") {
            return "job \(job.id) ran out of memory at \(job.width)x\(job.height) on \(job.device): \(text). "
                + "Try a smaller size, a lower-precision dtype, or free the device."
        }
        return "job \(job.id) failed: \(text)"
    }

    /// The generator's record with the job's id and every job extra the generator did not act on, as JSON text
    /// under `extras.<key>` (so nothing a client attached is lost).
    private func completeRecord(_ result: GenerationResult, job: GenerationJob) -> GenerationRecord {
        var record = result.record
        record.id = job.id
        for (key, value) in job.extras where !result.usedExtras.contains(key) {
            record.extra["extras.\(key)"] = value.stringValue ?? EngineImageFile.jsonText(value)
        }
        return record
    }
}

/// Timing of a running job, and when its next preview is due.
struct StepReporter {
    let job: GenerationJob
    let start: Date
    private var lastPreview: Date?

    init(job: GenerationJob, start: Date) {
        self.job = job
        self.start = start
    }

    func step(_ info: StepInfo) -> EngineEvent.Step {
        let elapsed = Date().timeIntervalSince(start)
        let perStep = elapsed / Double(max(info.index, 1))
        return .init(job: job.id, index: info.index, total: info.total, elapsedSeconds: elapsed,
                     secondsPerStep: perStep, etaSeconds: perStep * Double(info.total - info.index))
    }

    /// The thumbnail size when a preview is due at this step.
    mutating func previewDue(_ info: StepInfo) -> Int? {
        switch job.preview {
        case .off:
            return nil
        case .everySteps(let every, let size):
            return info.index % every == 0 ? size : nil
        case .throttled(let interval, let size):
            let now = Date()
            if let last = lastPreview, now.timeIntervalSince(last) < interval { return nil }
            lastPreview = now
            return size
        }
    }
}
