import ArgumentParser
import Foundation
import SceneForgeTraining
import SceneForgeTorch

extension Train {
    /// The `[style_adapter]` stage: trains an adapter for the finished model in `base` (frozen), then writes it
    /// into `model`/style_adapter/ (copying the base there first when they differ). Resumable with --resume.
    /// `afterBase`: this invocation trained the base stages first, and their rows of the loss log stay.
    func trainStyleAdapter(_ settings: TrainingConfig, model: URL, base: URL, output: URL, stop: TrainingStop, afterBase: Bool) throws {
        let fm = FileManager.default
        if model.standardizedFileURL != base.standardizedFileURL {
            try? fm.removeItem(at: model)
            try fm.copyItem(at: base, to: model)
        }
        let checkpoint = StyleAdapterTrainer.checkpointURL(output)
        let resuming = resume && fm.fileExists(atPath: checkpoint.path)
        let trainer = try StyleAdapterTrainer(modelFolder: model, config: settings, output: output, resume: resuming)
        let log = try TrainingLog(folder: output, resumingAt: resuming ? (TrainingLog.styleAdapterStage, trainer.step)
                                  : afterBase ? (TrainingLog.styleAdapterStage, 0) : nil)
        let bar = ProgressBar(enabled: !quiet, smoothing: 0.98)
        trainer.onProgress = { p in
            log.append(stage: TrainingLog.styleAdapterStage, step: p.step, loss: p.loss, samplesPerSecond: p.samplesPerSecond)
            bar.show(stage: TrainingLog.styleAdapterStage, step: p.step, of: p.totalSteps, loss: p.loss,
                     samplesPerSecond: p.samplesPerSecond, remaining: p.remaining)
        }
        try trainer.run(until: stop)
        bar.clear()
        guard trainer.isDone else {
            reportStop(stage: TrainingLog.styleAdapterStage, step: trainer.step, reason: trainer.stopReason, checkpoint: checkpoint)
            return
        }
        try trainer.export(into: model, dtype: .float16)
        print("exported \(model.path)/style_adapter (EMA weights, float16); try: sceneforge generate --model \(model.path) --style SCREEN.png")
    }
}
