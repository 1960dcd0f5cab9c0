import Foundation

/// Reference screenshots from the styles folder, with a thumbnail of the chosen one.
enum StyleView {
    static func draw(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let (left, right) = rect.splitLeft(min(36, rect.width / 2), gap: 0)
        let enabled = state.hasImageAdapter
        context.frame(&screen, left, title: "Styles: \(state.stylesDirectory.lastPathComponent)/", focused: enabled)
        let inner = left.inset
        let items = ["none"] + state.styleFiles.map(\.lastPathComponent)
        let listRect = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 4)
        context.list(&screen, listRect, items: items, selected: state.styleIndex, focused: enabled, dimmed: !enabled)
        let b = context.bindings
        let lines = enabled
            ? ["style strength \(String(format: "%.2f", state.styleStrength)) \(Gauge.bar(state.styleStrength, width: 10, unicode: context.unicode))",
               "\(b.label(.strengthDown))/\(b.label(.strengthUp)) strength  \(b.label(.refresh)) rescan"]
            : ["Disabled: the loaded model has no", "image-prompt adapter (\(state.engineDescription))."]
        for (i, line) in lines.enumerated() {
            screen.put(line, x: inner.x, y: listRect.maxY + 1 + i, style: context.theme[enabled ? .normal : .warning], maxX: inner.maxX)
        }
        context.frame(&screen, right, title: "Reference", focused: false)
        if state.styleIndex > 0, state.styleFiles.indices.contains(state.styleIndex - 1) {
            let url = state.styleFiles[state.styleIndex - 1]
            if let thumbnail = context.images?.thumbnail(of: url, columns: right.inset.width, rows: right.inset.height) {
                ThumbnailDrawing.draw(thumbnail, in: right.inset, on: &screen)
            } else {
                screen.put("loading \(url.lastPathComponent)…", x: right.x + 2, y: right.y + 2, style: context.theme[.muted])
            }
        } else {
            let note = state.styleFiles.isEmpty ? "No PNG files in \(state.stylesDirectory.path)" : "No style reference"
            screen.put(CellWidth.truncate(note, to: right.width - 4), x: right.x + 2, y: right.y + 2, style: context.theme[.muted])
        }
    }
}
