import Foundation
import SceneForgeImaging
import SceneForgeScenes
import Testing
@testable import SceneForgeWorkbench

private func makeWorkbench(width: Int = 80, height: Int = 24) throws -> Workbench {
    let tmp = URL(fileURLWithPath: NSTemporaryDirectory())
    var state = AppState(catalog: try SceneCatalog.builtIn(), outputDirectory: tmp.appendingPathComponent("out"),
                         stylesDirectory: tmp.appendingPathComponent("styles"), userLayoutsDirectory: tmp.appendingPathComponent("layouts"))
    state.size = (width, height)
    state.model = "Tests/Fixtures/zimage/pipeline"
    var workbench = Workbench(state: state, bindings: try KeyBindings())
    workbench.seedSource = { 7 }
    return workbench
}

private func render(_ workbench: Workbench, theme: Theme = .fallback) -> ScreenBuffer {
    Renderer(context: RenderContext(theme: theme, colorDepth: .none, images: nil, bindings: workbench.bindings)).render(workbench.state)
}

@Suite struct WorkbenchLogicTests {
    @Test func anomalyPickerInsertsTheChosenTemplateAndPicksALayout() throws {
        var wb = try makeWorkbench()
        let catalog = wb.state.catalog
        let toast = try #require(catalog.anomalyTypes.firstIndex { $0.id == "toast" })
        _ = wb.handle(.tab); _ = wb.handle(.tab)
        for _ in 0..<toast { _ = wb.handle(.down) }
        _ = wb.handle(.character("z"))
        #expect(wb.state.prompt.text == catalog.anomalyTypes[toast].promptZH)
        #expect(wb.state.composeField == .prompt)
        #expect(wb.state.selectedLayout?.anomalyType == "toast")
    }

    @Test func runSubmitsBatchCountJobsWithTheChosenSettings() throws {
        var wb = try makeWorkbench()
        for c in "a coupon popup" { _ = wb.handle(.character(c)) }
        wb.state.batchCount = 3
        wb.state.randomSeed = false
        wb.state.seed = 100
        wb.state.sizeIndex = SizePreset.all.count - 1
        let effects = wb.handle(.control("r"))
        let requests = effects.compactMap { effect -> JobRequest? in if case .submit(let r) = effect { return r } else { return nil } }
        #expect(requests.map(\.seed) == [100, 101, 102])
        #expect(requests.allSatisfy { $0.prompt == "a coupon popup" && $0.width == 96 && $0.height == 64 })
        #expect(wb.state.tab == .run)
    }

    @Test func theDefaultSizeIsTheModelsOwnAndTheEngineSaysWhatItDraws() throws {
        var wb = try makeWorkbench(width: 100, height: 30)
        wb.state.adopt(WorkbenchSettings())
        wb.state.model = "Tests/Fixtures/zimage/pipeline"
        #expect(wb.state.sizePreset == .modelsOwn)
        wb.state.tab = .parameters
        wb.state.parameterField = .size
        #expect(render(wb).text.contains("the model's own size"))
        wb.state.tab = .compose
        for c in "a toast" { _ = wb.handle(.character(c)) }
        let effects = wb.handle(.control("r"))
        let request = try #require(effects.compactMap { effect -> JobRequest? in if case .submit(let r) = effect { return r } else { return nil } }.first)
        // No size in the job: the engine draws the model's declared one and says so in `started`.
        #expect(request.width == nil && request.height == nil)
        wb.submitted(request, id: "job-1")
        wb.state.tab = .run
        wb.apply(.started(job: "job-1", steps: 8, seed: 3, width: 128, height: 256))
        #expect(wb.state.jobs[0].request.width == 128 && wb.state.jobs[0].request.height == 256)
        #expect(render(wb).text.contains("128x256"))
        // Saved as "model"; a settings file from before the preset (a "WxH" size) still picks that size.
        #expect(wb.state.settings(base: WorkbenchSettings()).size == "model")
        wb.state.adopt(try WorkbenchSettings.parse("size = \"128x256\"", file: "w.toml"))
        #expect(wb.state.sizePreset.width == 128 && wb.state.sizePreset.height == 256)
    }

    @Test func emptyPromptIsRefusedWithAMessage() throws {
        var wb = try makeWorkbench()
        #expect(wb.handle(.control("r")).isEmpty)
        #expect(wb.state.status.contains("prompt is empty"))
    }

