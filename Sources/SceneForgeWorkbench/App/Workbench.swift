import Foundation
import SceneForgeScenes

/// The app logic: state plus bindings; `handle(_:)` and `apply(_:)` turn keys and engine updates
/// into a new state and a list of effects. Nothing here touches the terminal.
public struct Workbench: Sendable {
    public var state: AppState
    public var bindings: KeyBindings
    /// Random numbers for seeds; injectable so tests are repeatable.
    public var seedSource: @Sendable () -> UInt64 = { UInt64.random(in: 0...UInt64(UInt32.max)) }
    public var now: @Sendable () -> Date = { Date() }

    public init(state: AppState, bindings: KeyBindings) {
        self.state = state
        self.bindings = bindings
    }

    /// The requests `run` submits: `batchCount` jobs, seeds drawn or counted up from the fixed one.
    public mutating func makeRequests() -> [JobRequest] {
        let text = state.prompt.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            state.status = "The prompt is empty: write one in Compose first."
            return []
        }
        guard !state.model.isEmpty else {
            state.status = "No model chosen: set one in Params."
            return []
        }
        var requests: [JobRequest] = []
        let stamp = Self.timestamp(now())
        for index in 0..<max(1, state.batchCount) {
            if state.randomSeed && !state.seedLocked { state.seed = seedSource() }
            let seed = state.randomSeed || state.seedLocked ? state.seed : state.seed &+ UInt64(index)
            let preset = state.sizePreset
            let output = state.outputDirectory.appendingPathComponent("\(stamp)-\(index)-\(seed).png").path
            requests.append(JobRequest(
                prompt: text, negativePrompt: state.negativePrompt.text, model: state.model, seed: seed,
                steps: state.steps, width: preset.width, height: preset.height, guidance: state.guidance,
                layoutID: state.selectedLayout?.id, layout: state.selectedLayout, controlStrength: state.selectedLayout == nil ? nil : state.controlStrength,
                controlOutside: state.selectedLayout == nil ? nil : state.controlOutside,
                stylePath: state.selectedStyle?.path, styleStrength: state.selectedStyle == nil ? nil : state.styleStrength,
                anomalyType: state.selectedLayout?.anomalyType ?? state.selectedAnomaly?.id, output: output))
        }
        return requests
    }

    /// Records that the engine took a job (the runner calls this with the id `submit` returned).
    public mutating func submitted(_ request: JobRequest, id: String) {
        state.jobs.append(JobEntry(id: id, request: request))
        state.status = "Submitted \(id) (seed \(request.seed))."
    }

    public mutating func submitFailed(_ message: String) {
        state.status = "Could not submit: \(message)"
    }

    static func timestamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: date)
    }
}
