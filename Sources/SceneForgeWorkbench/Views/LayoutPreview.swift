import SceneForgeScenes

/// A layout drawn in terminal cells: each box outlined and labelled by kind; anomaly boxes in
/// their own colour, on top in drawing order.
enum LayoutPreview {
    /// The cell box of the phone canvas inside `rect` (a cell is about twice as tall as wide).
    static func canvas(for layout: Layout, in rect: Rect) -> Rect {
        let aspect = layout.aspect.width / layout.aspect.height
        var height = rect.height
        var width = Int((Double(height) * aspect * 2).rounded())
        if width > rect.width {
            width = rect.width
            height = Int((Double(width) / (aspect * 2)).rounded())
        }
        return Rect(x: rect.x + (rect.width - width) / 2, y: rect.y + (rect.height - height) / 2, width: width, height: height)
    }

    static func draw(_ layout: Layout, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let canvas = canvas(for: layout, in: rect)
        guard canvas.width >= 4, canvas.height >= 4 else { return }
        context.frame(&screen, canvas, title: nil)
        let inner = canvas.inset
        for box in layout.boxesInDrawingOrder {
            let cells = cellRect(box.rect, in: inner)
            let role: ThemeRole = box.isAnomaly ? .layoutAnomaly : .layoutFurniture
            let style = context.theme[role]
            if box.kind.isBackdrop {
                // A dim overlay shades what is under it instead of hiding it.
                screen.restyle(cells) { $0.dim = true }
                continue
            }
            if cells.width >= 2 && cells.height >= 2 {
                screen.fill(cells.inset, style: context.theme[.normal])
                screen.frame(cells, style: style, ascii: !context.unicode)
                screen.put(CellWidth.truncate(box.kind.rawValue, to: cells.width - 2), x: cells.x + 1, y: cells.y, style: style, maxX: cells.maxX - 1)
                if let text = box.text, cells.height >= 3 {
                    screen.put(CellWidth.truncate(text, to: cells.width - 2), x: cells.x + 1, y: cells.y + 1, style: context.theme[.muted], maxX: cells.maxX - 1)
                }
            } else if cells.width >= 1 {
                screen.put(CellWidth.truncate(label(box), to: max(1, cells.width)), x: cells.x, y: cells.y, style: style, maxX: cells.maxX)
            }
        }
    }

    private static func label(_ box: LayoutBox) -> String {
        if let text = box.text { return text }
        return box.kind.rawValue
    }

    static func cellRect(_ r: NormalizedRect, in rect: Rect) -> Rect {
        let x0 = rect.x + Int((r.x * Double(rect.width)).rounded())
        let y0 = rect.y + Int((r.y * Double(rect.height)).rounded())
        let x1 = rect.x + Int(((r.x + r.w) * Double(rect.width)).rounded())
        let y1 = rect.y + Int(((r.y + r.h) * Double(rect.height)).rounded())
        return Rect(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
    }
}
