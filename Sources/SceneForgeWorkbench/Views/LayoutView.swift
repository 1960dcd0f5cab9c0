import Foundation

/// Layout templates on the left, the live preview on the right.
enum LayoutView {
    static func draw(_ state: AppState, in rect: Rect, on screen: inout ScreenBuffer, _ context: RenderContext) {
        let (left, right) = rect.splitLeft(min(36, rect.width / 2), gap: 0)
        let b = context.bindings
        context.frame(&screen, left, title: "Layouts (\(state.catalog.layouts.count))", focused: !state.nudging)
        let inner = left.inset
        let infoHeight = 7
        let listRect = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - infoHeight)
        context.list(&screen, listRect, items: state.catalog.layouts.map(\.id), selected: state.layoutIndex, focused: !state.nudging)
        var y = listRect.maxY
        let strengthBar = Gauge.bar(state.controlStrength, width: 10, unicode: context.unicode)
        let lines = [
            "anomaly: \(state.selectedLayout?.anomalyType ?? "-")",
            "control strength \(String(format: "%.2f", state.controlStrength)) \(strengthBar)",
            "\(b.label(.controlRegion)) control: \(controlReach(state.controlOutside))",
            "\(b.label(.strengthDown))/\(b.label(.strengthUp)) strength  \(b.label(.nudgeMode)) nudge",
            "\(b.label(.saveLayout)) save" + (state.editedLayout != nil ? "  (edited)" : ""),
            state.nudging ? "NUDGING: arrows, \(b.label(.narrower))\(b.label(.wider)) w, \(b.label(.shorter))\(b.label(.taller)) h" : "",
        ]
        for line in lines {
            screen.put(line, x: inner.x, y: y, style: context.theme[line.hasPrefix("NUDGING") ? .accent : .normal], maxX: inner.maxX)
            y += 1
        }
        let title = state.selectedLayout.map { "\($0.name)  \($0.aspect)" } ?? "Preview"
        context.frame(&screen, right, title: title, focused: state.nudging)
        if let layout = state.selectedLayout {
            LayoutPreview.draw(layout, in: right.inset, on: &screen, context)
        } else {
            screen.put("No layouts loaded.", x: right.x + 2, y: right.y + 2, style: context.theme[.muted])
        }
    }
}

extension LayoutView {
    /// Where the layout's control acts, for a share `outside` of its strength kept outside the anomaly region.
    static func controlReach(_ outside: Double) -> String {
        outside >= 1 ? "everywhere" : outside > 0 ? String(format: "anomaly + %.2f", outside) : "anomaly only"
    }
}

/// Small text gauges and graphs.
enum Gauge {
    static func bar(_ fraction: Double, width: Int, unicode: Bool) -> String {
        let filled = Int((min(1, max(0, fraction)) * Double(width)).rounded())
        return String(repeating: unicode ? "█" : "#", count: filled) + String(repeating: unicode ? "░" : ".", count: width - filled)
    }

    /// The last `width` values as a one-row graph of eighth blocks.
    static func sparkline(_ values: [Double], width: Int, unicode: Bool) -> String {
        let levels: [Character] = unicode ? [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : [" ", ".", ".", ":", ":", "-", "=", "+", "#"]
        let tail = values.suffix(width)
        let line = tail.map { levels[min(levels.count - 1, max(0, Int(($0 * Double(levels.count - 1)).rounded())))] }
        return String(repeating: " ", count: width - tail.count) + String(line)
    }

    static func bytes(_ value: Int64?) -> String {
        guard let value else { return "-" }
        let gib = Double(value) / 1_073_741_824
        return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(value) / 1_048_576)
    }

    static func seconds(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "-" }
        if s < 60 { return String(format: "%.1fs", s) }
        return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }
}
