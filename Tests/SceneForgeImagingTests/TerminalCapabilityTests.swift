import Foundation
import Testing
@testable import SceneForgeImaging

struct TerminalCapabilityTests {
    static let noTerminfo: (String) -> Int? = { _ in nil }

    @Test(arguments: [
        (["TERM": "xterm-256color", "COLORTERM": "truecolor"], ColorDepth.truecolor),
        (["TERM": "xterm-256color", "COLORTERM": "24bit"], .truecolor),
        (["TERM": "xterm-256color"], .palette256),
        (["TERM": "screen-256color", "COLORTERM": "gnome-terminal"], .palette256),
        (["TERM": "xterm"], .palette16),
        (["TERM": "linux"], .palette16),
        (["TERM": "xterm-direct"], .truecolor),
        (["TERM": "dumb", "COLORTERM": "truecolor"], .none),
        (["TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"], .none),
        (["TERM": "xterm-256color", "NO_COLOR": ""], .palette256),
        ([:], .none),
        (["TERM": "unknown-terminal"], .none),
    ])
    func environmentOnly(_ env: [String: String], _ expected: ColorDepth) {
        #expect(TerminalCapabilities.colorDepth(environment: env, terminfoColors: Self.noTerminfo) == expected)
    }

    @Test func terminfoDecidesWhenPresent() {
        #expect(TerminalCapabilities.colorDepth(environment: ["TERM": "foo"], terminfoColors: { _ in 256 }) == .palette256)
        #expect(TerminalCapabilities.colorDepth(environment: ["TERM": "foo"], terminfoColors: { _ in 8 }) == .palette16)
        #expect(TerminalCapabilities.colorDepth(environment: ["TERM": "foo"], terminfoColors: { _ in 0x1000000 }) == .truecolor)
        #expect(TerminalCapabilities.colorDepth(environment: ["TERM": "xterm-mono"], terminfoColors: { _ in 2 }) == .none)
    }

    /// The real compiled entries on this machine, checked against `tput colors`.
    @Test(arguments: ["xterm", "xterm-256color", "linux", "vt100", "xterm-mono", "screen-256color"])
    func terminfoFilesMatchTput(_ term: String) throws {
        let tput = Process()
        tput.executableURL = URL(fileURLWithPath: "/usr/bin/tput")
        tput.arguments = ["-T", term, "colors"]
        let pipe = Pipe()
        tput.standardOutput = pipe
        tput.standardError = FileHandle.nullDevice
        guard (try? tput.run()) != nil else { return }  // no tput: nothing to compare with
        tput.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard tput.terminationStatus == 0, let expected = Int(out) else { return }
        let colors = Terminfo.colors(term: term, environment: [:])
        #expect(colors ?? -1 == expected, "\(term): tput says \(expected)")
    }

    @Test func malformedTerminfoIsAnError() {
        #expect(throws: ImagingError.self) { try Terminfo.colors(compiled: [1, 2, 3]) }
        #expect(throws: ImagingError.self) { try Terminfo.colors(compiled: [0x1A, 0x01, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0]) }
    }

    @Test func terminfoSearchOrder() {
        let dirs = Terminfo.searchDirectories(environment: ["TERMINFO": "/t", "HOME": "/h", "TERMINFO_DIRS": "/a::/b"])
        #expect(Array(dirs.prefix(4)) == ["/t", "/h/.terminfo", "/a", "/etc/terminfo"])
        #expect(dirs.contains("/b"))
    }
}
