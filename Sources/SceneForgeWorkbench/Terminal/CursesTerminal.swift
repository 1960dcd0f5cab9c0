import CNcurses
import Foundation
import SceneForgeImaging

/// The thin curses backend: copies a `ScreenBuffer` to the terminal (only cells that changed) and
/// reads keys. Everything it draws was decided by the screen model.
final class CursesTerminal {
    let colorDepth: ColorDepth
    private let mapper: ColorMapper
    private let useColor: Bool
    private var pairs: [Int64: Int32] = [:]
    private var nextPair: Int32 = 1
    private var shown: ScreenBuffer?
    private var extraKeys: [Int32: Key] = [:]

    init(colorDepth requested: ColorDepth) {
        setlocale(LC_ALL, "")
        initscr()
        raw()
        noecho()
        nonl()
        keypad(sf_stdscr(), true)
        nodelay(sf_stdscr(), true)
        set_escdelay(25)
        useColor = requested != .none && has_colors()
        if useColor {
            start_color()
            use_default_colors()
        }
        mapper = ColorMapper(colors: useColor ? Int(sf_colors()) : 0)
        let colors = Int(sf_colors())
        colorDepth = !useColor ? .none : requested == .truecolor && colors >= 1 << 24 ? .truecolor
            : colors >= 256 ? (requested == .truecolor ? .palette256 : requested) : .palette16
        // xterm-style modified arrows, when terminfo knows them.
        for (sequence, key) in [("\u{1b}[1;5D", Key.controlLeft), ("\u{1b}[1;5C", Key.controlRight)] {
            let code = key_defined(sequence)
            if code > 0 { extraKeys[code] = key }
        }
    }

    var size: (width: Int, height: Int) { (Int(sf_cols()), Int(sf_lines())) }

    /// Restores the terminal; safe to call twice.
    func close() {
        if isendwin() == false { endwin() }
    }

    /// After a resize every cell is drawn again.
    func invalidate() {
        shown = nil
        clearok(sf_stdscr(), true)
    }

    func present(_ screen: ScreenBuffer) {
        let previous = shown.flatMap { $0.width == screen.width && $0.height == screen.height ? $0 : nil }
        if previous == nil { erase() }
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let cell = screen[x, y]
                if cell.isContinuation { continue }
                if let previous, previous[x, y] == cell, previous[x + 1, y].isContinuation == (cell.width == 2) { continue }
                put(cell, x: x, y: y)
            }
        }
        if let cursor = screen.cursor {
            move(Int32(cursor.y), Int32(cursor.x))
            curs_set(1)
        } else {
            curs_set(0)
        }
        wnoutrefresh(sf_stdscr())
        doupdate()
        shown = screen
    }

    private func put(_ cell: ScreenCell, x: Int, y: Int) {
        var attributes: UInt32 = 0
        let style = cell.style
        if style.bold { attributes |= sf_attr_bold() }
        if style.reverse { attributes |= sf_attr_reverse() }
        if style.underline { attributes |= sf_attr_underline() }
        if style.dim { attributes |= sf_attr_dim() }
        let pair = useColor ? pairNumber(style.foreground, style.background) : 0
        var wide = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        if wide.isEmpty { wide = [wchar_t(32)] }
        wide.append(0)
        _ = wide.withUnsafeBufferPointer { sf_put_cell(Int32(y), Int32(x), $0.baseAddress, attributes, pair) }
    }

    private func pairNumber(_ fg: TerminalColor, _ bg: TerminalColor) -> Int32 {
        let f = mapper.number(fg), b = mapper.number(bg)
        if f == -1 && b == -1 { return 0 }
        let key = Int64(f) << 32 | Int64(UInt32(bitPattern: b))
        if let pair = pairs[key] { return pair }
        if nextPair >= sf_color_pairs() {
            // Out of pairs (a thumbnail-heavy screen on a small terminal): start over and redraw all.
            pairs.removeAll()
            nextPair = 1
            shown = nil
        }
        let pair = nextPair
        nextPair += 1
        init_extended_pair(pair, f, b)
        pairs[key] = pair
        return pair
    }

    /// The next key, or nil when none is waiting.
    func readKey() -> Key? {
        var code: Int32 = 0
        let kind = sf_get_key(&code)
        if kind == ERR { return nil }
        if kind == sf_key_code_yes() { return functionKey(code) }
        if code == 27 {
            var next: Int32 = 0
            let nextKind = sf_get_key(&next)
            if nextKind == ERR { return .escape }
            if nextKind == sf_key_code_yes() { return functionKey(next) }
            if let scalar = Unicode.Scalar(UInt32(next)) { return .alt(Character(scalar)) }
            return .escape
        }
        return Self.character(code)
    }

    static func character(_ code: Int32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 127, 8: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(code) + 96)))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            return .character(Character(scalar))
        }
    }

    private func functionKey(_ code: Int32) -> Key? {
        if let key = extraKeys[code] { return key }
        let f0 = sf_key_f0()
        if code > f0, code <= f0 + 12 { return .function(Int(code - f0)) }
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case sf_key_resize(): return .resize
        default: return nil
        }
    }
}

/// Restores the terminal when the process is ended by a signal, then lets the signal do its default.
enum TerminalRestoreOnSignal {
    static func install() {
        for sig in [SIGSEGV, SIGABRT, SIGTERM, SIGINT, SIGHUP, SIGBUS, SIGFPE, SIGILL] {
            signal(sig) { received in
                endwin()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
