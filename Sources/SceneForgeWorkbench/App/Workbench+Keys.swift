import Foundation
import SceneForgeScenes

extension Workbench {
    /// Handles one key; returns what the program must do.
    public mutating func handle(_ key: Key) -> [Effect] {
        if key == .resize { return [] }
        if let overlay = state.overlay { return handleOverlay(overlay, key) }
        // Ctrl-C: quit at once when nothing is pending, else ask.
        if key == .control("c") || bindings.matches(key, .quit) { return requestQuit() }
        if let editing = state.fieldEditor { return handleFieldEditor(editing, key) }
        let inText = isTextFocused
        // Printable keys go to a focused text field before any single-letter binding.
        if inText, case .character = key { return typeIntoFocused(key) }
        if bindings.matches(key, .help) && !(inText && key == .character("?")) {
            state.overlay = .help
            state.helpScroll = 0
            return []
        }
        if let tab = tabFor(key) { state.tab = tab; state.openImage = false; return [] }
        if bindings.matches(key, .nextTab) { cycleTab(1); return [] }
        if bindings.matches(key, .previousTab) { cycleTab(-1); return [] }
        if bindings.matches(key, .run) { return run() }
        if bindings.matches(key, .cancelJob) { return cancelJob() }
        switch state.tab {
        case .compose: return handleCompose(key)
        case .layout: return handleLayout(key)
        case .style: return handleStyle(key)
        case .parameters: return handleParameters(key)
        case .run: return handleRun(key)
        case .gallery: return handleGallery(key)
        }
    }

    var isTextFocused: Bool {
        state.tab == .compose && state.composeField != .anomaly
    }

    // MARK: Global

    private func tabFor(_ key: Key) -> Tab? {
        let pairs: [(Action, Tab)] = [(.tabCompose, .compose), (.tabLayout, .layout), (.tabStyle, .style),
                                     (.tabParameters, .parameters), (.tabRun, .run), (.tabGallery, .gallery)]
        return pairs.first { bindings.matches(key, $0.0) }?.1
    }

    private mutating func cycleTab(_ delta: Int) {
        let count = Tab.allCases.count
        state.tab = Tab(rawValue: (state.tab.rawValue + delta + count) % count) ?? .compose
        state.openImage = false
    }

    private mutating func requestQuit() -> [Effect] {
        if state.unfinishedJobs.isEmpty {
            state.shouldQuit = true
            return [.quit]
        }
        state.overlay = .confirmQuit
        return []
    }

    mutating func run() -> [Effect] {
        let requests = makeRequests()
        if !requests.isEmpty { state.tab = .run }
        return requests.map(Effect.submit)
    }

    private mutating func cancelJob() -> [Effect] {
        let target = state.runningJob ?? (state.jobs.indices.contains(state.selectedJob) ? state.jobs[state.selectedJob] : nil)
        guard let job = target, !job.status.isFinished else {
            state.status = "No job to cancel."
            return []
        }
        state.status = "Cancelling \(job.id)…"
        return [.cancel(job: job.id)]
    }

    private mutating func handleOverlay(_ overlay: AppState.Overlay, _ key: Key) -> [Effect] {
        switch overlay {
        case .help:
            if key == .down || key == .character("j") { state.helpScroll += 1; return [] }
            if key == .up || key == .character("k") { state.helpScroll = max(0, state.helpScroll - 1); return [] }
            if key == .pageDown { state.helpScroll += 10; return [] }
            if key == .pageUp { state.helpScroll = max(0, state.helpScroll - 10); return [] }
            state.overlay = nil
        case .confirmQuit:
            if key == .character("y") || key == .character("Y") || key == .control("c") {
                state.shouldQuit = true
                return [.quit]
            }
            state.overlay = nil
        case .confirmDelete(let path):
            state.overlay = nil
            if key == .character("y") || key == .character("Y") {
                state.openImage = false
                state.status = "Deleted \(URL(fileURLWithPath: path).lastPathComponent)."
                return [.deleteFile(URL(fileURLWithPath: path)), .rescanGallery]
            }
        case .message:
            state.overlay = nil
        }
        return []
    }

    // MARK: Compose

    private mutating func typeIntoFocused(_ key: Key) -> [Effect] {
        guard case .character(let c) = key else { return [] }
        editFocused { $0.insert(String(c)) }
        return []
    }

    private mutating func editFocused(_ change: (inout TextEditor) -> Void) {
        if state.composeField == .negative { change(&state.negativePrompt) } else { change(&state.prompt) }
    }

    /// The columns of the prompt field, so up/down follow the wrapping the user sees.
    var promptFieldWidth: Int { max(10, state.size.width - 4) }

