import Foundation

/// Decides how many colours the terminal can show, from the environment and terminfo.
public enum TerminalCapabilities {
    /// - Parameter terminfoColors: the terminfo `colors` value for a terminal name (injectable for tests).
    public static func colorDepth(
        environment: [String: String],
        terminfoColors: (String) -> Int? = { _ in nil }
    ) -> ColorDepth {
        // https://no-color.org: present and not empty disables colour.
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        let term = environment["TERM"] ?? ""
        if term.isEmpty || term == "dumb" { return .none }
        if let colorTerm = environment["COLORTERM"]?.lowercased(), colorTerm == "truecolor" || colorTerm == "24bit" {
            return .truecolor
        }
        if term.hasSuffix("-direct") { return .truecolor }
        if let n = terminfoColors(term) {
            if n >= 1 << 24 { return .truecolor }
            if n >= 256 { return .palette256 }
            if n >= 8 { return .palette16 }
            return .none
        }
        if term.hasSuffix("-256color") { return .palette256 }
        let sixteen = ["linux", "xterm", "screen", "tmux", "rxvt", "vt220", "ansi", "cygwin", "putty", "konsole", "gnome"]
        if sixteen.contains(where: { term == $0 || term.hasPrefix($0 + "-") }) { return .palette16 }
        return .none
    }

    /// The colour depth of the terminal this process runs in, reading real terminfo files.
    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> ColorDepth {
        colorDepth(environment: environment) { Terminfo.colors(term: $0, environment: environment) }
    }
}
