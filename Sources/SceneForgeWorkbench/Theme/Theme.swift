import Foundation
import SceneForgeImaging
import SceneForgeScenes
import TOMLKit

/// Colours and attributes for every `ThemeRole`, read from a `themes/*.toml` file.
public struct Theme: Sendable {
    public var name: String
    public var styles: [ThemeRole: CellStyle]
    /// True when colours are off (`NO_COLOR`, `TERM=dumb`): the UI marks focus and selection with
    /// reverse video and bold only.
    public private(set) var isMonochrome = false

    public init(name: String, styles: [ThemeRole: CellStyle]) {
        self.name = name
        self.styles = styles
    }

    public subscript(role: ThemeRole) -> CellStyle { styles[role] ?? styles[.normal] ?? .plain }

    /// Colours dropped; roles that colour alone told apart get attributes instead.
    public var monochrome: Theme {
        var theme = Theme(name: name + " (monochrome)", styles: [:])
        theme.isMonochrome = true
        for role in ThemeRole.allCases {
            let style = self[role]
            var plain = CellStyle(bold: style.bold, reverse: style.reverse, underline: style.underline, dim: style.dim)
            switch role {
            case .selection, .tabActive, .statusBar, .progressDone, .layoutSelected: plain.reverse = true
            case .title, .borderFocused, .error, .accent, .layoutAnomaly: plain.bold = true
            case .muted, .progressTodo: plain.dim = true
            default: break
            }
            theme.styles[role] = plain
        }
        return theme
    }

    /// A usable theme when no file can be read.
    public static let fallback = Theme(name: "builtin", styles: [
        .normal: CellStyle(), .muted: CellStyle(dim: true), .title: CellStyle(bold: true),
        .border: CellStyle(), .borderFocused: CellStyle(bold: true), .tab: CellStyle(),
        .tabActive: CellStyle(reverse: true), .selection: CellStyle(reverse: true),
        .statusBar: CellStyle(reverse: true), .accent: CellStyle(bold: true), .error: CellStyle(bold: true),
        .warning: CellStyle(bold: true), .ok: CellStyle(), .progressDone: CellStyle(reverse: true),
        .progressTodo: CellStyle(dim: true), .graphVRAM: CellStyle(), .graphRAM: CellStyle(),
        .layoutFurniture: CellStyle(), .layoutAnomaly: CellStyle(bold: true),
        .layoutSelected: CellStyle(reverse: true), .overlay: CellStyle(),
    ])
}

public struct ThemeError: Error, CustomStringConvertible {
    public var description: String
    init(_ file: String, _ message: String) { description = "\(file): \(message)" }
}

extension Theme {
    /// Parses a theme file:
    /// ```toml
    /// name = "dark"
    /// [colors]
    /// normal = { fg = "#d0d0d0", bg = "#1c1c1c" }
    /// selection = { fg = "black", bg = "#5fafff", bold = true }
    /// ```
    /// Colours are `#rrggbb`, a palette index 0-255, an ANSI name, or `default`. Roles left out
    /// use `normal`'s style.
    public static func parse(text: String, file: String) throws -> Theme {
        let root: TOMLTable
        do { root = try TOMLText.parse(text) } catch let error as TOMLSyntaxError {
            throw ThemeError("\(file):\(error.line)", "TOML syntax error: \(error.message)")
        }
        for key in root.keys where key != "name" && key != "colors" {
            throw ThemeError(file, "unknown field '\(key)' (known: name, colors)")
        }
        let name = root["name"]?.string ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        guard let colors = root["colors"]?.table else { throw ThemeError(file, "missing [colors] table") }
        var styles: [ThemeRole: CellStyle] = [:]
        for key in colors.keys {
            guard let role = ThemeRole(rawValue: key) else {
                throw ThemeError(file, "colors.\(key): unknown role (known: \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let entry = colors[key]?.table else { throw ThemeError(file, "colors.\(key): expected a table like { fg = \"#ffffff\" }") }
            styles[role] = try parseStyle(entry, field: "colors.\(key)", file: file)
        }
        guard styles[.normal] != nil else { throw ThemeError(file, "colors.normal: missing (every other role falls back to it)") }
        return Theme(name: name, styles: styles)
    }

    public static func load(contentsOf url: URL) throws -> Theme {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ThemeError(url.path, "cannot read: \(error.localizedDescription)")
        }
        return try parse(text: text, file: url.path)
    }

    private static func parseStyle(_ table: TOMLTable, field: String, file: String) throws -> CellStyle {
        var style = CellStyle()
        for key in table.keys {
            let value = table[key]
            switch key {
            case "fg": style.foreground = try parseColor(value, field: "\(field).fg", file: file)
            case "bg": style.background = try parseColor(value, field: "\(field).bg", file: file)
            case "bold", "reverse", "underline", "dim":
                guard let flag = value?.bool else { throw ThemeError(file, "\(field).\(key): expected true or false") }
                switch key {
                case "bold": style.bold = flag
                case "reverse": style.reverse = flag
                case "underline": style.underline = flag
                default: style.dim = flag
                }
            default: throw ThemeError(file, "\(field).\(key): unknown attribute (known: fg, bg, bold, reverse, underline, dim)")
            }
        }
        return style
    }

    static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                            "bright_black", "bright_red", "bright_green", "bright_yellow", "bright_blue",
                            "bright_magenta", "bright_cyan", "bright_white"]

    static func parseColor(_ value: TOMLValueConvertible?, field: String, file: String) throws -> TerminalColor {
        if let index = value?.int {
            guard (0...255).contains(index) else { throw ThemeError(file, "\(field): palette index \(index) is outside 0-255") }
            return .indexed(UInt8(index))
        }
        guard let text = value?.string?.lowercased() else { throw ThemeError(file, "\(field): expected \"#rrggbb\", a colour name or 0-255") }
        if text == "default" { return .default }
        if let i = ansiNames.firstIndex(of: text) { return .indexed(UInt8(i)) }
        let hex = text.hasPrefix("#") ? String(text.dropFirst()) : ""
        guard hex.count == 6, let v = UInt32(hex, radix: 16) else {
            throw ThemeError(file, "\(field): '\(text)' is not #rrggbb, a colour name (\(ansiNames.joined(separator: ", "))) or default")
        }
        return .rgb(RGB(UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)))
    }
}
