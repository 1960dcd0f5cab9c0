import Foundation

extension Workbench {
    /// Applies one engine update; returns effects (a finished job rescans the gallery).
    @discardableResult
    public mutating func apply(_ update: EngineUpdate) -> [Effect] {
        switch update {
        case .ready(let description, let hasImageAdapter):
            state.engineDescription = description
            state.hasImageAdapter = hasImageAdapter
        case .accepted(let job, let position):
            modify(job) { $0.status = .queued(position: position) }
        case .started(let job, let steps, let seed, let width, let height):
            modify(job) {
                $0.status = .running
                $0.totalSteps = steps
                $0.request.seed = seed
                if let width, let height { ($0.request.width, $0.request.height) = (width, height) }
            }
            if let index = state.jobs.firstIndex(where: { $0.id == job }) { state.selectedJob = index }
        case .step(let job, let index, let total, let elapsed, let secondsPerStep, let eta):
            modify(job) {
                $0.status = .running
                $0.step = index
                $0.totalSteps = total
                $0.elapsed = elapsed
                $0.secondsPerStep = secondsPerStep
                $0.eta = eta
            }
        case .preview(let job, let image):
            modify(job) { $0.preview = image }
            state.counters?.previews += 1
        case .memory(let reading, let history):
            if history { state.memory.append(reading) } else { state.memory.update(reading) }
        case .done(let job, let outputs, let record):
            modify(job) {
                $0.status = .done
                $0.outputs = outputs
                // The file replaces the preview: its thumbnail is cached, a preview would be re-rendered every frame.
                if !outputs.isEmpty { $0.preview = nil }
                $0.step = $0.totalSteps
                $0.eta = 0
            }
            if let record { for output in outputs { state.sessionRecords[output] = record } }
            state.status = "\(job) done: \(outputs.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "no output")."
            return [.rescanGallery]
        case .failed(let job, let message, let log):
            modify(job) {
                $0.status = .failed(message)
                $0.log = log
            }
            if let index = state.jobs.firstIndex(where: { $0.id == job }) { state.selectedJob = index }
            state.status = "\(job) failed: \(message)"
        case .cancelled(let job):
            modify(job) { $0.status = .cancelled }
            state.status = "\(job) cancelled."
        case .modelLoaded(let description, let hasImageAdapter):
            state.modelDescription = description
            state.hasImageAdapter = hasImageAdapter
        case .notice(let message):
            state.status = message
        case .engineStopped(let reason):
            state.engineDescription = "engine stopped (\(reason)); the next job starts a new one"
            state.modelDescription = nil
            if state.unfinishedJobs.isEmpty { state.status = "The engine stopped (\(reason)); the next job starts a new one." }
        }
        return []
    }

    private mutating func modify(_ job: String, _ change: (inout JobEntry) -> Void) {
        guard let index = state.jobs.firstIndex(where: { $0.id == job }) else { return }
        change(&state.jobs[index])
    }
}
