import Foundation
import SceneForgeImaging

/// What every view needs besides the state: colours, the terminal's colour depth, image access.
public struct RenderContext: Sendable {
    public var theme: Theme
    public var colorDepth: ColorDepth
    public var images: ImageProvider?
    public var bindings: KeyBindings
    /// Box-drawing and block characters need a UTF-8 terminal; otherwise ASCII stand-ins.
    public var unicode: Bool

    public init(theme: Theme, colorDepth: ColorDepth, images: ImageProvider?, bindings: KeyBindings, unicode: Bool = true) {
        self.theme = theme; self.colorDepth = colorDepth; self.images = images; self.bindings = bindings; self.unicode = unicode
    }

    func frame(_ screen: inout ScreenBuffer, _ rect: Rect, title: String?, focused: Bool = false) {
        screen.frame(rect, style: theme[focused ? .borderFocused : .border], title: title,
                     titleStyle: theme[focused ? .borderFocused : .title], ascii: !unicode)
    }

    /// A list with a highlighted selection, scrolled so the selection stays visible.
    func list(_ screen: inout ScreenBuffer, _ rect: Rect, items: [String], selected: Int, focused: Bool = true, dimmed: Bool = false) {
        guard rect.height > 0 else { return }
        let top = max(0, min(selected - rect.height / 2, items.count - rect.height))
        for (row, index) in (top..<min(items.count, top + rect.height)).enumerated() {
            let isSelected = index == selected
            let style = dimmed ? theme[.muted] : isSelected && focused ? theme[.selection] : theme[.normal]
            let marker = isSelected ? (theme.isMonochrome || !focused ? ">" : " ") : " "
            screen.fill(Rect(x: rect.x, y: rect.y + row, width: rect.width, height: 1), style: style)
            screen.put(marker + CellWidth.truncate(items[index], to: rect.width - 1), x: rect.x, y: rect.y + row, style: style, maxX: rect.maxX)
        }
    }
}
