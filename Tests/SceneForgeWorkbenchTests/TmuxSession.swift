import Foundation

/// A detached tmux session on its own server socket, driven like a user would: keys in, screen text out.
/// Every wait has a deadline; `close()` (call it in a `defer`) kills the server and everything in it.
final class TmuxSession {
    let name: String
    private let socket: String

    /// nil when tmux is not installed (the tests then skip with that message).
    static var unavailableReason: String? {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || which("tmux") != nil
            ? nil : "tmux is not installed (scripts/dev deps installs it)"
    }

    /// Starts `command` (a shell command line) in a `width` x `height` window.
    init(_ command: String, width: Int = 100, height: Int = 30) throws {
        name = "sf\(getpid())x\(UUID().uuidString.prefix(6))"
        socket = "sceneforge-test-\(name)"
        try tmux(["-u", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", name, command])
        // Keep the pane after the command ends, so its last output can be read.
        try tmux(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    func close() {
        _ = try? tmux(["kill-server"])
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    /// Types text as it is (no key-name lookup), e.g. Chinese.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The screen's text; with `history`, the lines scrolled off the top too.
    func capture(history: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", name] + (history ? ["-S", "-"] : []))
    }

    /// The pid of the pane's first process (the shell running the command).
    func panePID() throws -> Int32 {
        let text = try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text) else { throw TestFailure("tmux gave no pane pid: '\(text)'") }
        return pid
    }

    /// Polls the screen until `matches` holds; returns that screen. Throws with the last screen after `timeout`.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 30, history: Bool = false, _ matches: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture(history: history)
            if matches(screen) { return screen }
            usleep(50_000)
        }
        throw TestFailure("waited \(Int(timeout)) s for \(what); the screen was:\n\(screen)")
    }

    @discardableResult
    func waitFor(text: String, timeout: Double = 30) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        try Self.run(["tmux", "-L", socket] + arguments)
    }

    /// Runs a command with posix_spawn and waitpid. Not Foundation's Process: `new-session` forks the tmux server,
    /// which inherits Process's exit-monitoring descriptor, so `waitUntilExit` would wait for the server's end.
    /// The child starts with no signals blocked and the usual ones at their defaults: the test runner's threads
    /// block SIGCHLD and SIGTERM, and a tmux server that inherited that mask never reaped its pane nor obeyed
    /// `kill-server`, so every session's server outlived the test run.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "tmux-out-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t(), defaults = sigset_t()
        sigemptyset(&unblocked)
        sigemptyset(&defaults)
        for signal in [SIGCHLD, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw TestFailure("cannot run \(arguments[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED && WEXITSTATUS == 0
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw TestFailure("\(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    private static func which(_ program: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Child processes of `pid` (from /proc, like `pgrep -P`).
func childProcesses(of pid: Int32) -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.compactMap(Int32.init).filter { child in
        guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        // Fields after "comm)": state, ppid, ...
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == pid
    }.sorted()
}

/// Whether a process exists and is not a zombie.
func processIsAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
    return !stat[stat.index(after: close)...].hasPrefix(" Z")
}

/// utime + stime of a process, in clock ticks.
func cpuTicks(of pid: Int32) -> Int? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After ")": state(0) ppid(1) ... utime is field 14 of the whole line, index 11 here; stime index 12.
    guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
    return user + system
}
