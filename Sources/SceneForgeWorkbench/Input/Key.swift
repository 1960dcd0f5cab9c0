/// A key press as the app sees it, independent of curses.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)       // ctrl-a ... ctrl-z, as lowercase letters
    case alt(Character)
    case up, down, left, right
    case controlLeft, controlRight
    case home, end, pageUp, pageDown
    case backspace, delete, enter, tab, backTab, escape
    case function(Int)
    case resize

    /// Parses "ctrl-r", "alt-1", "f5", "tab", "q", "enter"... (the spelling used in settings).
    public init?(name: String) {
        let lower = name.lowercased()
        let named: [String: Key] = [
            "up": .up, "down": .down, "left": .left, "right": .right, "home": .home, "end": .end,
            "pageup": .pageUp, "pagedown": .pageDown, "backspace": .backspace, "delete": .delete,
            "enter": .enter, "tab": .tab, "backtab": .backTab, "shift-tab": .backTab, "escape": .escape, "esc": .escape,
            "space": .character(" "), "ctrl-left": .controlLeft, "ctrl-right": .controlRight,
        ]
        if let key = named[lower] { self = key; return }
        if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last, c.isLetter { self = .control(c); return }
        if lower.hasPrefix("alt-"), name.count == 5, let c = name.last { self = .alt(c); return }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...12).contains(n) { self = .function(n); return }
        if name.count == 1, let c = name.first { self = .character(c); return }
        return nil
    }

    /// The spelling shown in the help overlay and accepted by `init(name:)`.
    public var name: String {
        switch self {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .control(let c): return "ctrl-\(c)"
        case .alt(let c): return "alt-\(c)"
        case .up: return "up"
        case .down: return "down"
        case .left: return "left"
        case .right: return "right"
        case .controlLeft: return "ctrl-left"
        case .controlRight: return "ctrl-right"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "pageup"
        case .pageDown: return "pagedown"
        case .backspace: return "backspace"
        case .delete: return "delete"
        case .enter: return "enter"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .escape: return "esc"
        case .function(let n): return "f\(n)"
        case .resize: return "resize"
        }
    }
}
