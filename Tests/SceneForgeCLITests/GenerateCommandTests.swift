import Foundation
import SafeTensors
import SceneForgeImaging
import SceneForgeTorch
import Testing

/// `sceneforge generate` end to end on the tiny Z-Image folder, against diffusers' own output.
struct GenerateCommandTests {
    let model = CommandRunner.fixtures.appendingPathComponent("zimage/pipeline").path
    let outputs = CommandRunner.fixtures.appendingPathComponent("zimage/pipeline_outputs")
    let prompt = "A food delivery app page with a coupon popup over the order button"

    /// The first sample of diffusers' initial latents, as a `--noise` file.
    func noiseFile(in folder: URL) throws -> URL {
        let file = try SafeTensorsFile(url: outputs.appendingPathComponent("outputs.safetensors"))
        let first = try Tensor.load("latents", from: file).narrow(dim: 0, start: 0, length: 1).contiguous()
        var writer = SafeTensorsWriter()
        try writer.add(name: "latents", tensor: first)
        let url = folder.appendingPathComponent("noise.safetensors")
        try writer.write(to: url)
        return url
    }

    @Test func matchesDiffusersAndSavesLatents() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out.png"), latents = folder.appendingPathComponent("final.safetensors")
        let result = try CommandRunner.run(["generate", "--model", model, "--prompt", prompt, "--width", "96", "--height", "64",
                                            "--steps", "4", "--guidance", "0", "--noise", try noiseFile(in: folder).path,
                                            "--save-latents", latents.path, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("step 4/4"))

        let ours = try PNGFile.read(contentsOf: out)
        let theirs = try PNGFile.read(contentsOf: outputs.appendingPathComponent("turbo_cfg0.0.png"))
        let worst = zip(ours.pixels, theirs.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(ours.width == 96 && ours.height == 64)
        #expect(worst <= 2, "a pixel differs from diffusers by \(worst)/255")

        let saved = try Tensor.load("latents", from: SafeTensorsFile(url: latents)).floats()
        let reference = try Tensor.load("turbo_cfg0.final_latents", from: SafeTensorsFile(url: outputs.appendingPathComponent("outputs.safetensors")))
            .narrow(dim: 0, start: 0, length: 1).floats()
        let scale = reference.map(abs).max() ?? 1
        #expect((zip(saved, reference).map { abs($0 - $1) }.max() ?? 1) / scale <= 1e-4)

        let record = try #require(try PNGFile.metadata(contentsOf: out).record)
        #expect(record.prompt == prompt)
        #expect(record.steps == 4 && record.width == 96 && record.height == 64)
    }

    @Test func fromImageRegeneratesTheSameImage() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.png"), second = folder.appendingPathComponent("b.png")
        let a = try CommandRunner.run(["generate", "--model", model, "--prompt", "支付失败 余额不足 弹窗", "--width", "32", "--height", "64",
                                       "--steps", "3", "--seed", "1234", "--quiet", "--out", first.path])
        #expect(a.status == 0, "\(a.stderr)")
        let b = try CommandRunner.run(["generate", "--from", first.path, "--quiet", "--out", second.path])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(try PNGFile.read(contentsOf: first) == PNGFile.read(contentsOf: second))
        let record = try #require(try PNGFile.metadata(contentsOf: second).record)
        #expect(record.prompt == "支付失败 余额不足 弹窗" && record.seed == 1234)
    }

    /// Without --model and a size, the embedded model draws its own phone-portrait size, in seconds on a CPU.
    @Test func theDefaultModelDrawsItsOwnSizeWhenNoneIsGiven() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let embedded = CommandRunner.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models/default")
        let out = folder.appendingPathComponent("own.png")
        let result = try CommandRunner.run(["generate", "--prompt", "Toast in the lower third.", "--steps", "2", "--quiet", "--out", out.path],
                                           environment: ["SCENEFORGE_MODEL": embedded.path])
        #expect(result.status == 0, "\(result.stderr)")
        let image = try PNGFile.read(contentsOf: out)
        #expect(image.width == 128 && image.height == 256)
    }

    @Test func badInputExitsWithOneClearLine() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("x.png").path
        let cases: [([String], String)] = [
            (["generate", "--model", folder.path, "--prompt", "x", "--out", out], "model_index.json"),
            (["generate", "--model", model, "--prompt", "x", "--width", "30", "--height", "32", "--out", out], "multiples of 16"),
            (["generate", "--model", model, "--prompt", "x", "--dtype", "int8", "--out", out], "--dtype"),
            (["generate", "--model", model, "--prompt", "x", "--device", "tpu", "--out", out], "--device"),
            (["generate", "--prompt", "x", "--out", out], "--model"),
            (["generate", "--model", model, "--prompt", "x", "--noise", folder.appendingPathComponent("none.safetensors").path, "--out", out], "none.safetensors"),
        ]
        for (arguments, expected) in cases {
            // No default model either, so a run without --model has nothing to fall back on.
            let result = try CommandRunner.run(arguments, environment: ["SCENEFORGE_MODEL": "none"])
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func doctorReportsTheRuntime() throws {
        let result = try CommandRunner.run(["doctor"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("libtorch:"))
        #expect(result.stdout.contains("BLAS in use:"))
        let missing = try CommandRunner.run(["doctor"], environment: ["SCENEFORGE_TORCH_SHIM": "/nonexistent/libsceneforge_torch.so"])
        // An explicit path that does not exist is skipped; the search goes on to the build folder.
        #expect(missing.status == 0)
    }

    @Test func withoutTheShimItSaysWhatIsMissing() throws {
        // A copy of the binary in a folder with no shim anywhere near it, as on a machine without libtorch.
        let folder = try CommandRunner.temporaryFolder().appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }
        let copy = folder.appendingPathComponent("sceneforge")
        try FileManager.default.copyItem(at: CommandRunner.binary, to: copy)
        let process = Process()
        process.executableURL = copy
        process.arguments = ["doctor"]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SCENEFORGE_TORCH_SHIM")
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(text.contains("libtorch shim: MISSING"))
        #expect(text.contains("scripts/dev shim"))
        #expect(text.contains(folder.appendingPathComponent("libsceneforge_torch.so").path))
    }
}
