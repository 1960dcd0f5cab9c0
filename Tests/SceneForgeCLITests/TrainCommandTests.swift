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

        let image = folder.appendingPathComponent("out.png").path
        let generated = try CommandRunner.run(["generate", "--model", run + "/model", "--prompt", "a dark toast", "--width", "32",
                                               "--height", "64", "--quiet", "--out", image])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(FileManager.default.fileExists(atPath: image))
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
