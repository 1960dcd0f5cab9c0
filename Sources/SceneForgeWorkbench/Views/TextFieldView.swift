/// Draws a `TextEditor` with soft wrapping, scrolled so the cursor row is visible.
enum TextFieldView {
    static func draw(_ editor: TextEditor, in rect: Rect, focused: Bool, placeholder: String,
                     on screen: inout ScreenBuffer, _ context: RenderContext) {
        guard rect.width > 1, rect.height > 0 else { return }
        let style = context.theme[.normal]
        if editor.isEmpty && !focused {
            screen.put(CellWidth.truncate(placeholder, to: rect.width), x: rect.x, y: rect.y, style: context.theme[.muted])
            return
        }
        let rows = editor.wrappedRows(width: rect.width)
        let (cursorRow, cursorColumn) = editor.position(in: rows)
        let top = max(0, cursorRow - rect.height + 1)
        for (line, rowIndex) in (top..<min(rows.count, top + rect.height)).enumerated() {
            screen.put(editor.string(of: rows[rowIndex]), x: rect.x, y: rect.y + line, style: style, maxX: rect.maxX)
        }
        if focused {
            let x = rect.x + min(cursorColumn, rect.width - 1), y = rect.y + cursorRow - top
            screen.cursor = (x, y)
            // Also mark it in the model, so captures and terminals without a visible cursor show it.
            screen.restyle(Rect(x: x, y: y, width: 1, height: 1)) { $0.reverse.toggle() }
        }
    }
}
