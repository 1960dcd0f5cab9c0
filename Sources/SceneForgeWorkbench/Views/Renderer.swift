import Foundation

/// Draws the whole workbench for a state into a new screen model.
public struct Renderer: Sendable {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public var context: RenderContext

    public init(context: RenderContext) { self.context = context }

    public func render(_ state: AppState) -> ScreenBuffer {
        let theme = context.theme
        var screen = ScreenBuffer(width: state.size.width, height: state.size.height, style: theme[.normal])
        guard state.size.width >= Self.minimumWidth, state.size.height >= Self.minimumHeight else {
            drawTooSmall(&screen, state)
            return screen
        }
        drawTabBar(&screen, state)
        let body = Rect(x: 0, y: 1, width: state.size.width, height: state.size.height - 2)
        switch state.tab {
        case .compose: ComposeView.draw(state, in: body, on: &screen, context)
        case .layout: LayoutView.draw(state, in: body, on: &screen, context)
        case .style: StyleView.draw(state, in: body, on: &screen, context)
        case .parameters: ParametersView.draw(state, in: body, on: &screen, context)
        case .run: RunView.draw(state, in: body, on: &screen, context)
        case .gallery: GalleryView.draw(state, in: body, on: &screen, context)
        }
        drawStatusBar(&screen, state)
        if let overlay = state.overlay { OverlayView.draw(overlay, state, on: &screen, context) }
        return screen
    }

    private func drawTooSmall(_ screen: inout ScreenBuffer, _ state: AppState) {
        let lines = ["Terminal too small", "\(state.size.width)x\(state.size.height), need \(Self.minimumWidth)x\(Self.minimumHeight)",
                     "Enlarge the window (ctrl-q quits)"]
        let top = max(0, (state.size.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let text = CellWidth.truncate(line, to: state.size.width)
            screen.put(text, x: max(0, (state.size.width - CellWidth.of(text)) / 2), y: top + i,
                       style: i == 0 ? context.theme[.error] : context.theme[.normal])
        }
    }

    private func drawTabBar(_ screen: inout ScreenBuffer, _ state: AppState) {
        let theme = context.theme
        screen.fill(Rect(x: 0, y: 0, width: state.size.width, height: 1), style: theme[.tab])
        var x = 0
        let keys: [Action] = [.tabCompose, .tabLayout, .tabStyle, .tabParameters, .tabRun, .tabGallery]
        for (tab, action) in zip(Tab.allCases, keys) {
            let key = context.bindings.keys[action]?.first?.name.uppercased() ?? ""
            let label = " \(key) \(tab.title) "
            let active = tab == state.tab
            x = screen.put(active && theme.isMonochrome ? "[\(label.dropFirst().dropLast())]" : label, x: x, y: 0,
                           style: theme[active ? .tabActive : .tab])
        }
        // Right side: what the engine is doing, on every tab.
        var summary: String
        if let job = state.runningJob {
            summary = "\(job.id) \(job.step)/\(job.totalSteps)" + (state.unfinishedJobs.count > 1 ? " +\(state.unfinishedJobs.count - 1) queued" : "")
        } else if !state.unfinishedJobs.isEmpty {
            summary = "\(state.unfinishedJobs.count) queued"
        } else {
            summary = "idle"
        }
        if let counters = state.counters { summary = "frames \(counters.frames) previews \(counters.previews)  " + summary }
        let text = CellWidth.truncate(summary, to: max(0, state.size.width - x - 1))
        screen.put(text, x: state.size.width - CellWidth.of(text) - 1, y: 0, style: theme[state.runningJob == nil ? .muted : .accent])
    }

    private func drawStatusBar(_ screen: inout ScreenBuffer, _ state: AppState) {
        let y = state.size.height - 1
        let style = context.theme[.statusBar]
        screen.fill(Rect(x: 0, y: y, width: state.size.width, height: 1), style: style)
        let b = context.bindings
        let hints = "\(b.label(.help)) help  \(b.label(.run)) run  \(b.label(.cancelJob)) cancel  \(b.label(.quit)) quit"
        let hintWidth = CellWidth.of(hints)
        screen.put(CellWidth.truncate(state.status, to: max(0, state.size.width - hintWidth - 3)), x: 1, y: y, style: style)
        screen.put(hints, x: state.size.width - hintWidth - 1, y: y, style: style)
    }
}
