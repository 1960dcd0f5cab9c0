/// What a piece of the screen is, so a theme can colour it. Raw values are the keys of `[colors]`
/// in `themes/*.toml`.
public enum ThemeRole: String, CaseIterable, Sendable {
    case normal, muted, title, border
    case borderFocused = "border_focused"
    case tab
    case tabActive = "tab_active"
    case selection
    case statusBar = "status_bar"
    case accent, error, warning, ok
    case progressDone = "progress_done"
    case progressTodo = "progress_todo"
    case graphVRAM = "graph_vram"
    case graphRAM = "graph_ram"
    case layoutFurniture = "layout_furniture"
    case layoutAnomaly = "layout_anomaly"
    case layoutSelected = "layout_selected"
    case overlay
}
