import Foundation
import SceneForgeBatch
import SceneForgeScenes
import Testing

struct ScenarioValidationTests {
    static let catalog = Result { try SceneCatalog.builtIn() }

    func load(_ name: String) throws -> Scenario {
        try ScenarioLoader(catalog: Self.catalog.get()).load(url: Support.fixture("malformed/\(name)"), displayName: "malformed/\(name)")
    }

    @Test func goodScenarioLoadsWithIncludesDefaultsAndExpansion() throws {
        let catalog = try Self.catalog.get()
        let scenario = try ScenarioLoader(catalog: catalog).load(url: Support.tinyScenario, displayName: "good/tiny.toml")
        #expect(scenario.name == "tiny")
        #expect(scenario.files == ["good/tiny.toml", "good/common.toml"])
        #expect(scenario.scenes.map(\.name) == ["meituan_coupon", "ctrip_toast", "taobao_network_error", "explicit-prompt"])
        #expect(scenario.scenes.map(\.seeds.count) == [6, 5, 5, 4])

        let coupon = scenario.scenes[0]
        let dialog = try #require(catalog.anomalyType(id: "dialog_blocking"))
        // The layout decides the anomaly; language = "zh" takes the Chinese fragment.
        #expect(coupon.anomaly == dialog)
        #expect(coupon.prompt == "Meituan store page，" + dialog.promptZH)
        #expect(coupon.layout?.id == "centre_modal")
        // Defaults from the included file, relative model path resolved against that file's folder.
        #expect((coupon.width, coupon.height, coupon.steps) == (96, 64, 4))
        #expect(coupon.negativePrompt == "blurry, low quality")
        #expect(coupon.model == "../../zimage/pipeline")
        #expect(coupon.modelPath == Support.testsFolder.appendingPathComponent("Fixtures/zimage/pipeline").path)

        let toast = scenario.scenes[1]
        #expect(toast.prompt == "Ctrip flight list, " + (catalog.anomalyType(id: "toast")?.promptEN ?? "?"))
        #expect(toast.seeds == [1, 2, 3, 4, 5])
        #expect(toast.layout == nil)
        let explicit = scenario.scenes[3]
        #expect(explicit.prompt == "A bank app login page, permission dialog asking for camera access")
        #expect(explicit.guidance == 1.5)
        #expect(explicit.anomaly?.expectedAction == "decide_deliberately")
    }

    @Test func countSeedsAreDerivedFromSceneNameAndIndex() {
        // Independent reference: int.from_bytes(hashlib.sha256(b"meituan_coupon#0").digest()[:4], "big").
        #expect(SeedDerivation.seed(scene: "meituan_coupon", index: 0) == 1_035_020_831)
        #expect(SeedDerivation.seed(scene: "meituan_coupon", index: 1) != SeedDerivation.seed(scene: "meituan_coupon", index: 0))
    }

    /// (file, line, field, a phrase the message must contain)
    static let malformed: [(String, Int, String?, String)] = [
        ("unknown_field.toml", 5, "scenes[0].widht", "unknown field"),
        ("bad_width.toml", 3, "defaults.width", "not a multiple of 16"),
        ("unknown_anomaly.toml", 11, "scenes[1].anomaly", "unknown anomaly type 'popup_thing'"),
        ("unknown_layout.toml", 5, "scenes[0].layout", "unknown layout 'no_such_layout'"),
        ("layout_mismatch.toml", 6, "scenes[0].layout", "shows a 'dialog_blocking' anomaly, but this scene's anomaly is 'toast'"),
        ("no_seeds.toml", 5, "scenes[0].seeds", "no seeds"),
        ("seeds_and_count.toml", 6, "scenes[0].count", "either seeds or count"),
        ("negative_seed.toml", 5, "scenes[0].seeds[1]", "-2 is negative"),
        ("no_app.toml", 1, "scenes[0].app", "no app"),
        ("duplicate_scene.toml", 10, "scenes[1].name", "duplicate scene name 'same' (first declared at malformed/duplicate_scene.toml:5)"),
        ("missing_include.toml", 2, "include[0]", "cannot include 'common_missing.toml'"),
        ("bad_lora.toml", 6, "scenes[0].loras[0].weight", "expected a number, found a string"),
        ("bad_steps.toml", 3, "defaults.steps", "0 is outside 1...1000"),
        ("no_model.toml", 1, "scenes[0].model", "no model"),
        ("bad_name.toml", 2, "scenes[0].name", "'Has Spaces' must be lowercase"),
        ("control_without_layout.toml", 6, "scenes[0].control_scale", "needs a layout"),
        ("no_scenes.toml", 1, "scenes", "no scenes"),
    ]

    @Test(arguments: malformed)
    func malformedFileNamesFileLineAndField(file: String, line: Int, field: String?, phrase: String) throws {
        let error = try #require(throws: SceneDataError.self) { try load(file) }
        #expect(error.file == "malformed/\(file)")
        #expect(error.line == line, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.message.contains(phrase), "\(error)")
        #expect(error.description.hasPrefix("malformed/\(file):\(line): \(field ?? "")"))
    }

