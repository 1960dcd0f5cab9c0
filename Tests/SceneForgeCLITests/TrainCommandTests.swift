import Foundation
import Testing

/// `sceneforge train` end to end: a tiny run cut by --max-steps, continued with --resume, exported, and
/// the export used by `sceneforge generate`; a bad configuration fails with the field named.
struct TrainCommandTests {
    static let tinyConfig = """
        batch_size = 2
        sample_interval = 4
        [vae]
        steps = 4
        block_out_channels = [8, 8, 8, 8]
        norm_num_groups = 4
        [text_encoder]
        hidden_size = 16
        heads = 2
        kv_heads = 1
        head_dim = 8
        intermediate_size = 32
        [transformer]
        steps = 4
        dim = 64
        layers = 1
        heads = 4
        axes_dims = [4, 6, 6]
        [data]
        width = 32
        height = 64
        samples = 4
        """

    @Test func trainsResumesExportsAndGenerates() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("train.toml")
        try Self.tinyConfig.write(to: config, atomically: true, encoding: .utf8)
        let run = folder.appendingPathComponent("run").path

        let snapshot = folder.appendingPathComponent("snapshot").path
        let first = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--max-steps", "5", "--quiet",
                                           "--export", snapshot])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("stopped at transformer step 1"))
        #expect(first.stdout.contains("exported a snapshot to \(snapshot)"), "\(first.stdout)")
        let fromSnapshot = try CommandRunner.run(["generate", "--model", snapshot, "--prompt", "a toast", "--width", "32",
                                                  "--height", "64", "--quiet", "--out", folder.appendingPathComponent("snap.png").path])
        #expect(fromSnapshot.status == 0, "\(fromSnapshot.stderr)")
        let second = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--resume", "--quiet",
                                            "--thumbnail-width", "0"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("exported"))
        #expect(FileManager.default.fileExists(atPath: run + "/samples/transformer-step-000004.png"))
        // The loss log has each step once across the stop and the resume, with a finite loss.
        let log = try String(contentsOfFile: run + "/loss.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        #expect(log.first?.joined(separator: ",") == "stage,step,loss,samples_per_second,unix_time")
        #expect(log.dropFirst().map { "\($0[0]) \($0[1])" } == (1...4).map { "vae \($0)" } + (1...4).map { "transformer \($0)" })
        #expect(log.dropFirst().allSatisfy { Double($0[2]).map(\.isFinite) == true })

        let image = folder.appendingPathComponent("out.png").path
        let generated = try CommandRunner.run(["generate", "--model", run + "/model", "--prompt", "a dark toast", "--width", "32",
                                               "--height", "64", "--quiet", "--out", image])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(FileManager.default.fileExists(atPath: image))
    }

    /// Piped (as a CI log or `nohup ... > log` is), the progress is plain lines, each stage's last step among them,
    /// with no carriage returns or terminal escapes.
    @Test func progressOffATerminalIsPlainLines() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("train.toml")
        try Self.tinyConfig.replacingOccurrences(of: "sample_interval = 4", with: "sample_interval = 0")
            .write(to: config, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["train", "--config", config.path, "--output", folder.appendingPathComponent("run").path,
                                            "--thumbnail-width", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}"), "\(result.stderr.debugDescription)")
        let lines = result.stderr.split(separator: "\n")
        for stage in ["vae", "transformer"] {
            #expect(lines.contains { $0.hasPrefix(stage + " ") && $0.contains(" 4/4 ") && $0.contains("samples/s") }, "\(result.stderr)")
        }
    }

    /// The tiny run made long: it is still training when the test stops it.
    static let longConfig = tinyConfig.replacingOccurrences(of: "[transformer]\nsteps = 4", with: "[transformer]\nsteps = 1000000")
        .replacingOccurrences(of: "sample_interval = 4", with: "sample_interval = 0\ncheckpoint_interval = 0")

    /// Ctrl-C (SIGINT) or SIGTERM mid-run: the run stops before its next step, writes its checkpoint there (the
    /// config checkpoints never by itself), and exits as the signal would (128 + N) without being killed by it;
    /// resumed, it goes on from that step.
    @Test(arguments: [SIGINT, SIGTERM]) func aSignalStopsTheRunWithACheckpoint(signal: Int32) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("long.toml")
        try Self.longConfig.write(to: config, atomically: true, encoding: .utf8)
        let run = folder.appendingPathComponent("run").path
        let (stdoutURL, stderrURL) = (folder.appendingPathComponent("out.txt"), folder.appendingPathComponent("err.txt"))
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = ["train", "--config", config.path, "--output", run, "--thumbnail-width", "0"]
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        // Under way once the progress bar shows transformer steps.
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline, process.isRunning,
              !(String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)).contains("transformer ") {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(process.isRunning)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let stdout = String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self)
        #expect(process.terminationReason == .exit, "killed by the signal instead of stopping: \(stderr)")
        #expect(process.terminationStatus == 128 + signal)
        #expect(stderr.contains("stopping before the next step to write a checkpoint"))
        let step = try #require(stdout.firstMatch(of: #/stopped at transformer step (\d+) \(interrupted\)/#).flatMap { Int($0.1) },
                                "\(stdout)")
        #expect(step > 0)

        let resumed = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--resume", "--max-steps", "1", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("stopped at transformer step \(step + 1) (step limit)"), "\(resumed.stdout)")
    }

    /// --max-time: a budget for the whole command; the run stops inside it with a checkpoint (exit 0, as --max-steps).
    @Test func aTimeBudgetStopsTheRunWithACheckpoint() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("long.toml")
        try Self.longConfig.write(to: config, atomically: true, encoding: .utf8)
        let run = folder.appendingPathComponent("run").path
        let started = Date()
        let result = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--max-time", "3s", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("(time limit)"), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: run + "/checkpoints/latest.safetensors"))
        // A million steps would take hours: stopping within a minute shows the budget, not the end, stopped it.
        #expect(Date().timeIntervalSince(started) < 60)
        // Seconds alone or with units, summed: each is a budget long enough that --max-steps 1 stops the run first.
        for good in ["90", "10m", "1h30m", "1.5h"] {
            let accepted = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--resume", "--max-steps", "1",
                                                  "--max-time", good, "--quiet"])
            #expect(accepted.status == 0, "--max-time \(good): \(accepted.stderr)")
            #expect(accepted.stdout.contains("(step limit)"), "--max-time \(good): \(accepted.stdout)")
        }
        for bad in ["0", "1x", "m", "-5"] {
            let refused = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--max-time", bad])
            #expect(refused.status == 64, "--max-time \(bad): \(refused.stderr)")
            #expect(refused.stderr.contains("--max-time"))
        }
    }

    /// The base stages and the style adapter in one config: --max-steps counts the invocation's steps across both,
    /// and the loss log holds every stage's steps once over the stops and resumes.
    @Test func baseAndAdapterShareTheStepBudgetAndTheLog() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("adapter.toml")
        let text = Self.tinyConfig.replacingOccurrences(of: "[data]", with: "[style_adapter]\nsteps = 3\nencoder_channels = [8, 16]\ngrid = [2, 2]\n[data]")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let run = folder.appendingPathComponent("run").path
        let first = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--max-steps", "9", "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("stopped at style_adapter step 1 (step limit)"), "\(first.stdout)")
        let second = try CommandRunner.run(["train", "--config", config.path, "--output", run, "--resume", "--quiet"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("style_adapter (EMA weights"), "\(second.stdout)")
        let log = try String(contentsOfFile: run + "/loss.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(log.map { $0.split(separator: ",").prefix(2).joined(separator: " ") }
                == (1...4).map { "vae \($0)" } + (1...4).map { "transformer \($0)" } + (1...3).map { "style_adapter \($0)" })
    }

    @Test func badConfigNamesTheField() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("bad.toml")
        try "[transformer]\nheads = 0\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["train", "--config", config.path, "--output", folder.appendingPathComponent("run").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.toml: field 'transformer.heads'"), "\(result.stderr)")
        let resume = try CommandRunner.run(["train", "--output", folder.appendingPathComponent("none").path, "--resume"])
        #expect(resume.status != 0)
        #expect(resume.stderr.contains("no checkpoint"), "\(resume.stderr)")
        let workers = try CommandRunner.run(["train", "--output", folder.appendingPathComponent("run").path, "--workers", "0"])
        #expect(workers.status == 1)
        #expect(workers.stderr.contains("--workers: field 'workers' must be positive (got 0)"), "\(workers.stderr)")
    }
}
