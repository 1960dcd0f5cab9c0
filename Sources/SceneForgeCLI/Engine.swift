import ArgumentParser
import Foundation
import SceneForgeEngine

/// `sceneforge engine`: the background engine. JSON lines on stdin (requests) and stdout (events),
/// logs on stderr; the protocol is docs/protocol.md.
struct Engine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the generation engine: JSON-lines requests on stdin, events on stdout (docs/protocol.md).")

    @Option(help: """
        The model a job without `model` uses: a Z-Image folder, or scheduled-noise (the model-free test generator). \
        Default: $SCENEFORGE_MODEL, else the embedded model (models/default), else none.
        """)
    var model: String?

    @Option(help: "Folder for images of jobs that name no output path, and for full-decode previews.")
    var outputDir = FileManager.default.currentDirectoryPath

    @Option(help: "Unsolicited memory events per second (0: only at each step).")
    var memoryHz = 2.0

    @Option(name: .customLong("event-interval-ms"),
            help: "Shortest time between two writes of events, in milliseconds; events in between go out together (0: each at once).")
    var eventIntervalMilliseconds = 1000.0 / 60

    func validate() throws {
        guard memoryHz.isFinite, memoryHz >= 0, memoryHz <= 100 else {
            throw ValidationError("--memory-hz must be in 0...100 (got \(memoryHz))")
        }
        guard eventIntervalMilliseconds.isFinite, eventIntervalMilliseconds >= 0, eventIntervalMilliseconds <= 1000 else {
            throw ValidationError("--event-interval-ms must be in 0...1000 (got \(eventIntervalMilliseconds))")
        }
    }

    func run() throws {
        // A client that goes away must not kill the engine mid-write; writes then fail and the engine stops.
        signal(SIGPIPE, SIG_IGN)
        let configuration = EngineConfiguration(
            loader: ZImageGeneratorLoader(defaultModel: ZImageGeneratorLoader.configuredDefault(flag: model)),
            outputDirectory: URL(fileURLWithPath: outputDir).standardizedFileURL.path,
            memoryInterval: memoryHz > 0 ? 1 / memoryHz : 0, eventInterval: eventIntervalMilliseconds / 1000)
        EngineServer(configuration: configuration).run()
    }
}
