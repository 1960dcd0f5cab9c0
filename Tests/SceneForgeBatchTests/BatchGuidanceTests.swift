import Foundation
import SceneForgeBatch
import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth
import Testing

/// A scene's guidance options (`style_guidance`, `cfg_truncation`, `cfg_normalization`, `control_on_negative`,
/// `control_region`, `control_outside`) on the
/// embedded model, which has a layout ControlNet and a style adapter of its own: they reach the engine and the
/// record, `generate --from` replays them, the style reference resolves against the scenario's folder, and options
/// without what they act on are refused at the scene's line.
@Suite(.serialized)
struct BatchGuidanceTests {
    static var model: String { Support.testsFolder.deletingLastPathComponent().appendingPathComponent("models/default").path }

    static func writeScenario(in folder: URL, scenes: String) throws -> URL {
        let text = """
            name = "guided"
            [defaults]
            model = "\(model)"
            width = 64
            height = 128
            steps = 4
            style = "refs/red.png"

            \(scenes)
            """
        let url = folder.appendingPathComponent("scenario/guided.toml")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A red app's screen as the style reference, in `scenario/refs/`.
    static func writeReference(in folder: URL) throws {
        let refs = folder.appendingPathComponent("scenario/refs")
        try FileManager.default.createDirectory(at: refs, withIntermediateDirectories: true)
        let layout = try #require(SceneCatalog.builtIn().layout(id: "toast"))
        let screen = try ScreenRenderer(style: AppStyle.named("shop-red")).render(layout, seed: 900, width: 64, height: 128)
        try PNGFile.write(screen, record: nil, to: refs.appendingPathComponent("red.png"))
    }

    @Test func theOptionsReachTheRecordAndGenerateFromReplaysThem() throws {
        let folder = try Support.temporaryFolder("batch-guidance")
        try Self.writeReference(in: folder)
        let scenario = try Self.writeScenario(in: folder, scenes: """
            [[scenes]]
            name = "shaped"
            layout = "centre_modal"
            app = "JD store page"
            seeds = [1]
            guidance = 2
            control_scale = 0.75
            cfg_truncation = 0.5
            cfg_normalization = 1
            control_on_negative = false
            style_guidance = 3

            [[scenes]]
            name = "unshaped"
            layout = "centre_modal"
            app = "JD store page"
            seeds = [1]
            guidance = 2
            control_scale = 0.75

            [[scenes]]
            name = "regional"
            layout = "toast"
            app = "JD store page"
            seeds = [1]
            control_scale = 0.75
            control_region = "from-layout"
            control_outside = 0.3

            [[scenes]]
            name = "everywhere"
            layout = "toast"
            app = "JD store page"
            seeds = [1]
            control_scale = 0.75
            """)
        // Run from the folder above the scenario's: the style reference resolves against the scenario's own folder.
        let output = folder.appendingPathComponent("out")
        try Support.run(["batch", scenario.path, "--output", output.path, "--quiet"], in: folder)
        let images = try Support.files(in: output.appendingPathComponent("images"))
        let inProcess = folder.appendingPathComponent("in-process")
        try Support.run(["batch", scenario.path, "--in-process", "--output", inProcess.path, "--quiet"], in: folder)
        #expect(try Support.files(in: inProcess.appendingPathComponent("images")) == images)

        func record(_ scene: String) throws -> (String, GenerationRecord, RGBAImage) {
            let (name, bytes) = try #require(images.first { $0.key.hasPrefix("\(scene)-") }, "\(images.keys)")
            return (name, try #require(try PNGFile.metadata([UInt8](bytes)).record), try PNGFile.read([UInt8](bytes)))
        }
        let (shapedName, shaped, shapedImage) = try record("shaped")
        let (_, unshaped, unshapedImage) = try record("unshaped")
        let reference = folder.appendingPathComponent("scenario/refs/red.png").path
        #expect(shaped.styleReference == "refs/red.png" && shaped.extra["style"] == reference)
        #expect(shaped.extra["styleGuidance"] == "3.0" && shaped.extra["cfgTruncation"] == "0.5")
        #expect(shaped.extra["cfgNormalization"] == "1.0" && shaped.extra["controlOnNegative"] == "false")
        // Without options: the adapter's own style guidance, diffusers' guidance, control on both branches.
        let adapterConfig = try Data(contentsOf: URL(fileURLWithPath: Self.model).appendingPathComponent("style_adapter/config.json"))
        let ownGuidance = try #require((try JSONSerialization.jsonObject(with: adapterConfig) as? [String: Any])?["guidance"] as? Double)
        #expect(unshaped.extra["styleGuidance"] == "\(ownGuidance)")
        #expect(["cfgTruncation", "cfgNormalization", "controlOnNegative"].allSatisfy { unshaped.extra[$0] == nil })
        #expect(shapedImage != unshapedImage, "the options changed nothing")
        // The layout's control within its anomaly region, and 0.3 of it elsewhere.
        let (regionalName, regional, regionalImage) = try record("regional")
        let (_, everywhere, everywhereImage) = try record("everywhere")
        #expect(regional.extra["controlRegion"] == "from-layout" && regional.extra["controlOutside"] == "0.3")
        #expect(everywhere.extra["controlRegion"] == nil && regionalImage != everywhereImage)
        let regionalReplay = folder.appendingPathComponent("regional-replay.png")
        try Support.run(["generate", "--from", output.appendingPathComponent("images/\(regionalName)").path, "-o", regionalReplay.path,
                         "--quiet"], in: folder)
        #expect((zip(try PNGFile.read(contentsOf: regionalReplay).pixels, regionalImage.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255) <= 2)

        let replay = folder.appendingPathComponent("replay.png")
        try Support.run(["generate", "--from", output.appendingPathComponent("images/\(shapedName)").path, "-o", replay.path, "--quiet"],
                        in: folder)
        let replayed = try PNGFile.read(contentsOf: replay)
        #expect((zip(replayed.pixels, shapedImage.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255) <= 2)
    }

    @Test func optionsWithoutWhatTheyActOnAreRefusedAtTheirLine() throws {
        let folder = try Support.temporaryFolder("batch-guidance-refused")
        try Self.writeReference(in: folder)
        let catalog = try SceneCatalog.builtIn()
        func message(_ settings: String) -> String {
            do {
                let url = try Self.writeScenario(in: folder, scenes: "[[scenes]]\nname = \"s\"\nlayout = \"centre_modal\"\napp = \"JD\"\nseeds = [1]\n\(settings)")
                _ = try ScenarioLoader(catalog: catalog).load(url: url)
                return "loaded"
            } catch { return "\(error)" }
        }
        #expect(message("cfg_truncation = 0.5").contains("scenes[0].cfg_truncation: cfg_truncation shapes classifier-free guidance: set guidance > 0"))
        #expect(message("cfg_normalization = 1").contains("cfg_normalization shapes classifier-free guidance"))
        #expect(message("guidance = 2\ncfg_truncation = 1.5").contains("1.5 is outside 0...1"))
        #expect(message("guidance = 2\ncontrol_on_negative = false").contains("set guidance > 0 and control_scale > 0"))
        #expect(message("style_guidance = -1").contains("-1 is outside 0...100"))
        #expect(message("style = \"refs/missing.png\"").contains("style reference 'refs/missing.png' does not exist"))
        #expect(message("guidance = 2\ncontrol_scale = 0.5\ncontrol_on_negative = false\ncfg_truncation = 0.6\nstyle_guidance = 1") == "loaded")
        #expect(message("control_scale = 0.5\ncontrol_region = \"box.png\"").contains("control_region must be \"from-layout\""))
        #expect(message("control_region = \"from-layout\"").contains("scenes[0].control_region: control_region says where the layout's control applies: set control_scale > 0"))
        #expect(message("control_scale = 0.5\ncontrol_outside = 0.3").contains("set control_region = \"from-layout\""))
        #expect(message("control_scale = 0.5\ncontrol_region = \"from-layout\"\ncontrol_outside = 2").contains("2 is outside 0...1"))
        #expect(message("control_scale = 0.5\ncontrol_region = \"from-layout\"\ncontrol_outside = 0.3") == "loaded")
        // style_guidance without a style: the defaults' style is what it needs, so a file without one is refused.
        let noStyle = folder.appendingPathComponent("scenario/no-style.toml")
        try """
            [defaults]
            model = "\(Self.model)"
            [[scenes]]
            name = "s"
            prompt = "a toast"
            seeds = [1]
            style_guidance = 2
            """.write(to: noStyle, atomically: true, encoding: .utf8)
        let error = try #require(throws: SceneDataError.self) { try ScenarioLoader(catalog: catalog).load(url: noStyle) }
        #expect(error.field == "scenes[0].style_guidance" && error.message.contains("pushes towards a style reference: set style"), "\(error)")
    }
}
