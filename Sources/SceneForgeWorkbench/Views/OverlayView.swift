import Foundation

/// Help and confirmation boxes drawn over the current tab.
enum OverlayView {
    static func draw(_ overlay: AppState.Overlay, _ state: AppState, on screen: inout ScreenBuffer, _ context: RenderContext) {
        switch overlay {
        case .help: drawHelp(state, on: &screen, context)
        case .confirmQuit:
            box(["\(state.unfinishedJobs.count) job(s) queued or running.", "Quit anyway? The engine stops with them.", "", "y quit    any other key stays"],
                title: "Quit?", on: &screen, context)
        case .confirmDelete(let path):
            box(["Delete \(URL(fileURLWithPath: path).lastPathComponent)?", "", "y delete    any other key keeps it"], title: "Delete", on: &screen, context)
        case .message(let text):
            box(ComposeView.wrap(text, width: 60) + ["", "any key closes"], title: "Message", on: &screen, context)
        }
    }

    static func helpLines(_ bindings: KeyBindings) -> [String] {
        var lines = ["Every key (change them under [keys] in workbench.toml):", ""]
        for action in Action.allCases {
            lines.append(bindings.label(action).padding(toLength: 18, withPad: " ", startingAt: 0) + action.summary)
        }
        lines += ["", "Text fields (prompt, negative prompt, model, seed):",
                  "arrows            move; up/down follow the wrapped lines",
                  "ctrl-left/right   previous/next word (also alt-b/alt-f)",
                  "home/end          line start/end (also ctrl-a/ctrl-e)",
                  "backspace/delete  delete a character; ctrl-w deletes a word",
                  "ctrl-k / ctrl-y   cut to line end / paste it (ctrl-v too)",
                  "ctrl-z            undo (also ctrl-u)",
                  "enter             new line (in model/seed: accept)",
                  "tab / shift-tab   next/previous field; esc leaves the text",
                  "ctrl-c            quit (asks when jobs are queued)"]
        return lines
    }

    private static func drawHelp(_ state: AppState, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let lines = helpLines(context.bindings)
        let width = min(screen.width - 4, 76)
        let height = min(screen.height - 2, lines.count + 2)
        let rect = Rect(x: (screen.width - width) / 2, y: (screen.height - height) / 2, width: width, height: height)
        screen.fill(rect, style: context.theme[.overlay])
        context.frame(&screen, rect, title: "Help  (up/down scroll, any other key closes)", focused: true)
        let inner = rect.inset.insetHorizontally
        let scroll = min(state.helpScroll, max(0, lines.count - inner.height))
        for (i, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
            screen.put(line, x: inner.x, y: inner.y + i, style: context.theme[.overlay], maxX: inner.maxX)
        }
    }

    private static func box(_ lines: [String], title: String, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let width = min(screen.width - 4, max(30, (lines.map(CellWidth.of).max() ?? 0) + 4))
        let height = lines.count + 2
        let rect = Rect(x: (screen.width - width) / 2, y: (screen.height - height) / 2, width: width, height: height)
        screen.fill(rect, style: context.theme[.overlay])
        context.frame(&screen, rect, title: title, focused: true)
        for (i, line) in lines.enumerated() {
            screen.put(line, x: rect.x + 2, y: rect.y + 1 + i, style: context.theme[.overlay], maxX: rect.maxX - 1)
        }
    }
}