    private mutating func handleCompose(_ key: Key) -> [Effect] {
        if bindings.matches(key, .nextField) {
            state.composeField = AppState.ComposeField(rawValue: (state.composeField.rawValue + 1) % 3) ?? .prompt
            return []
        }
        if bindings.matches(key, .previousField) {
            state.composeField = AppState.ComposeField(rawValue: (state.composeField.rawValue + 2) % 3) ?? .prompt
            return []
        }
        if state.composeField == .anomaly { return handleAnomalyPicker(key) }
        let width = promptFieldWidth
        switch key {
        case .left: editFocused { $0.moveLeft() }
        case .right: editFocused { $0.moveRight() }
        case .up: editFocused { $0.moveVertically(-1, width: width) }
        case .down: editFocused { $0.moveVertically(1, width: width) }
        case .controlLeft, .alt("b"): editFocused { $0.moveWordLeft() }
        case .controlRight, .alt("f"): editFocused { $0.moveWordRight() }
        case .home, .control("a"): editFocused { $0.moveLineStart() }
        case .end, .control("e"): editFocused { $0.moveLineEnd() }
        case .backspace, .control("h"): editFocused { $0.backspace() }
        case .delete, .control("d"): editFocused { $0.deleteForward() }
        case .control("w"), .alt("\u{7f}"): editFocused { $0.deleteWordBackward() }
        case .control("k"): editFocused { $0.cutToLineEnd() }
        case .control("y"), .control("v"): editFocused { $0.paste() }
        case .control("z"), .control("u"): editFocused { $0.undo() }
        case .enter: editFocused { $0.insert("\n") }
        case .escape: state.composeField = .anomaly
        default: break
        }
        return []
    }

    private mutating func handleAnomalyPicker(_ key: Key) -> [Effect] {
        let count = state.catalog.anomalyTypes.count
        if bindings.matches(key, .up) { state.anomalyIndex = max(0, state.anomalyIndex - 1) }
        else if bindings.matches(key, .down) { state.anomalyIndex = min(count - 1, state.anomalyIndex + 1) }
        else if bindings.matches(key, .select) || bindings.matches(key, .insertChinese) {
            guard let anomaly = state.selectedAnomaly else { return [] }
            let template = bindings.matches(key, .insertChinese) ? anomaly.promptZH : anomaly.promptEN
            let separator = state.prompt.text.isEmpty || state.prompt.text.hasSuffix(" ") || state.prompt.text.hasSuffix("\n") ? "" : ", "
            state.prompt.moveVertically(Int.max / 2, width: promptFieldWidth)
            state.prompt.insert(separator + template)
            state.composeField = .prompt
            // Offer the first layout made for this anomaly.
            if let layout = state.catalog.layouts.firstIndex(where: { $0.anomalyType == anomaly.id }) {
                state.layoutIndex = layout
                state.editedLayout = nil
            }
            state.status = "Inserted the \(anomaly.id) template."
        }
        return []
    }

    // MARK: Layout

    private mutating func handleLayout(_ key: Key) -> [Effect] {
        let count = state.catalog.layouts.count
        if bindings.matches(key, .strengthDown) { state.controlStrength = Self.step(state.controlStrength, -0.05); return [] }
        if bindings.matches(key, .strengthUp) { state.controlStrength = Self.step(state.controlStrength, 0.05); return [] }
        if bindings.matches(key, .controlRegion) {
            // Everywhere → the anomaly region with half elsewhere → the anomaly region only → everywhere.
            state.controlOutside = state.controlOutside >= 1 ? 0.5 : (state.controlOutside > 0 ? 0 : 1)
            state.status = "Control: \(LayoutView.controlReach(state.controlOutside))."
            return []
        }
        if bindings.matches(key, .nudgeMode) {
            state.nudging.toggle()
            if state.nudging, state.editedLayout == nil { state.editedLayout = state.selectedLayout }
            state.status = state.nudging ? "Nudging: arrows move the anomaly box, < > width, - + height, m to stop." : "Nudge off."
            return []
        }
        if bindings.matches(key, .saveLayout) { return saveLayout() }
        if state.nudging {
            let d = 0.01
            if key == .left || key == .character("h") { nudge(dx: -d) }
            else if key == .right || key == .character("l") { nudge(dx: d) }
            else if key == .up || key == .character("k") { nudge(dy: -d) }
            else if key == .down || key == .character("j") { nudge(dy: d) }
            else if bindings.matches(key, .narrower) { nudge(dw: -d) }
            else if bindings.matches(key, .wider) { nudge(dw: d) }
            else if bindings.matches(key, .shorter) { nudge(dh: -d) }
            else if bindings.matches(key, .taller) { nudge(dh: d) }
            else if key == .escape { state.nudging = false }
            return []
        }
        if bindings.matches(key, .up) { selectLayout(state.layoutIndex - 1, count) }
        else if bindings.matches(key, .down) { selectLayout(state.layoutIndex + 1, count) }
        else if bindings.matches(key, .pageUp) { selectLayout(state.layoutIndex - 10, count) }
        else if bindings.matches(key, .pageDown) { selectLayout(state.layoutIndex + 10, count) }
        return []
    }

