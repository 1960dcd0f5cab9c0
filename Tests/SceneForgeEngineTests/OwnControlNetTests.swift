import Foundation
import SceneForgeEngine
import SceneForgeImaging
import Testing

/// A model folder's own `controlnet/` (as `sceneforge train` exports one) is what a job's control uses when the job
/// names no ControlNet: engine jobs with `extras.control`, and the workbench's layout picker (`layout_id` +
/// `control_strength`), which guides only where the model has one.
@Suite(.serialized)
struct OwnControlNetTests {
    static var fixtures: URL { URL(fileURLWithPath: tinyZImageFolder).deletingLastPathComponent().deletingLastPathComponent() }
    static var controlNet: URL { fixtures.appendingPathComponent("zimage_control/controlnet_v1") }

    /// The tiny pipeline plus the v1 fixture ControlNet as its own `controlnet/`.
    static func modelWithOwnControlNet() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-own-controlnet-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: tinyZImageFolder), to: folder)
        try FileManager.default.copyItem(at: controlNet, to: folder.appendingPathComponent("controlnet"))
        return folder
    }

    static func job(_ extras: [String: JSONValue]) -> GenerationJob {
        GenerationJob(id: "own", prompt: "a coupon popup", width: 96, height: 64, steps: 4, seed: 3, outputPath: "",
                      preview: .off, extras: extras)
    }

    @Test func jobsWithAControlAndNoControlNetUseTheModelsOwn() throws {
        let model = try Self.modelWithOwnControlNet()
        defer { try? FileManager.default.removeItem(at: model) }
        let own = try ZImageGenerator(folder: model, dtype: .float32, device: .cpu)
        let plain = try ZImageGenerator(folder: URL(fileURLWithPath: tinyZImageFolder), dtype: .float32, device: .cpu)

        let named = try plain.generate(Self.job(["controlnet": .string(Self.controlNet.path), "control": .string("centre_modal"),
                                                 "control_scale": .double(0.8)])) { _, _ in true }
        let byDefault = try own.generate(Self.job(["control": .string("centre_modal"), "control_scale": .double(0.8)])) { _, _ in true }
        #expect(byDefault.image.pixels == named.image.pixels)
        #expect(byDefault.record.extra["controlnet"] == model.appendingPathComponent("controlnet").path)

        // The workbench's layout picker: guided on the model with a ControlNet, unguided (as before) on the one without.
        let picker: [String: JSONValue] = ["layout_id": .string("centre_modal"), "control_strength": .double(0.8)]
        #expect(try own.generate(Self.job(picker)) { _, _ in true }.image.pixels == named.image.pixels)
        let unguided = try plain.generate(Self.job(picker)) { _, _ in true }
        #expect(unguided.record.extra["controlnet"] == nil)
        #expect(unguided.image.pixels == (try plain.generate(Self.job([:])) { _, _ in true }).image.pixels)
        #expect(unguided.image.pixels != named.image.pixels)

        // A control on a model without a ControlNet, and none named, is an error that says so.
        #expect(throws: ConditioningError.self) {
            try plain.generate(Self.job(["control": .string("centre_modal")])) { _, _ in true }
        }
    }

    /// `control_region`: the hints act inside the region (the toast's, from its layout) and keep `control_outside` of
    /// their scale elsewhere; a region that covers everything is no region. Recorded, so `generate --from` repeats it.
    @Test func controlWithinARegion() throws {
        let model = try Self.modelWithOwnControlNet()
        defer { try? FileManager.default.removeItem(at: model) }
        let generator = try ZImageGenerator(folder: model, dtype: .float32, device: .cpu)
        func run(_ extras: [String: JSONValue]) throws -> GenerationResult {
            try generator.generate(Self.job(["control": .string("toast"), "control_scale": .double(0.8)].merging(extras) { _, new in new })) { _, _ in true }
        }
        let everywhere = try run([:]), unguided = try generator.generate(Self.job([:])) { _, _ in true }
        let region = try run(["control_region": .string("from-layout")])
        let softened = try run(["control_region": .string("from-layout"), "control_outside": .double(0.5)])
        #expect(region.image.pixels != everywhere.image.pixels && region.image.pixels != unguided.image.pixels)
        #expect(softened.image.pixels != region.image.pixels && softened.image.pixels != everywhere.image.pixels)
        #expect(try run(["control_region": .string("from-layout"), "control_outside": .double(1)]).image.pixels == everywhere.image.pixels)
        #expect(region.record.extra["controlRegion"] == "from-layout" && softened.record.extra["controlOutside"] == "0.5")
        #expect(region.record.anomalyBoxes == everywhere.record.anomalyBoxes)
        #expect(try ZImageEngineTests.regenerated(softened) == softened.image)
        // The workbench's layout picker with its control reach set to the anomaly region.
        let picked = try generator.generate(Self.job(["layout_id": .string("toast"), "control_strength": .double(0.8),
                                                      "control_region": .string("from-layout"), "control_outside": .double(0.5)])) { _, _ in true }
        #expect(picked.image.pixels == softened.image.pixels)

        // A white PNG is a region of everything.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-region-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let white = folder.appendingPathComponent("white.png")
        try PNGFile.write(try RGBAImage(width: 96, height: 64, fill: (r: 255, g: 255, b: 255, a: 255)), record: nil, to: white)
        #expect(try run(["control_region": .string(white.path)]).image.pixels == everywhere.image.pixels)
        let small = folder.appendingPathComponent("small.png")
        try PNGFile.write(try RGBAImage(width: 32, height: 32, fill: (r: 255, g: 255, b: 255, a: 255)), record: nil, to: small)
        #expect { try run(["control_region": .string(small.path)]) } throws: {
            "\($0)".contains("the control region \(small.path) is 32x32 but the output is 96x64")
        }
        // A control image has no layout to draw the region from.
        #expect { try run(["control": .string(white.path), "control_region": .string("from-layout")]) } throws: {
            "\($0)".contains("the control region from-layout needs a layout")
        }

        for (extras, message) in [(["control_region": JSONValue.string("from-layout"), "control_outside": .double(1.5)], "a fraction in 0...1"),
                                  (["control_outside": .double(0.5)], "needs a control region")] {
            #expect { try run(extras) } throws: { "\($0)".contains(message) }
        }
        #expect { try generator.generate(Self.job(["control_region": .string("from-layout")])) { _, _ in true } } throws: {
            "\($0)".contains("a control region needs a control")
        }
    }

    /// The workbench sends the layout as the user left it (`layout_toml`): a nudged built-in layout and a user's own
    /// layout guide the job as drawn, their boxes are the record's ground truth, the record keeps the layout's text, and
    /// `generate --from` (and `generate --control FILE.toml`) draw it again.
    @Test func aLayoutGivenInFullIsWhatTheJobDraws() throws {
        let model = try Self.modelWithOwnControlNet()
        defer { try? FileManager.default.removeItem(at: model) }
        let generator = try ZImageGenerator(folder: model, dtype: .float32, device: .cpu)
        let builtIn = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/SceneForgeScenes/Data/layouts/toast.toml")
        let toast = try String(contentsOf: builtIn, encoding: .utf8)
        let nudged = toast.replacingOccurrences(of: "x = 0.2\ny = 0.7\n", with: "x = 0.2\ny = 0.3\n")
        let custom = nudged.replacingOccurrences(of: "id = \"toast\"\nname", with: "id = \"toast_custom\"\nname")
        #expect(nudged != toast && custom != nudged)
        func run(_ id: String, _ text: String?) throws -> GenerationResult {
            var extras: [String: JSONValue] = ["layout_id": .string(id), "control_strength": .double(0.8)]
            if let text { extras["layout_toml"] = .string(text) }
            return try generator.generate(Self.job(extras)) { _, _ in true }
        }
        let asShipped = try run("toast", nil), moved = try run("toast", nudged), own = try run("toast_custom", custom)
        let unguided = try generator.generate(Self.job([:])) { _, _ in true }
        #expect(try run("toast", toast).image.pixels == asShipped.image.pixels)
        #expect(moved.image.pixels != asShipped.image.pixels && moved.image.pixels == own.image.pixels)
        #expect(own.image.pixels != unguided.image.pixels && own.record.controlLayout == "toast_custom")
        // The ground truth moved with the box: 0.4 of the 64-pixel height.
        let shippedToast = try #require(asShipped.record.anomalyBoxes.first), movedToast = try #require(moved.record.anomalyBoxes.first)
        #expect(shippedToast.y - movedToast.y == 26 && shippedToast.x == movedToast.x, "\(shippedToast) \(movedToast)")
        #expect(moved.record.extra["layoutFile"] == nudged && asShipped.record.extra["layoutFile"] == nil)
        #expect(try ZImageEngineTests.regenerated(own) == own.image)

        // A layout file as generate's control.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("toast_custom.toml"), out = folder.appendingPathComponent("out.png")
        try custom.write(to: file, atomically: true, encoding: .utf8)
        try ZImageEngineTests.sceneforge(["generate", "--model", model.path, "--prompt", "a coupon popup", "--width", "96", "--height", "64",
                                          "--steps", "4", "--seed", "3", "--control", file.path, "--control-scale", "0.8", "-o", out.path, "--quiet"])
        #expect(try PNGFile.read(contentsOf: out).pixels == own.image.pixels)

        // A broken layout fails the job with the reason, and never runs unguided.
        let broken = custom.replacingOccurrences(of: "w = 0.6\n", with: "w = 0.9\n")
        #expect { try run("toast_custom", broken) } throws: {
            "\($0)".contains("field 'job.extras.layout_toml' is not a layout") && "\($0)".contains("extends past the right edge")
        }
        #expect { try run("toast", "id = 3") } throws: { "\($0)".contains("field 'job.extras.layout_toml' is not a layout") }
    }

    /// A given layout may show one of the user's own anomaly types (their `anomalies.toml`), as the workbench lists it.
    @Test func aGivenLayoutMayUseTheUsersOwnAnomalyType() throws {
        let user = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-user-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: user) }
        try """
            [[anomalies]]
            id = "coupon_rain"
            name = "Coupon rain"
            description = "Coupons falling over the page."
            prompt_en = "coupons raining over the page"
            prompt_zh = "优惠券雨"
            expected_action = "dismiss_then_continue"
            expected_action_description = "Wait for the rain to stop."
            placement = "full_page"
            box_kinds = ["image"]
            """.write(to: user.appendingPathComponent("anomalies.toml"), atomically: true, encoding: .utf8)
        let text = """
            id = "rain"
            name = "Coupon rain"
            anomaly = "coupon_rain"
            [[boxes]]
            kind = "image"
            x = 0.1
            y = 0.2
            w = 0.5
            h = 0.3
            anomaly = true
            """
        let given = try GivenLayout(text: text, source: "rain", environment: ["SCENEFORGE_CONFIG_DIR": user.path])
        #expect(given.layout.anomalyType == "coupon_rain" && given.layout.anomalyBoxes.count == 1)
        #expect { try GivenLayout(text: text, source: "rain", environment: ["SCENEFORGE_CONFIG_DIR": user.path + "-missing"]) } throws: {
            "\($0)".contains("rain is not a layout") && "\($0)".contains("unknown anomaly id 'coupon_rain'")
        }
    }

    /// `control_on_negative = false`: with guidance, only the prompt's branch gets the hints; recorded, so
    /// `generate --from` makes the same pixels, and ignored without guidance (there is no negative branch).
    @Test func controlOnThePromptsBranchOnly() throws {
        let model = try Self.modelWithOwnControlNet()
        defer { try? FileManager.default.removeItem(at: model) }
        let generator = try ZImageGenerator(folder: model, dtype: .float32, device: .cpu)
        func run(guidance: Double, _ extras: [String: JSONValue]) throws -> GenerationResult {
            var job = Self.job(["control": .string("centre_modal"), "control_scale": .double(0.8)].merging(extras) { _, new in new })
            job.guidance = guidance
            return try generator.generate(job) { _, _ in true }
        }
        let both = try run(guidance: 2, [:]), promptOnly = try run(guidance: 2, ["control_on_negative": .bool(false)])
        #expect(promptOnly.image.pixels != both.image.pixels)
        #expect(promptOnly.record.extra["controlOnNegative"] == "false" && both.record.extra["controlOnNegative"] == nil)
        #expect(try run(guidance: 0, ["control_on_negative": .bool(false)]).image.pixels == run(guidance: 0, [:]).image.pixels)
        #expect { try run(guidance: 2, ["control_on_negative": .string("no")]) } throws: {
            "\($0)".contains("job.extras.control_on_negative") && "\($0)".contains("true or false")
        }
        #expect(try ZImageEngineTests.regenerated(promptOnly) == promptOnly.image)
    }
}