    @Test func engineEventsDriveTheRunView() throws {
        var wb = try makeWorkbench(width: 100, height: 30)
        let request = JobRequest(prompt: "p", model: "m", seed: 1, steps: 8, width: 96, height: 64, guidance: 0, output: "/tmp/x.png")
        wb.submitted(request, id: "job-1")
        wb.state.tab = .run
        wb.apply(.accepted(job: "job-1", position: 0))
        wb.apply(.started(job: "job-1", steps: 8, seed: 1, width: 96, height: 64))
        wb.apply(.step(job: "job-1", index: 3, total: 8, elapsed: 1.5, secondsPerStep: 0.5, eta: 2.5))
        wb.apply(.memory(MemoryReading(deviceUsed: 6 << 30, deviceTotal: 24 << 30, allocated: 4 << 30, reserved: 5 << 30, ramUsed: 8 << 30, ramTotal: 32 << 30), history: true))
        let preview = try RGBAImage(width: 8, height: 16, fill: (200, 30, 30, 255))
        wb.apply(.preview(job: "job-1", image: preview))
        let text = render(wb).text
        #expect(text.contains("step 3/8"))
        #expect(text.contains("0.50 s/step"))
        #expect(text.contains("ETA 2.5s"))
        #expect(text.contains("VRAM  6.0 GiB / 24.0 GiB"))
        #expect(text.contains("alloc 4.0 GiB  reserved 5.0 GiB"))
        #expect(text.contains("RAM   8.0 GiB / 32.0 GiB"))
        // The preview is drawn (ASCII ramp without colour): some non-blank cells in the preview box.
        #expect(!text.contains("no preview"))
        let effects = wb.apply(.done(job: "job-1", outputs: ["/tmp/x.png"], record: nil))
        #expect(effects == [.rescanGallery])
        #expect(wb.state.jobs[0].status == .done)
    }

    @Test func anEngineCrashFailsTheJobAndTheWorkbenchCarriesOn() throws {
        var wb = try makeWorkbench()
        let request = JobRequest(prompt: "p", model: "m", seed: 1, steps: 4, width: 96, height: 64, guidance: 0, output: "/tmp/y.png")
        wb.submitted(request, id: "job-1")
        wb.apply(.started(job: "job-1", steps: 4, seed: 1, width: nil, height: nil))
        wb.apply(.failed(job: "job-1", message: "the engine process was killed by signal 9", log: []))
        wb.apply(.engineStopped(reason: "signal 9"))
        #expect(wb.state.jobs[0].status == .failed("the engine process was killed by signal 9"))
        #expect(wb.state.unfinishedJobs.isEmpty)
        // Quitting no longer asks.
        #expect(wb.handle(.control("c")) == [.quit])
    }

    @Test func ctrlCAsksBeforeQuittingWithJobsQueued() throws {
        var wb = try makeWorkbench()
        wb.submitted(JobRequest(prompt: "p", model: "m", seed: 1, steps: 4, width: 96, height: 64, guidance: 0, output: "/tmp/z.png"), id: "job-1")
        #expect(wb.handle(.control("c")).isEmpty)
        #expect(wb.state.overlay == .confirmQuit)
        #expect(render(wb).text.contains("Quit anyway?"))
        _ = wb.handle(.character("n"))
        #expect(wb.state.overlay == nil && !wb.state.shouldQuit)
        _ = wb.handle(.control("c"))
        #expect(wb.handle(.character("y")) == [.quit])
    }

    /// `a` in the Layout tab: the control everywhere, in the anomaly region with half its strength elsewhere, or there only.
    @Test func theLayoutsControlReachCyclesAndGoesWithTheJob() throws {
        var wb = try makeWorkbench()
        for c in "a toast" { _ = wb.handle(.character(c)) }
        wb.state.tab = .layout
        wb.state.layoutIndex = try #require(wb.state.catalog.layouts.firstIndex { $0.id == "toast" })
        #expect(wb.state.controlOutside == 1 && render(wb).text.contains("a control: everywhere"))
        var reach: [Double] = []
        for _ in 0..<3 { _ = wb.handle(.character("a")); reach.append(wb.state.controlOutside) }
        #expect(reach == [0.5, 0, 1])
        _ = wb.handle(.character("a"))
        #expect(render(wb).text.contains("a control: anomaly + 0.50"))
        let requests = wb.handle(.control("r")).compactMap { effect -> JobRequest? in if case .submit(let r) = effect { return r } else { return nil } }
        #expect(requests.count == 1 && requests.first?.controlOutside == 0.5 && requests.first?.layoutID == "toast")
        #expect(wb.state.settings(base: WorkbenchSettings()).controlOutside == 0.5)
    }

    /// `R` in the Gallery re-runs a result as it was drawn: a nudged layout from the record's `layoutFile`, and the
    /// control's reach from `controlRegion`/`controlOutside`.
    @Test func aGalleryRerunRedrawsTheRecordedLayoutAndReach() throws {
        var wb = try makeWorkbench()
        var toast = try #require(wb.state.catalog.layout(id: "toast"))
        for i in toast.boxes.indices where toast.boxes[i].isAnomaly { toast.boxes[i].rect.y -= 0.1 }
        let image = URL(fileURLWithPath: "/tmp/sceneforge-gallery-rerun.png")
        wb.state.galleryFiles = [image]
        wb.state.galleryRecords[image.path] = GenerationRecord(
            prompt: "a toast", model: "m", seed: 5, steps: 8, sampler: "euler", guidance: 0, width: 128, height: 256,
            controlLayout: "toast", controlStrength: 0.8, createdAt: Date(),
            extra: ["layoutFile": LayoutWriter.toml(toast), "controlRegion": "from-layout", "controlOutside": "0.5"])
        wb.state.tab = .gallery
        let requests = wb.handle(.character("R")).compactMap { effect -> JobRequest? in if case .submit(let r) = effect { return r } else { return nil } }
        let request = try #require(requests.first)
        #expect(request.layout?.anomalyBoxes == toast.anomalyBoxes && request.layoutID == "toast")
        #expect(request.controlStrength == 0.8 && request.controlOutside == 0.5 && request.seed == 5)
    }

