import ArgumentParser
import Foundation
import SceneForgeImaging
import SceneForgeScenes
import SceneForgeTorch
import SceneForgeTraining

/// `sceneforge train`: trains the small default model (VAE, then transformer, then optionally its layout
/// ControlNet; frozen text encoder)
/// from a TOML/JSON config, or fine-tunes an existing diffusers folder (`init_from`), and exports the
/// EMA weights in float16 as a diffusers folder that `sceneforge generate --model` loads.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the small default model from scratch, or fine-tune one (see docs/training.md).")

    @Option(help: "Training configuration, TOML or JSON (every field optional; see docs/training.md).") var config: String?
    @Option(name: .shortAndLong, help: "Run folder: checkpoints/, samples/, and the exported model/.") var output = "sceneforge-train"
    @Flag(help: "Continue from OUTPUT/checkpoints/latest.safetensors (bit-identical to an uninterrupted run).") var resume = false
    @Option(name: .customLong("max-steps"), help: "Stop after this many optimiser steps in this invocation (checkpointed; continue with --resume).")
    var maxSteps: Int?
    @Option(name: .customLong("max-time"),
            help: "Stop once this much time has passed since the command started (90, 90s, 10m, 1h30m; checkpointed; continue with --resume).")
    var maxTime: TimeBudget?
    @Option(help: "Export folder (default: OUTPUT/model); named, it also gets a snapshot of a run that stops early (--max-steps, --max-time, Ctrl-C).")
    var export: String?
    @Option(name: .customLong("thumbnail-width"), help: "Terminal columns of the preview thumbnails (0: none).") var thumbnailWidth = 24
    @Flag(help: "No progress bar.") var quiet = false
    @Option(help: "CPU: threads that each take a share of every batch (the config's `workers`; on 2 cores, 2 train about twice as fast).")
    var workers: Int?

    func run() throws {
        // A redirected stdout is block-buffered: the one-off lines ("training data: ...") would only show at exit.
        // Set before anything is written, as setvbuf must be.
        if isatty(STDOUT_FILENO) != 1 { setvbuf(stdout, nil, _IOLBF, 0) }
        let bar = ProgressBar(enabled: !quiet)
        // Ctrl-C or SIGTERM: stop at the next step boundary with a checkpoint, then exit as the signal would (128 + N).
        let signals = StopSignals { _ in
            bar.clear()
            FileHandle.standardError.write(Data("sceneforge train: stopping before the next step to write a checkpoint (Ctrl-C again to quit at once)\n".utf8))
        }
        defer { signals.restoreDefaults() }
        do {
            try train(bar: bar) { signals.received != nil }
        } catch {
            FileHandle.standardError.write(Data("sceneforge train: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if let number = signals.received { throw ExitCode(128 + number) }
    }

    private func train(bar: ProgressBar, stopRequested: @escaping @Sendable () -> Bool) throws {
        let started = Date()
        var settings = try config.map { try TrainingConfig.load(contentsOf: URL(fileURLWithPath: $0)) } ?? TrainingConfig()
        if let workers {
            settings.workers = workers
            try settings.validate(file: "--workers")
        }
        if let maxSteps, maxSteps <= 0 { throw ValidationError("--max-steps must be positive (got \(maxSteps))") }
        let outputURL = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: outputURL, withIntermediateDirectories: true)
        let stop = TrainingStop(maxSteps: maxSteps, deadline: maxTime.map { started.addingTimeInterval($0.seconds) },
                                requested: stopRequested)
        if let base = settings.initFrom, settings.trainsStyleAdapterOnly {
            // Only the style adapter trains: it goes into the export folder, or the base folder itself.
            return try trainStyleAdapter(settings, model: URL(fileURLWithPath: export ?? base), base: URL(fileURLWithPath: base),
                                         output: outputURL, stop: stop, afterBase: false)
        }
        let rendering = Date()
        let data = try TrainingData.make(settings, catalog: SceneCatalog.builtIn())
        print(String(format: "training data: %d samples at %dx%d made in %.1f s", data.samples.count, settings.data.width,
                     settings.data.height, Date().timeIntervalSince(rendering)))
        let checkpoint = outputURL.appendingPathComponent("checkpoints/latest.safetensors")
        let trainer: Trainer
        if resume {
            guard FileManager.default.fileExists(atPath: checkpoint.path) else {
                throw ValidationError("--resume: no checkpoint at \(checkpoint.path)")
            }
            trainer = try Trainer(resumingFrom: checkpoint, config: settings, data: data, output: outputURL)
        } else {
            trainer = try Trainer(config: settings, data: data, output: outputURL)
        }
        // A resumed run's log keeps its rows up to the checkpoint (a finished base: all of them; the style adapter's
        // stage trims its own).
        let log = try TrainingLog(folder: outputURL, resumingAt: !resume ? nil
                                  : trainer.stage == .done ? (TrainingLog.styleAdapterStage, .max) : (trainer.stage.rawValue, trainer.stageStep))
        var baseSteps = 0
        trainer.onProgress = { progress in
            baseSteps += 1
            bar.show(progress)
            log.append(stage: progress.stage.rawValue, step: progress.step, loss: progress.loss, samplesPerSecond: progress.samplesPerSecond)
        }
        trainer.onCacheMade = { samples, seconds in
            bar.clear()
            let workers = settings.workerCount == 1 ? "1 worker" : "\(settings.workerCount) workers"
            print(String(format: "encoded %d samples' latents and captions in %.1f s", samples, seconds) + " (\(workers))")
        }
        trainer.onPreview = { url, image in
            bar.clear()
            print("preview: \(url.path)")
            guard thumbnailWidth > 0 else { return }
            let options = ThumbnailOptions(symbols: .halfBlock, colors: TerminalCapabilities.detect())
            if let thumbnail = try? ThumbnailRenderer.render(image, columns: thumbnailWidth, rows: thumbnailWidth, options: options) {
                print(thumbnail.lines.joined(separator: "\n"))
            }
        }
        try trainer.run(until: stop)
        bar.clear()
        if trainer.stage != .done {
            reportStop(stage: trainer.stage.rawValue, step: trainer.stageStep, reason: trainer.stopReason, checkpoint: trainer.checkpointURL)
            // A named export folder gets a snapshot of the weights so far, to measure a run while it is under way.
            if let export {
                try trainer.export(to: URL(fileURLWithPath: export), dtype: .float16)
                print("exported a snapshot to \(export) (EMA weights so far, float16)")
            }
            return
        }
        let exportURL = export.map { URL(fileURLWithPath: $0) } ?? outputURL.appendingPathComponent("model")
        try trainer.export(to: exportURL, dtype: .float16)
        print("exported \(exportURL.path) (EMA weights, float16); try: sceneforge generate --model \(exportURL.path) --prompt \"...\"")
        if settings.styleAdapter.steps > 0 {
            // --max-steps counts this invocation's steps, the base stages' included.
            var adapterStop = stop
            adapterStop.maxSteps = stop.maxSteps.map { $0 - baseSteps }
            try trainStyleAdapter(settings, model: exportURL, base: exportURL, output: outputURL, stop: adapterStop, afterBase: true)
        }
    }
}

extension Train {
    /// The line a run that stopped early ends with (`scripts/train-embedded` looks for its start, `stopped at`).
    func reportStop(stage: String, step: Int, reason: TrainingStop.Reason?, checkpoint: URL) {
        let why = reason.map { " (\($0.rawValue))" } ?? ""
        print("stopped at \(stage) step \(step)\(why); checkpoint \(checkpoint.path) (continue with --resume)")
    }
}

/// Training progress on stderr: stage, step/total, a bar, the loss (smoothed), samples/s and ETA. On a terminal one
/// line redrawn in place; piped to a file or a CI log, a plain line every `logInterval` seconds and at the stage's
/// end, so the log holds a readable history instead of thousands of carriage returns.
final class ProgressBar {
    let enabled: Bool
    let isTerminal: Bool
    /// The weight of the loss so far in its running mean (the style adapter's loss is noisier: it keeps more).
    let smoothing: Double
    static let logInterval: TimeInterval = 30
    private var smoothed: Double?
    private var lastDraw = Date.distantPast

    init(enabled: Bool, smoothing: Double = 0.9, isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        (self.enabled, self.smoothing, self.isTerminal) = (enabled, smoothing, isTerminal)
    }

    func show(_ p: TrainingProgress) {
        show(stage: p.stage.rawValue, step: p.step, of: p.totalSteps, loss: p.loss, samplesPerSecond: p.samplesPerSecond, remaining: p.remaining)
    }

    func show(stage: String, step: Int, of totalSteps: Int, loss: Double, samplesPerSecond: Double, remaining: TimeInterval) {
        smoothed = smoothed.map { smoothing * $0 + (1 - smoothing) * loss } ?? loss
        let interval = isTerminal ? 0.2 : Self.logInterval
        guard enabled, step == totalSteps || Date().timeIntervalSince(lastDraw) > interval else { return }
        lastDraw = Date()
        let width = 24
        let filled = totalSteps > 0 ? width * step / totalSteps : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "%@ %d/%d %@ loss %.4f  %.1f samples/s  ETA %@", stage.padding(toLength: 13, withPad: " ", startingAt: 0),
                          step, totalSteps, bar, smoothed ?? loss, samplesPerSecond, Self.duration(remaining))
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            if step == totalSteps { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    func clear() {
        if enabled && isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
    }
}
