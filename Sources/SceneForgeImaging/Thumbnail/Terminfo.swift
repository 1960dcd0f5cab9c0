import Foundation

/// Reads the `colors` capability from a compiled terminfo file (the format ncurses writes, as
/// described in term(5)), without linking ncurses or running `tput`.
public enum Terminfo {
    /// Index of `colors` among the numeric capabilities (term.h order: cols, it, lines, lm,
    /// xmc, pb, vt, wsl, nlab, lh, lw, ma, wnum, colors).
    static let colorsIndex = 13

    /// The directories ncurses searches, in its order.
    public static func searchDirectories(environment: [String: String]) -> [String] {
        var dirs: [String] = []
        if let t = environment["TERMINFO"], !t.isEmpty { dirs.append(t) }
        if let home = environment["HOME"], !home.isEmpty { dirs.append(home + "/.terminfo") }
        let system = ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"]
        if let list = environment["TERMINFO_DIRS"] {
            for d in list.split(separator: ":", omittingEmptySubsequences: false) {
                if d.isEmpty { dirs += system } else { dirs.append(String(d)) }
            }
        }
        return dirs + system
    }

    /// The `colors` value for terminal `name`, or nil when no entry is found or it has none.
    public static func colors(term name: String, environment: [String: String]) -> Int? {
        guard let first = name.unicodeScalars.first, !name.contains("/"), !name.hasPrefix(".") else { return nil }
        let subdirs = [String(Character(first)), String(first.value, radix: 16)]
        for dir in searchDirectories(environment: environment) {
            for sub in subdirs {
                let path = "\(dir)/\(sub)/\(name)"
                if let data = FileManager.default.contents(atPath: path) {
                    return try? colors(compiled: [UInt8](data))
                }
            }
        }
        return nil
    }

    /// Parses a compiled entry: legacy (magic 0432, 16-bit numbers) or extended (01036, 32-bit).
    public static func colors(compiled d: [UInt8]) throws -> Int? {
        func short(_ i: Int) -> Int { Int(Int16(bitPattern: UInt16(d[i]) | UInt16(d[i + 1]) << 8)) }
        guard d.count >= 12 else { throw ImagingError.invalidImage("terminfo entry is \(d.count) bytes, shorter than its header") }
        let magic = short(0)
        let numberSize: Int
        switch magic {
        case 0o432: numberSize = 2
        case 0o1036: numberSize = 4
        default: throw ImagingError.invalidImage("terminfo magic \(magic) is not 0432 or 01036")
        }
        let namesSize = short(2), boolCount = short(4), numberCount = short(6)
        guard namesSize >= 0, boolCount >= 0, numberCount >= 0 else {
            throw ImagingError.invalidImage("terminfo header has negative section sizes")
        }
        guard numberCount > colorsIndex else { return nil }
        var offset = 12 + namesSize + boolCount
        if offset % 2 == 1 { offset += 1 }  // numbers start on an even byte
        let at = offset + colorsIndex * numberSize
        guard at + numberSize <= d.count else { throw ImagingError.invalidImage("terminfo entry is truncated") }
        let value: Int
        if numberSize == 2 {
            value = short(at)
        } else {
            value = Int(Int32(bitPattern: UInt32(d[at]) | UInt32(d[at + 1]) << 8 | UInt32(d[at + 2]) << 16 | UInt32(d[at + 3]) << 24))
        }
        return value < 0 ? nil : value
    }
}