    private mutating func selectLayout(_ index: Int, _ count: Int) {
        guard count > 0 else { return }
        state.layoutIndex = min(max(index, 0), count - 1)
        state.editedLayout = nil
    }

    /// Moves or resizes every anomaly box (they move together: a dialog and its close button),
    /// keeping each inside the canvas.
    mutating func nudge(dx: Double = 0, dy: Double = 0, dw: Double = 0, dh: Double = 0) {
        guard var layout = state.editedLayout ?? state.selectedLayout else { return }
        for i in layout.boxes.indices where layout.boxes[i].isAnomaly && !layout.boxes[i].kind.isBackdrop {
            var r = layout.boxes[i].rect
            r.w = min(1, max(0.02, r.w + dw))
            r.h = min(1, max(0.01, r.h + dh))
            r.x = min(1 - r.w, max(0, r.x + dx))
            r.y = min(1 - r.h, max(0, r.y + dy))
            layout.boxes[i].rect = NormalizedRect(x: Self.round3(r.x), y: Self.round3(r.y), w: Self.round3(r.w), h: Self.round3(r.h))
        }
        state.editedLayout = layout
    }

    private mutating func saveLayout() -> [Effect] {
        guard var layout = state.selectedLayout else { return [] }
        let base = layout.id.hasSuffix("_custom") ? layout.id : layout.id + "_custom"
        layout.id = base
        layout.name = layout.name.hasSuffix("(custom)") ? layout.name : layout.name + " (custom)"
        let url = state.userLayoutsDirectory.appendingPathComponent(base + ".toml")
        state.status = "Saved \(url.path)."
        return [.writeFile(url, LayoutWriter.toml(layout))]
    }

    static func step(_ value: Double, _ delta: Double) -> Double { round3(min(1, max(0, value + delta))) }
    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    // MARK: Style

    private mutating func handleStyle(_ key: Key) -> [Effect] {
        if bindings.matches(key, .refresh) { return [.rescanStyles] }
        guard state.hasImageAdapter else {
            state.status = "The loaded model has no image-prompt adapter: styles are disabled."
            return []
        }
        let count = state.styleFiles.count + 1
        if bindings.matches(key, .up) { state.styleIndex = max(0, state.styleIndex - 1) }
        else if bindings.matches(key, .down) { state.styleIndex = min(count - 1, state.styleIndex + 1) }
        else if bindings.matches(key, .strengthDown) { state.styleStrength = Self.step(state.styleStrength, -0.05) }
        else if bindings.matches(key, .strengthUp) { state.styleStrength = Self.step(state.styleStrength, 0.05) }
        return []
    }

    // MARK: Parameters

    private mutating func handleParameters(_ key: Key) -> [Effect] {
        let fields = AppState.ParameterField.allCases
        if bindings.matches(key, .up) || key == .backTab {
            state.parameterField = fields[max(0, state.parameterField.rawValue - 1)]
            return []
        }
        if bindings.matches(key, .down) || key == .tab {
            state.parameterField = fields[min(fields.count - 1, state.parameterField.rawValue + 1)]
            return []
        }
        if bindings.matches(key, .toggleRandomSeed) { state.randomSeed.toggle(); return [] }
        if bindings.matches(key, .lockSeed) { state.seedLocked.toggle(); return [] }
        if bindings.matches(key, .rerollSeed) {
            if state.seedLocked { state.status = "The seed is locked (L to unlock)." } else { state.seed = seedSource() }
            return []
        }
        let delta = bindings.matches(key, .left) ? -1 : bindings.matches(key, .right) ? 1 : 0
        if delta != 0 { adjustParameter(delta); return [] }
        if bindings.matches(key, .select) {
            switch state.parameterField {
            case .model: state.fieldEditor = TextEditor(text: state.model)
            case .seed:
                if state.seedLocked { state.status = "The seed is locked (L to unlock)." } else { state.fieldEditor = TextEditor(text: String(state.seed)) }
            default: break
            }
        }
        return []
    }

    private mutating func adjustParameter(_ delta: Int) {
        switch state.parameterField {
        case .model: break
        case .seed:
            guard !state.seedLocked else { state.status = "The seed is locked (L to unlock)."; return }
            state.seed = delta < 0 ? state.seed &- 1 : state.seed &+ 1
        case .steps: state.steps = min(200, max(1, state.steps + delta))
        case .size: state.sizeIndex = min(SizePreset.all.count - 1, max(0, state.sizeIndex + delta))
        case .guidance: state.guidance = max(0, min(20, ((state.guidance + Double(delta) * 0.5) * 10).rounded() / 10))
        case .batch: state.batchCount = min(1000, max(1, state.batchCount + delta))
        }
    }