    @Test func nudgeMovesTheAnomalyBoxesAndSaveWritesALayoutTheCatalogReadsBack() throws {
        var wb = try makeWorkbench()
        wb.state.tab = .layout
        let toast = try #require(wb.state.catalog.layouts.firstIndex { $0.id == "toast" })
        wb.state.layoutIndex = toast
        let before = try #require(wb.state.selectedLayout?.anomalyBoxes.first?.rect)
        _ = wb.handle(.character("m"))
        _ = wb.handle(.up); _ = wb.handle(.up); _ = wb.handle(.character(">"))
        let after = try #require(wb.state.selectedLayout?.anomalyBoxes.first?.rect)
        #expect(abs(after.y - (before.y - 0.02)) < 1e-9)
        #expect(abs(after.w - (before.w + 0.01)) < 1e-9)
        let effects = wb.handle(.character("s"))
        guard case .writeFile(let url, let text)? = effects.first else { Issue.record("no write"); return }
        #expect(url.lastPathComponent == "toast_custom.toml")
        let parsed = try wb.state.catalog.parseLayout(text: text, displayName: url.path)
        #expect(parsed.anomalyBoxes.first?.rect == after)
        #expect(parsed.boxes.count == wb.state.catalog.layouts[toast].boxes.count)
    }

    @Test func everyTabIsReachableAt80x24AndSmallerTerminalsSayTooSmall() throws {
        var wb = try makeWorkbench()
        for (key, title) in [(Key.function(2), "Prompt"), (.function(3), "Layouts"), (.function(4), "Styles"),
                             (.function(5), "Parameters"), (.function(6), "Memory"), (.function(7), "Gallery")] {
            _ = wb.handle(key)
            #expect(render(wb).text.contains(title), "tab for \(key.name)")
        }
        wb.state.size = (79, 24)
        #expect(render(wb).text.contains("Terminal too small"))
    }

    @Test func helpListsEveryAction() throws {
        var wb = try makeWorkbench(width: 100, height: 80)
        wb.state.composeField = .anomaly
        _ = wb.handle(.character("?"))
        #expect(wb.state.overlay == .help)
        let text = render(wb).text
        for action in Action.allCases { #expect(text.contains(action.summary), "\(action)") }
    }

    @Test func styleIsDisabledWithoutAnImageAdapter() throws {
        var wb = try makeWorkbench()
        wb.state.tab = .style
        wb.state.styleFiles = [URL(fileURLWithPath: "/tmp/ref.png")]
        _ = wb.handle(.down)
        #expect(wb.state.styleIndex == 0)
        #expect(render(wb).text.contains("no"))
        wb.apply(.ready(description: "test", hasImageAdapter: true))
        _ = wb.handle(.down)
        #expect(wb.state.selectedStyle?.lastPathComponent == "ref.png")
    }
}

@Suite struct ThemeAndSettingsTests {
    static var themesDirectory: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("themes")
    }

    @Test func shippedThemesLoad() throws {
        for name in ["dark", "light", "high-contrast"] {
            let theme = try Theme.load(contentsOf: Self.themesDirectory.appendingPathComponent(name + ".toml"))
            #expect(theme.name == name)
            #expect(theme.styles.count == ThemeRole.allCases.count)
            #expect(theme.monochrome[.selection].reverse)
        }
    }

    @Test func badThemesAreNamedErrors() {
        #expect(throws: ThemeError.self) { try Theme.parse(text: "[colors]\nnormal = { fg = \"#12\" }", file: "t.toml") }
        do { _ = try Theme.parse(text: "[colors]\nnormal = {}\nselecton = { fg = \"red\" }", file: "t.toml") } catch {
            #expect("\(error)".contains("t.toml: colors.selecton: unknown role"))
        }
    }

    @Test func settingsRoundTripAndKeyOverridesApply() throws {
        var s = WorkbenchSettings()
        s.controlOutside = 0.5
        s.prompt = "弹窗 \"quoted\"\nline two"
        s.seed = UInt64.max
        s.keys = ["run": ["f9", "ctrl-g"]]
        let back = try WorkbenchSettings.parse(s.toml, file: "w.toml")
        #expect(back == s)
        let bindings = try KeyBindings(overrides: back.keys)
        #expect(bindings.matches(.function(9), .run))
        #expect(!bindings.matches(.control("r"), .run))
        #expect(throws: SettingsError.self) { try KeyBindings(overrides: ["runn": ["f9"]]) }
        #expect(throws: SettingsError.self) { try WorkbenchSettings.parse("steps = 0", file: "w.toml") }
        #expect(throws: SettingsError.self) { try WorkbenchSettings.parse("control_outside = 2", file: "w.toml") }
    }
}