    @Test func syntaxErrorKeepsLineAndColumn() throws {
        let error = try #require(throws: SceneDataError.self) { try load("syntax_error.toml") }
        #expect(error.file == "malformed/syntax_error.toml")
        #expect(error.line == 3)
        #expect(error.column != nil)
        #expect(error.message.contains("TOML syntax error"))
    }

    @Test func errorsInAnIncludedFileNameThatFile() throws {
        let error = try #require(throws: SceneDataError.self) { try load("includes_bad.toml") }
        #expect(error.description.hasPrefix("malformed/bad_width.toml:3: defaults.width: "))
    }

    @Test func includeCyclesAreReportedWithTheChain() throws {
        let error = try #require(throws: SceneDataError.self) { try load("cycle_a.toml") }
        #expect(error.file == "malformed/cycle_b.toml")
        #expect(error.line == 2)
        #expect(error.field == "include[0]")
        #expect(error.message == "include cycle: malformed/cycle_a.toml -> malformed/cycle_b.toml -> malformed/cycle_a.toml")

        let selfError = try #require(throws: SceneDataError.self) { try load("self_include.toml") }
        #expect(selfError.message == "include cycle: malformed/self_include.toml -> malformed/self_include.toml")
    }

    /// A scene that names no model gets the default one (the embedded model). With no size given it draws the model's
    /// own; with a width only, the height keeps the layout's aspect, or else the model's. A model that declares no size
    /// keeps the phone width and the layout's aspect.
    @Test func aSceneNamingNoModelGetsTheDefaultAndItsSize() throws {
        let folder = try Support.temporaryFolder("default-model")
        let file = folder.appendingPathComponent("plain.toml")
        try """
            [[scenes]]
            name = "toast"
            layout = "toast"
            app = "Ctrip flight list"
            count = 1

            [[scenes]]
            name = "free"
            prompt = "a settings page"
            count = 1

            [[scenes]]
            name = "wide"
            prompt = "a settings page"
            width = 256
            count = 1

            [[scenes]]
            name = "wide_toast"
            layout = "toast"
            app = "Ctrip flight list"
            width = 256
            count = 1
            """.write(to: file, atomically: true, encoding: .utf8)
        let embedded = Support.testsFolder.deletingLastPathComponent().appendingPathComponent("models/default").path
        let scenes = try ScenarioLoader(catalog: Self.catalog.get(), defaultModel: embedded).load(url: file).scenes
        #expect(scenes.allSatisfy { $0.model == "" && $0.modelPath == embedded })
        #expect(scenes.map { "\($0.width)x\($0.height)" } == ["128x256", "128x256", "256x512", "256x560"])

        let tiny = Support.testsFolder.appendingPathComponent("Fixtures/zimage/pipeline").path
        let undeclared = try ScenarioLoader(catalog: Self.catalog.get(), defaultModel: tiny).load(url: file).scenes
        #expect(undeclared.map { "\($0.width)x\($0.height)" } == ["720x1568", "720x1440", "256x1440", "256x560"])

        // Job ids say "" for the default model, so they do not depend on where it is installed.
        let installed = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createSymbolicLink(atPath: installed.path, withDestinationPath: embedded)
        let jobs = try JobExpansion.jobs(for: ScenarioLoader(catalog: Self.catalog.get(), defaultModel: embedded).load(url: file))
        let elsewhere = try JobExpansion.jobs(for: ScenarioLoader(catalog: Self.catalog.get(), defaultModel: installed.path).load(url: file))
        #expect(jobs.map(\.id) == elsewhere.map(\.id))
        #expect(elsewhere.allSatisfy { $0.modelPath == installed.path })
    }

    @Test func aDiamondIncludeIsReadOnce() throws {
        let folder = try Support.temporaryFolder("diamond")
        let write = { (name: String, text: String) in try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try write("base.toml", "[defaults]\nmodel = \"m\"\ncount = 1\n\n[[scenes]]\nname = \"shared\"\nprompt = \"p\"\n")
        try write("left.toml", "include = [\"base.toml\"]\n")
        try write("right.toml", "include = [\"base.toml\"]\n[defaults]\nsteps = 3\n")
        try write("top.toml", "include = [\"left.toml\", \"right.toml\"]\n\n[[scenes]]\nname = \"own\"\nprompt = \"q\"\n")
        let scenario = try ScenarioLoader(catalog: Self.catalog.get()).load(url: folder.appendingPathComponent("top.toml"))
        #expect(scenario.scenes.map(\.name) == ["shared", "own"])
        // Later includes' defaults win over earlier ones: right.toml's steps reach top's scene.
        #expect(scenario.scenes[1].steps == 3)
        #expect(scenario.scenes[0].steps == 8)
    }
}
