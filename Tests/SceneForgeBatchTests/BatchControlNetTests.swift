import Foundation
import SceneForgeBatch
import SceneForgeImaging
import Testing

/// ControlNet in batches: the layout's control image through the engine and in process, against
/// `sceneforge generate` with the same layout as the reference.
@Suite(.serialized)
struct BatchControlNetTests {
    static var scenario: URL { Support.fixture("good/control.toml") }
    static var controlNet: String { Support.testsFolder.appendingPathComponent("Fixtures/zimage_control/controlnet_v1").path }
    static var pipeline: String { Support.testsFolder.appendingPathComponent("Fixtures/zimage/pipeline").path }

    @Test func theEngineAndInProcessRunsWriteTheSameFilesAsGenerate() throws {
        let engine = try Support.temporaryFolder("control-engine"), inProcess = try Support.temporaryFolder("control-in-process")
        try Support.run(["batch", Self.scenario.path, "--controlnet", Self.controlNet, "--output", engine.path, "--quiet"],
                        in: engine.deletingLastPathComponent())
        try Support.run(["batch", Self.scenario.path, "--controlnet", Self.controlNet, "--in-process", "--output", inProcess.path,
                         "--quiet"], in: inProcess.deletingLastPathComponent())
        let got = try Support.files(in: engine.appendingPathComponent("images"))
        #expect(got.count == 2)
        #expect(got == (try Support.files(in: inProcess.appendingPathComponent("images"))))
        #expect(try Support.files(in: engine, excluding: ["catalog.sqlite"]).filter { $0.key.hasSuffix(".jsonl") }
            == (try Support.files(in: inProcess, excluding: ["catalog.sqlite"])).filter { $0.key.hasSuffix(".jsonl") })

        for (name, bytes) in got {
            let image = try PNGFile.read([UInt8](bytes))
            let record = try #require(try PNGFile.metadata([UInt8](bytes)).record, "\(name)")
            #expect(record.controlLayout == "centre_modal" && record.controlStrength == 0.8)
            #expect(record.extra["controlnet"] == Self.controlNet && record.extra["controlnetVersion"] != nil)
            // The reference: one `generate` run with the same layout as its control.
            let reference = engine.appendingPathComponent("reference-\(record.seed).png")
            try Support.run(["generate", "--model", Self.pipeline, "--prompt", record.prompt, "--negative-prompt", record.negativePrompt,
                             "--width", "96", "--height", "64", "--steps", "4", "--seed", "\(record.seed)",
                             "--controlnet", Self.controlNet, "--control", "centre_modal", "--control-scale", "0.8",
                             "-o", reference.path, "--quiet"], in: engine)
            let expected = try PNGFile.read(contentsOf: reference)
            let difference = zip(image.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
            #expect(difference <= 2, "\(name): \(difference)")
        }
    }

    @Test func withoutAControlNetTheBatchIsRefusedNamingTheFlag() throws {
        let folder = try Support.temporaryFolder("control-refused")
        let error = #expect(throws: SupportError.self) {
            try Support.run(["batch", Self.scenario.path, "--output", folder.path, "--quiet"], in: folder.deletingLastPathComponent())
        }
        #expect(error?.description.contains("asks for control_scale 0.8") == true)
        #expect(error?.description.contains("--controlnet") == true)
    }

    /// A model folder with its own `controlnet/` (as `sceneforge train` exports one): the tiny pipeline plus the
    /// v1 fixture ControlNet.
    static func modelWithOwnControlNet(in folder: URL) throws -> URL {
        let model = folder.appendingPathComponent("own-model")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: pipeline), to: model)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: controlNet), to: model.appendingPathComponent("controlnet"))
        return model
    }

    @Test func aControlWithoutAControlNetUsesTheModelsOwnInGenerateTheEngineAndBatches() throws {
        let folder = try Support.temporaryFolder("own-controlnet")
        let model = try Self.modelWithOwnControlNet(in: folder)
        let common = ["--prompt", "a coupon popup", "--width", "96", "--height", "64", "--steps", "4", "--seed", "1",
                      "--control", "centre_modal", "--control-scale", "0.8", "--quiet"]
        let own = folder.appendingPathComponent("own.png"), named = folder.appendingPathComponent("named.png")
        try Support.run(["generate", "--model", model.path, "-o", own.path] + common, in: folder)
        try Support.run(["generate", "--model", Self.pipeline, "--controlnet", Self.controlNet, "-o", named.path] + common, in: folder)
        let ownImage = try PNGFile.read(contentsOf: own)
        #expect(ownImage.pixels == (try PNGFile.read(contentsOf: named)).pixels)
        let record = try #require(try PNGFile.metadata(contentsOf: own).record)
        #expect(record.extra["controlnet"] == model.appendingPathComponent("controlnet").path)

        // A model without one refuses a control with no ControlNet, naming both ways out.
        let error = #expect(throws: SupportError.self) {
            try Support.run(["generate", "--model", Self.pipeline, "-o", folder.appendingPathComponent("x.png").path] + common, in: folder)
        }
        #expect(error?.description.contains("needs a ControlNet") == true)
        #expect(error?.description.contains("has none") == true)

        // A batch (through the engine) with control_scale and no --controlnet runs on the model's own ControlNet.
        let scenario = folder.appendingPathComponent("own.toml")
        try """
            name = "own"
            [defaults]
            model = "\(model.path)"
            width = 96
            height = 64
            steps = 4
            [[scenes]]
            name = "coupon"
            layout = "centre_modal"
            prompt = "a coupon popup"
            control_scale = 0.8
            seeds = [1]
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("batch")
        try Support.run(["batch", scenario.path, "--output", output.path, "--quiet"], in: folder)
        let images = try Support.files(in: output.appendingPathComponent("images"))
        #expect(images.count == 1)
        for (name, bytes) in images {
            let batchRecord = try #require(try PNGFile.metadata([UInt8](bytes)).record, "\(name)")
            #expect(batchRecord.extra["controlnet"] == model.appendingPathComponent("controlnet").path)
        }
    }
}
