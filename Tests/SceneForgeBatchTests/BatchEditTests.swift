import Foundation
import SceneForgeBatch
import SceneForgeImaging
import SceneForgeScenes
import SceneForgeSynth
import Testing

/// Scenes that edit a source screenshot (`init`, `mask`, `paste_back`, `fit_steps` in a scenario): the batch
/// inpaints the layout's anomaly boxes into the source, keeps every pixel outside them with paste-back, records
/// the edit, and matches `sceneforge generate` with the same flags; edit fields without a source are refused.
@Suite(.serialized)
struct BatchEditTests {
    static let (width, height) = (96, 64)

    static func writeScenario(in folder: URL, scene: String) throws -> URL {
        let pipeline = Support.testsFolder.appendingPathComponent("Fixtures/zimage/pipeline").path
        let text = """
            name = "edits"
            [defaults]
            model = "\(pipeline)"
            width = \(width)
            height = \(height)
            steps = 4

            [[scenes]]
            name = "coupon_on_screenshot"
            layout = "centre_modal"
            app = "Meituan store page"
            seeds = [3]
            \(scene)
            """
        let url = folder.appendingPathComponent("edits.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func aSceneInpaintsItsLayoutIntoTheSourceAndKeepsTheRest() throws {
        let folder = try Support.temporaryFolder("batch-edit")
        let layout = try #require(SceneCatalog.builtIn().layout(id: "centre_modal"))
        let source = try ScreenRenderer(style: AppStyle.named("food-yellow")).render(layout, seed: 1, width: Self.width,
                                                                                  height: Self.height, variant: .normal)
        try PNGFile.write(source, record: nil, to: folder.appendingPathComponent("source.png"))
        let scenario = try Self.writeScenario(in: folder, scene: """
            init = "source.png"
            mask = "from-layout"
            paste_back = true
            fit_steps = 2
            """)
        let output = folder.appendingPathComponent("out")
        try Support.run(["batch", scenario.path, "--output", output.path, "--quiet"], in: folder)
        let images = try Support.files(in: output.appendingPathComponent("images"))
        #expect(images.count == 1)
        let inProcess = folder.appendingPathComponent("in-process")
        try Support.run(["batch", scenario.path, "--in-process", "--output", inProcess.path, "--quiet"], in: folder)
        #expect(try Support.files(in: inProcess.appendingPathComponent("images")) == images)
        let (name, bytes) = try #require(images.first)
        let image = try PNGFile.read([UInt8](bytes))
        let record = try #require(try PNGFile.metadata([UInt8](bytes)).record, "\(name)")
        #expect(record.extra["init"] == folder.appendingPathComponent("source.png").path && record.extra["mask"] == "from-layout")
        #expect(record.extra["pasteBack"] == "true" && record.extra["fitSteps"] == "2" && record.extra["strength"] == "1.0")
        #expect(!record.anomalyBoxes.isEmpty)

        let mask = try LayoutRasterizer(layout: layout, width: Self.width, height: Self.height).inpaintingMask().rgba()
        // The mask is black and white (no feather): white is regenerated.
        let region = (0..<(Self.width * Self.height)).map { mask.pixels[4 * $0] > 127 }
        let pixel = { (i: RGBAImage, p: Int) in Array(i.pixels[(4 * p)..<(4 * p + 4)]) }
        #expect(region.indices.allSatisfy { region[$0] || pixel(image, $0) == pixel(source, $0) }, "pixels outside the mask changed")
        #expect(region.indices.contains { region[$0] && pixel(image, $0) != pixel(source, $0) }, "nothing was inpainted")

        // The same edit from `generate`.
        let maskPath = folder.appendingPathComponent("mask.png"), reference = folder.appendingPathComponent("reference.png")
        try PNGFile.write(mask, record: nil, to: maskPath)
        try Support.run(["generate", "--model", Support.testsFolder.appendingPathComponent("Fixtures/zimage/pipeline").path,
                         "--prompt", record.prompt, "--width", "\(Self.width)", "--height", "\(Self.height)", "--steps", "4",
                         "--seed", "\(record.seed)", "--init", folder.appendingPathComponent("source.png").path,
                         "--mask", maskPath.path, "--paste-back", "--fit-steps", "2", "-o", reference.path, "--quiet"], in: folder)
        let expected = try PNGFile.read(contentsOf: reference)
        #expect((zip(image.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255) <= 2)
    }

    @Test func editFieldsWithoutWhatTheyNeedAreRefusedAtTheirLine() throws {
        let folder = try Support.temporaryFolder("batch-edit-refused")
        let catalog = try SceneCatalog.builtIn()
        func message(_ scene: String) -> String {
            do {
                _ = try ScenarioLoader(catalog: catalog).load(url: try Self.writeScenario(in: folder, scene: scene))
                return "loaded"
            } catch { return "\(error)" }
        }
        #expect(message("mask = \"from-layout\"").contains("mask edits a source image: set init"))
        #expect(message("init = \"missing.png\"").contains("init image 'missing.png' does not exist"))
        try PNGFile.write(try RGBAImage(width: Self.width, height: Self.height, fill: (200, 200, 200, 255)), record: nil,
                          to: folder.appendingPathComponent("grey.png"))
        #expect(message("init = \"grey.png\"\npaste_back = true").contains("paste_back keeps what is outside a mask"))
        #expect(message("init = \"grey.png\"\nmask = \"nope.png\"").contains("mask 'nope.png' does not exist"))
        #expect(message("init = \"grey.png\"\nstrength = 1.5").contains("strength"))
        #expect(message("control_start = 0.6\ncontrol_end = 0.4").contains("must be below control_end"))
        #expect(message("init = \"grey.png\"\nmask = \"from-layout\"\nfit_steps = 5") == "loaded")
    }
}