    private mutating func handleFieldEditor(_ editor: TextEditor, _ key: Key) -> [Effect] {
        var editor = editor
        switch key {
        case .enter:
            state.fieldEditor = nil
            let text = editor.text.trimmingCharacters(in: .whitespaces)
            if state.parameterField == .seed {
                guard let seed = UInt64(text) else {
                    state.status = "Seed: '\(text)' is not a whole number from 0 to \(UInt64.max)."
                    return []
                }
                state.seed = seed
                state.randomSeed = false
            } else {
                state.model = text
            }
            return []
        case .escape: state.fieldEditor = nil; return []
        case .character(let c): editor.insert(String(c))
        case .backspace, .control("h"): editor.backspace()
        case .delete: editor.deleteForward()
        case .left: editor.moveLeft()
        case .right: editor.moveRight()
        case .home, .control("a"): editor.moveLineStart()
        case .end, .control("e"): editor.moveLineEnd()
        case .control("w"): editor.deleteWordBackward()
        case .control("z"), .control("u"): editor.undo()
        default: break
        }
        state.fieldEditor = editor
        return []
    }

    // MARK: Run

    private mutating func handleRun(_ key: Key) -> [Effect] {
        if bindings.matches(key, .up) { state.selectedJob = max(0, state.selectedJob - 1) }
        else if bindings.matches(key, .down) { state.selectedJob = min(max(0, state.jobs.count - 1), state.selectedJob + 1) }
        return []
    }

    // MARK: Gallery

    private mutating func handleGallery(_ key: Key) -> [Effect] {
        let count = state.galleryFiles.count
        if bindings.matches(key, .refresh) { return [.rescanGallery] }
        guard count > 0 else { return [] }
        let selected = state.galleryFiles[min(state.galleryIndex, count - 1)]
        if state.openImage, bindings.matches(key, .back) { state.openImage = false; state.showRecord = false; return [] }
        if bindings.matches(key, .select) { state.openImage = true; return [.loadRecord(selected)] }
        if bindings.matches(key, .info) { state.showRecord.toggle(); state.openImage = true; return [.loadRecord(selected)] }
        if bindings.matches(key, .delete) { state.overlay = .confirmDelete(selected.path); return [] }
        if bindings.matches(key, .rerun) || bindings.matches(key, .rerunNewSeed) {
            return rerun(selected, newSeed: bindings.matches(key, .rerunNewSeed))
        }
        let columns = max(1, state.galleryColumns)
        var index = state.galleryIndex
        if bindings.matches(key, .left) { index -= 1 }
        else if bindings.matches(key, .right) { index += 1 }
        else if bindings.matches(key, .up) { index -= columns }
        else if bindings.matches(key, .down) { index += columns }
        state.galleryIndex = min(max(index, 0), count - 1)
        if index != state.galleryIndex || state.openImage { return state.openImage ? [.loadRecord(state.galleryFiles[state.galleryIndex])] : [] }
        return []
    }

    /// A new job from a result's stored record.
    private mutating func rerun(_ url: URL, newSeed: Bool) -> [Effect] {
        guard let record = state.galleryRecords[url.path] else {
            // A result of this session (e.g. a PPM, which carries no record): re-run the request that made it.
            if var request = state.jobs.last(where: { $0.outputs.contains(url.path) })?.request {
                if newSeed { request.seed = seedSource() }
                request.output = state.outputDirectory.appendingPathComponent("\(Self.timestamp(now()))-rerun-\(request.seed).png").path
                state.tab = .run
                return [.submit(request)]
            }
            state.status = "\(url.lastPathComponent) has no SceneForge record to re-run."
            return []
        }
        let seed = newSeed ? seedSource() : record.seed
        let output = state.outputDirectory.appendingPathComponent("\(Self.timestamp(now()))-rerun-\(seed).png").path
        let request = JobRequest(
            prompt: record.prompt, negativePrompt: record.negativePrompt,
            model: record.extra["modelPath"] ?? record.model, seed: seed, steps: record.steps,
            width: record.width, height: record.height, guidance: record.guidance, layoutID: record.controlLayout,
            // The layout as it was drawn (the record keeps a nudged or user layout's text), else the catalog's.
            layout: record.extra["layoutFile"].flatMap { try? state.catalog.parseLayout(text: $0, displayName: "record") }
                ?? record.controlLayout.flatMap { state.catalog.layout(id: $0) },
            controlStrength: record.controlStrength,
            controlOutside: record.extra["controlRegion"] == "from-layout" ? record.extra["controlOutside"].flatMap(Double.init) ?? 0 : nil,
            stylePath: record.styleReference, styleStrength: record.styleStrength,
            anomalyType: record.anomalyType, output: output)
        state.tab = .run
        return [.submit(request)]
    }
}
