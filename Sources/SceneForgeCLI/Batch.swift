import ArgumentParser
import Foundation
import SceneForgeBatch
import SceneForgeEngine
import SceneForgeModels
import SceneForgeScenes
import SceneForgeTorch

/// `sceneforge batch FILE`: expands a scenario file into jobs and makes them, resumably.
struct Batch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate every (scene, seed) job of a scenario file into an output folder (resumable, shardable).",
        discussion: """
            Writes images/*.png (each carrying its full record), a SQLite catalog and a JSON-lines annotations file.
            Killed and restarted, it finishes what is missing and nothing twice. With --shard i/n it runs only jobs
            whose index mod n is i, so n nodes cover a batch with no coordinator (docs/scale-out.md).
            Set SOURCE_DATE_EPOCH to fix every record's createdAt (reproducible files).
            Jobs run on a `sceneforge engine` child process (--engine-command to run it elsewhere, e.g. over ssh);
            --in-process runs them in this process instead (debugging, profiling).
            """)

    @Argument(help: "The scenario file (TOML).") var file: String
    @Option(name: .shortAndLong, help: "Output folder (default: the batch name).") var output: String?
    @Option(help: "Run shard i of n (0-based), e.g. 3/8.") var shard: String?
    @Option(name: .customLong("scene-dir"), help: "Extra scene data folder (anomalies.toml, layouts/); repeatable.") var sceneDirs: [String] = []
    @Flag(name: .customLong("dry-run"), help: "List the jobs (id, scene, seed, size, file) and stop.") var dryRun = false
    @Option(help: "Compute dtype: float32, bfloat16 or float16.") var dtype = "float32"
    @Option(help: "Device: cpu, cuda or cuda:N.") var device = "cpu"
    @Option(help: "A Z-Image ControlNet (folder or .safetensors) for scenes with control_scale > 0; their control image is the layout.")
    var controlnet: String?
    @Flag(name: .customLong("in-process"), help: "Run the model in this process instead of a child engine.") var inProcess = false
    @Option(name: .customLong("engine-command"), help: "The engine command line (default: this executable's `engine`), e.g. \"ssh gpu sceneforge engine\".")
    var engineCommand: String?
    @Flag(help: "No progress on stderr.") var quiet = false

    func run() async throws {
        do {
            try runBatch()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("sceneforge batch: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func runBatch() throws {
        var sources = SceneSources.standard()
        sources.userDirectories += sceneDirs.map { URL(fileURLWithPath: $0, isDirectory: true) }
        let catalog = try SceneCatalog.load(sources)
        let scenario = try ScenarioLoader(catalog: catalog, defaultModel: try? DefaultModel.locate().path)
            .load(url: URL(fileURLWithPath: file), displayName: file)
        let jobs = try JobExpansion.jobs(for: scenario)
        let shard = try shard.map(Shard.init(parsing:)) ?? .whole

        if dryRun {
            for job in jobs where shard.contains(job) {
                print("\(job.id)  \(job.scene)  seed \(job.seed)  \(job.width)x\(job.height)  \(job.fileName)")
            }
            return
        }
        guard let computeType = DType(name: dtype), computeType.isFloatingPoint else {
            throw ValidationError("--dtype must be float32, bfloat16 or float16 (got \(dtype))")
        }
        guard let target = Device(name: device), target != .meta else {
            throw ValidationError("--device must be cpu, cuda or cuda:N (got \(device))")
        }
        let folder = OutputFolder(root: URL(fileURLWithPath: output ?? scenario.name, isDirectory: true), shard: shard)
        let controlNet = controlnet.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let generator: BatchImageGenerator
        let engine: EngineBatchGenerator?
        if inProcess {
            engine = nil
            generator = InProcessZImageGenerator(dtype: computeType, device: target, controlNet: controlNet)
        } else {
            let command = engineCommand.map { $0.split(separator: " ").map(String.init) } ?? EngineClient.Configuration.defaultCommand()
            let child = EngineBatchGenerator(command: command, dtype: "\(computeType)", device: "\(target)", controlNet: controlNet)
            (engine, generator) = (child, child)
        }
        defer { engine?.close() }
        let runner = BatchRunner(batchName: scenario.name, jobs: jobs, output: folder, generator: generator)
        runner.fixedCreatedAt = try Self.sourceDateEpoch()
        var display = BatchProgressDisplay(quiet: quiet)
        let summary = try runner.run { display.handle($0) }
        if !quiet {
            FileHandle.standardError.write(Data("\(summary.generated) made, \(summary.skipped) already done -> \(folder.root.path)\n".utf8))
        }
    }

    /// The reproducible-builds convention: seconds since 1970, for every record's createdAt.
    static func sourceDateEpoch(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Date? {
        guard let text = environment["SOURCE_DATE_EPOCH"], !text.isEmpty else { return nil }
        guard let seconds = Int64(text), seconds >= 0 else {
            throw ValidationError("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (got '\(text)')")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

/// Draws batch events on stderr: a bar redrawn in place on a terminal, one line per image otherwise.
struct BatchProgressDisplay {
    let quiet: Bool
    let isTerminal = isatty(STDERR_FILENO) == 1
    var total = 0
    var done = 0
    var made = 0
    var start = Date()
    let line = ProgressLine()

    mutating func handle(_ event: BatchEvent) {
        guard !quiet else { return }
        switch event {
        case .started(let total, let alreadyDone, let strays):
            (self.total, done, start) = (total, alreadyDone, Date())
            var note = "\(total) jobs, \(alreadyDone) already done"
            if strays > 0 { note += ", removed \(strays) unfinished temporary files" }
            write(note + "\n")
        case .jobStarted(let job):
            if isTerminal { draw("\(job.scene) seed \(job.seed)") }
        case .step(let job, let progress):
            if isTerminal { draw("\(job.scene) seed \(job.seed)  step \(progress.step)/\(progress.totalSteps)") }
        case .jobFinished(let job, _):
            done += 1
            made += 1
            if isTerminal { draw("\(job.scene) seed \(job.seed)") } else { write(render("\(job.fileName)") + "\n") }
        case .finished:
            if isTerminal { write("\n") }
        }
    }

    private func render(_ current: String) -> String {
        line.render(done: done, total: total, madeThisRun: made, elapsed: Date().timeIntervalSince(start), current: current)
    }

    private func draw(_ current: String) { write("\r\u{1B}[2K" + render(current)) }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
