import CNcurses
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Terminal column widths of characters, from the C library's `wcwidth` (CJK is two columns,
/// combining marks zero), never assumed to be one cell.
public enum CellWidth {
    /// `wcwidth` answers by the current LC_CTYPE; make sure it is a UTF-8 one.
    private static let localeReady: Bool = {
        if let current = setlocale(LC_CTYPE, nil), String(cString: current).uppercased().contains("UTF-8") { return true }
        if setlocale(LC_CTYPE, "") == nil || !(String(cString: setlocale(LC_CTYPE, nil)).uppercased().contains("UTF")) {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
        return true
    }()

    /// Columns a grapheme occupies: 0, 1 or 2. Control characters count 0 (they are never drawn).
    public static func of(_ character: Character) -> Int {
        _ = localeReady
        var width = 0
        for scalar in character.unicodeScalars {
            let w = Int(wcwidth(wchar_t(bitPattern: scalar.value)))
            if w > 0 { width = max(width, w) }
        }
        // Emoji presentation selectors make a narrow base wide.
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { width = max(width, 2) }
        return min(width, 2)
    }

    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    /// The longest prefix of `text` that fits in `columns`.
    public static func prefix(_ text: String, fitting columns: Int) -> String {
        var used = 0
        var out = ""
        for c in text {
            let w = of(c)
            if used + w > columns { break }
            used += w
            out.append(c)
        }
        return out
    }

    /// `text` cut to `columns`, ending in "…" when it was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        return prefix(text, fitting: columns - 1) + "…"
    }
}
