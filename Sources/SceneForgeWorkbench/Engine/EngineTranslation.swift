import Foundation
import SceneForgeEngine
import SceneForgeImaging
import SceneForgeScenes

/// Translates between the workbench's view of an engine and the engine protocol (docs/protocol.md):
/// a `JobRequest` into a `JobSpec`, the client's events into `EngineUpdate`s. Pure functions, so the
/// mapping is tested without a process.
public enum EngineTranslation {
    /// Previews at most this often: the UI draws at most 30 frames a second.
    public static let previewIntervalMs = 33
    /// The thumbnail's long side: the Run tab's preview box is at most 40x24 cells (48 px tall in half blocks).
    public static let previewSize = 64

    public static func spec(_ request: JobRequest, id: String) -> JobSpec {
        JobSpec(id: id, prompt: request.prompt, negativePrompt: request.negativePrompt, width: request.width,
                height: request.height, steps: request.steps, guidance: request.guidance, seed: request.seed,
                model: request.model, output: request.output, previewIntervalMs: previewIntervalMs,
                previewSize: previewSize, extras: extras(request))
    }

    /// The conditioning fields the engine's generator may use and copies into the record.
    static func extras(_ request: JobRequest) -> [String: JSONValue]? {
        var extras: [String: JSONValue] = [:]
        if let anomaly = request.anomalyType { extras["anomaly_type"] = .string(anomaly) }
        if let id = request.layoutID { extras["layout_id"] = .string(id) }
        // The layout as the user left it (nudged, or one of their own), drawn by the engine in place of the built-in one.
        if let layout = request.layout { extras["layout_toml"] = .string(LayoutWriter.toml(layout)) }
        if let strength = request.controlStrength { extras["control_strength"] = .double(strength) }
        if let outside = request.controlOutside, outside < 1 {
            (extras["control_region"], extras["control_outside"]) = (.string("from-layout"), .double(outside))
        }
        if let style = request.stylePath {
            extras.merge(ImageConditioning.styleExtras(path: style, scale: request.styleStrength)) { _, new in new }
        }
        return extras.isEmpty ? nil : extras
    }

    /// What the workbench shows for one client event; nil for events it has no use for.
    public static func update(_ event: EngineClient.Event) -> EngineUpdate? {
        switch event {
        case .engineStarted(let hello):
            let description = "\(hello.engine) engine pid \(hello.pid) on \(hello.devices.joined(separator: ", ")), "
                + "default model \(hello.defaultModel)"
            // Whether the model takes a style reference is known once it is loaded (`loaded.style_adapter`).
            return .ready(description: description, hasImageAdapter: false)
        case .engineExited(let exit):
            guard !exit.requested else { return nil }
            return .engineStopped(reason: exit.reason)
        case .engine(let event):
            return update(event)
        }
    }

    static func update(_ event: EngineEvent) -> EngineUpdate? {
        switch event {
        case .accepted(let e): return .accepted(job: e.job, position: e.position)
        case .started(let e): return .started(job: e.job, steps: e.steps, seed: e.seed, width: e.width, height: e.height)
        case .step(let e):
            return .step(job: e.job, index: e.index, total: e.total, elapsed: e.elapsedSeconds,
                         secondsPerStep: e.secondsPerStep, eta: e.etaSeconds)
        case .preview(let e):
            guard let image = try? image(e) else { return nil }
            return .preview(job: e.job, image: image)
        case .memory(let sample): return .memory(reading(sample), history: sample.job == nil)
        case .done(let e): return .done(job: e.job, outputs: e.outputs, record: recordLines(e.record))
        case .failed(let e): return .failed(job: e.job, message: e.message, log: e.engineLog ?? [])
        case .cancelled(let e): return .cancelled(job: e.job)
        case .loaded(let e): return .modelLoaded(description: e.description, hasImageAdapter: e.styleAdapter ?? false)
        case .error(let e):
            // A refused submit names its job: that job will never run.
            if let job = e.job { return .failed(job: job, message: "refused by the engine: \(e.message)", log: []) }
            return .notice("The engine refused a request: \(e.message)")
        case .hello, .unloaded, .queue, .status, .shutdown, .unknown: return nil
        }
    }

    /// A thumbnail preview (`rgb8`, base64) as an opaque RGBA image; a full decode (a file) is not shown here.
    static func image(_ preview: EngineEvent.Preview) throws -> RGBAImage? {
        guard preview.kind == .thumbnail, preview.encoding == "rgb8", let text = preview.data else { return nil }
        guard let data = Data(base64Encoded: text) else {
            throw EngineError("preview of \(preview.job): field 'data' is not base64")
        }
        let count = preview.width * preview.height
        guard preview.width > 0, preview.height > 0, data.count == count * 3 else {
            throw EngineError("preview of \(preview.job): \(data.count) bytes for \(preview.width)x\(preview.height) RGB")
        }
        var pixels = [UInt8](repeating: 255, count: count * 4)
        data.withUnsafeBytes { (rgb: UnsafeRawBufferPointer) in
            for i in 0..<count {
                pixels[i * 4] = rgb[i * 3]
                pixels[i * 4 + 1] = rgb[i * 3 + 1]
                pixels[i * 4 + 2] = rgb[i * 3 + 2]
            }
        }
        return try RGBAImage(width: preview.width, height: preview.height, pixels: pixels)
    }

    /// GPU figures are those of the first GPU (the engine's default device, cuda:0); the allocator's are
    /// summed over devices. Absent sources stay nil: the panel says "no GPU" rather than zero.
    static func reading(_ sample: MemorySample) -> MemoryReading {
        var reading = MemoryReading()
        if let gpu = sample.gpus?.first {
            reading.deviceUsed = gpu.usedBytes
            reading.deviceTotal = gpu.totalBytes
        }
        if let allocators = sample.allocator, !allocators.isEmpty {
            reading.allocated = allocators.reduce(0) { $0 + $1.allocatedBytes }
            reading.reserved = allocators.reduce(0) { $0 + $1.reservedBytes }
        }
        if let system = sample.system {
            reading.ramUsed = system.totalBytes - system.availableBytes
            reading.ramTotal = system.totalBytes
        }
        reading.processRSS = sample.process?.rssBytes
        return reading
    }

    /// The record as pretty JSON, its simple top-level fields (prompt, seed, model...) first and the nested ones
    /// (extras with a whole layout) after them, so what a user looks for is on the first screen.
    static func recordLines(_ record: JSONValue) -> [String]? {
        guard case .object(let fields) = record else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func isNested(_ value: JSONValue) -> Bool {
            switch value {
            case .object, .array: return true
            default: return false
            }
        }
        let keys = fields.keys.sorted { (isNested(fields[$0] ?? .null) ? 1 : 0, $0) < (isNested(fields[$1] ?? .null) ? 1 : 0, $1) }
        var lines = ["{"]
        for (index, key) in keys.enumerated() {
            guard let value = fields[key], let data = try? encoder.encode(value),
                  let name = try? encoder.encode(key) else { continue }
            var valueLines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            valueLines[0] = "  \(String(decoding: name, as: UTF8.self)) : " + valueLines[0]
            for i in 1..<max(1, valueLines.count) { valueLines[i] = "  " + valueLines[i] }
            if index < keys.count - 1 { valueLines[valueLines.count - 1] += "," }
            lines += valueLines
        }
        return lines + ["}"]
    }
}
