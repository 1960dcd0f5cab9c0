import Foundation
import SceneForgeImaging
import SceneForgeScenes

/// Everything the workbench shows. Keys and engine updates change it (`Workbench`); views only read it.
public struct AppState: Sendable {
    public enum ComposeField: Int, CaseIterable, Sendable { case prompt, negative, anomaly }
    public enum ParameterField: Int, CaseIterable, Sendable { case model, seed, steps, size, guidance, batch }
    public enum Overlay: Equatable, Sendable {
        case help
        case confirmQuit
        case confirmDelete(String)
        case message(String)
    }

    public var size: (width: Int, height: Int) = (80, 24)
    public var tab: Tab = .compose
    public var overlay: Overlay?
    public var helpScroll = 0
    public var status: String = ""
    public var shouldQuit = false

    // Compose.
    public var prompt = TextEditor()
    public var negativePrompt = TextEditor()
    public var composeField: ComposeField = .prompt
    public var anomalyIndex = 0

    // Layout.
    public var layoutIndex = 0
    /// The selected layout with the user's nudges; nil until nudged.
    public var editedLayout: Layout?
    public var nudging = false
    public var controlStrength = 0.8
    /// The share of the control strength kept outside the layout's anomaly region (1: control everywhere;
    /// `ImageConditioning.controlRegion`).
    public var controlOutside = 1.0

    // Style: index 0 is "none".
    public var styleFiles: [URL] = []
    public var styleIndex = 0
    public var styleStrength = 0.6
    public var hasImageAdapter = false

    // Parameters.
    public var parameterField: ParameterField = .model
    public var model: String = ""
    /// Typing into the model or seed field.
    public var fieldEditor: TextEditor?
    public var seed: UInt64 = 42
    public var randomSeed = true
    public var seedLocked = false
    public var steps = 8
    public var sizeIndex = 0
    public var guidance = 0.0
    public var batchCount = 1

    // Run.
    public var jobs: [JobEntry] = []
    public var selectedJob = 0
    public var memory = MemoryHistory()
    public var engineDescription = "engine not started"
    /// Frames drawn and previews received, shown in the tab bar when set (SCENEFORGE_WORKBENCH_COUNTERS=1),
    /// for measuring the frame rate from outside (docs/workbench.md).
    public var counters: DebugCounters?
    /// The loaded model as the engine describes it; nil until one is loaded.
    public var modelDescription: String?

    // Gallery.
    public var galleryFiles: [URL] = []
    public var galleryIndex = 0
    public var galleryColumns = 4
    public var openImage = false
    public var showRecord = false
    /// Records read from result PNGs, by path (filled by the runner when a result is opened).
    public var galleryRecords: [String: GenerationRecord] = [:]
    /// Records the engine sent with `done` this session (pretty JSON lines), by output path: shown for
    /// results whose file carries none (the engine's PPM output).
    public var sessionRecords: [String: [String]] = [:]
    /// The opened result's full record as lines, or why there is none.
    public var recordText: [String] = []

    public let catalog: SceneCatalog
    public var outputDirectory: URL
    public var stylesDirectory: URL
    public var userLayoutsDirectory: URL

    public init(catalog: SceneCatalog, outputDirectory: URL, stylesDirectory: URL, userLayoutsDirectory: URL) {
        self.catalog = catalog
        self.outputDirectory = outputDirectory
        self.stylesDirectory = stylesDirectory
        self.userLayoutsDirectory = userLayoutsDirectory
    }

    public var selectedLayout: Layout? {
        if let editedLayout { return editedLayout }
        return catalog.layouts.indices.contains(layoutIndex) ? catalog.layouts[layoutIndex] : nil
    }

    public var selectedAnomaly: AnomalyType? {
        catalog.anomalyTypes.indices.contains(anomalyIndex) ? catalog.anomalyTypes[anomalyIndex] : nil
    }

    /// nil when "none" is chosen (or the engine cannot use a style).
    public var selectedStyle: URL? {
        guard hasImageAdapter, styleIndex > 0, styleFiles.indices.contains(styleIndex - 1) else { return nil }
        return styleFiles[styleIndex - 1]
    }

    public var sizePreset: SizePreset { SizePreset.all[min(max(sizeIndex, 0), SizePreset.all.count - 1)] }

    public var runningJob: JobEntry? { jobs.first { $0.status == .running } }
    /// The selected job when it failed: the Run tab shows why while nothing runs.
    public var shownFailure: JobEntry? {
        guard jobs.indices.contains(selectedJob), case .failed = jobs[selectedJob].status else { return nil }
        return jobs[selectedJob]
    }
    public var unfinishedJobs: [JobEntry] { jobs.filter { !$0.status.isFinished } }
}

public struct DebugCounters: Equatable, Sendable {
    public var frames = 0
    public var previews = 0
    public init() {}
}
