import Foundation
import SceneForgeImaging
import Testing

/// The whole program in a real terminal: `sceneforge workbench` in tmux with its real engine child process,
/// driven with `send-keys` and read with `capture-pane`. Skipped (with the reason) only when tmux is absent.
@Suite(.serialized, .enabled(if: TmuxSession.unavailableReason == nil, "tmux is not installed (scripts/dev deps installs it)"))
struct WorkbenchEndToEndTests {
    /// The preview box's cells (right of the progress and queue panels, rows 2...18 at 100x30).
    static func previewArea(_ screen: String) -> String {
        screen.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).prefix(17)
            .map { String($0.suffix(32)) }.joined(separator: "\n")
    }

    @Test func composeChooseALayoutRunAndOpenTheResultWithItsRecord() throws {
        // The real tiny Z-Image model through the real engine: 8 steps at a small phone size (its RoPE table
        // covers at most 640 px).
        let session = try Session(settings: "steps = 8\nsize = \"144x288\"\nrandom_seed = false\nseed = \"4242\"\n")
        let tmux = session.tmux
        // Compose: a prompt with Chinese, measured two cells per character.
        try tmux.type("coupon popup 优惠券弹窗 over the order button")
        try tmux.waitFor(text: "优惠券弹窗 over the order button")
        // Layout: the list starts at the first layout; two steps down choose the third.
        try tmux.send("F3")
        // The list and its preview pane are drawn in the same frame, but capture-pane can catch the terminal mid-frame.
        let listed = try tmux.waitFor("the layout list with its preview") { $0.contains("Layouts (") && $0.contains("│anomaly: ") }
        let rows = listed.split(separator: "\n").dropFirst(2).prefix(3).map { line in
            String(line.dropFirst().prefix(34)).trimmingCharacters(in: .whitespaces)
        }
        let layoutID = try #require(rows.last)
        let anomalyBefore = try #require(listed.split(separator: "\n").first { $0.contains("│anomaly: ") })
        try tmux.send("Down")
        try tmux.send("Down")
        try tmux.waitFor("the third layout chosen") { screen in
            !screen.contains(String(anomalyBefore)) || screen.split(separator: "\n").contains { $0.contains("│anomaly: ") && $0 != anomalyBefore }
        }
        // Run: the preview box changes from "no preview" to image cells, and the bar reaches 8/8.
        try tmux.send("F6")
        let before = Self.previewArea(try tmux.waitFor("the empty run tab") { $0.contains("Nothing yet") && $0.contains("no preview") })
        #expect(before.contains("no preview"))
        try tmux.send("C-r")
        let done = try tmux.waitFor("the job done", timeout: 180) { $0.contains("step 8/8") && $0.contains("done in") }
        // Once done, the result file's thumbnail (loaded in the background) replaces the last preview.
        let after = Self.previewArea(try tmux.waitFor("the result's thumbnail") { !Self.previewArea($0).contains("no preview") })
        #expect(after != before && !after.contains("no preview") && after.contains { !" │\n".contains($0) }, "preview area:\n\(after)")
        #expect(done.contains("done       job-1  seed 4242"))
        #expect(done.contains("144x288  layout \(layoutID)  coupon popup"), "the job does not carry layout \(layoutID):\n\(done)")
        // Gallery: open the result and show its record.
        try tmux.send("F7")
        try tmux.waitFor(text: "Gallery: \(session.output) (1)")
        try tmux.send("i")
        // The record view opens on the PNG's embedded record (sorted keys; long ones run below the fold).
        let recordView = try tmux.waitFor("the record view") { $0.contains("\"anomalyBoxes\"") && $0.contains("-0-4242.png") }
        #expect(recordView.contains("\"createdAt\"") && recordView.contains("1/1 ") && recordView.contains("-0-4242.png"))
        let png = try #require(try FileManager.default.contentsOfDirectory(atPath: session.output).first { $0.hasSuffix(".png") })
        let record = try #require(try PNGFile.metadata(contentsOf: URL(fileURLWithPath: session.output).appendingPathComponent(png)).record)
        #expect(record.prompt.hasPrefix("coupon popup 优惠券弹窗") && record.seed == 4242)
        #expect(record.steps == 8 && record.width == 144 && record.height == 288)
        let files = try FileManager.default.contentsOfDirectory(atPath: session.output).filter { !$0.hasPrefix(".") }
        #expect(files.count == 1 && files[0].hasSuffix("-0-4242.png"))
        // Escape alone (curses waits a moment to tell it from an alt- key), back to the grid, then quit.
        try tmux.send("Escape")
        try tmux.waitFor("the grid again") { !$0.contains("esc back") }
        try tmux.send("C-q")
        try session.expectCleanExit()
    }

    /// First-run settings on the embedded model: the size is the model's own, which the engine reads from the
    /// model folder and reports, so the image is the 128x256 the model was trained at.
    @Test func aFirstRunDrawsTheModelsOwnSize() throws {
        let session = try Session(settings: "prompt = \"A toast in the lower third.\"\n", model: EndToEndModel.embedded)
        let tmux = session.tmux
        try tmux.send("F5")
        try tmux.waitFor(text: "the model's own size")
        try tmux.send("C-r")
        let done = try tmux.waitFor("the job done", timeout: 120) { $0.contains("step 8/8") && $0.contains("done in") }
        #expect(done.contains("128x256"), "the run view does not say the drawn size:\n\(done)")
        let png = try #require(try FileManager.default.contentsOfDirectory(atPath: session.output).first { $0.hasSuffix(".png") })
        let image = try PNGFile.read(contentsOf: URL(fileURLWithPath: session.output).appendingPathComponent(png))
        #expect(image.width == 128 && image.height == 256)
        try tmux.send("C-q")
        try session.expectCleanExit()
    }

    /// Where the anomaly goes is what the user left in the Layout tab: the toast nudged up guides the embedded model's
    /// own ControlNet there, and the image's ground truth is the moved box (before, the engine drew the built-in one).
    @Test func aNudgedLayoutIsWhatTheJobDraws() throws {
        let session = try Session(settings: "prompt = \"A toast in the lower third.\"\nlayout = \"toast\"\nrandom_seed = false\nseed = \"7\"\n",
                                  model: EndToEndModel.embedded)
        let tmux = session.tmux
        try tmux.send("F3")
        try tmux.waitFor(text: "anomaly: toast")
        try tmux.send("m")
        try tmux.waitFor(text: "NUDGING")
        for _ in 0..<10 { try tmux.send("Up") }
        try tmux.send("m")
        try tmux.waitFor(text: "Nudge off")
        try tmux.send("C-r")
        try tmux.waitFor("the job done", timeout: 120) { $0.contains("step 8/8") && $0.contains("done in") }
        let png = try #require(try FileManager.default.contentsOfDirectory(atPath: session.output).first { $0.hasSuffix(".png") })
        let record = try #require(try PNGFile.metadata(contentsOf: URL(fileURLWithPath: session.output).appendingPathComponent(png)).record)
        // The built-in toast sits at y 0.7 (179 of 256 pixels); ten nudges of 0.01 put it at 0.6.
        let toast = try #require(record.anomalyBoxes.first)
        #expect(record.controlLayout == "toast" && abs(toast.y - 154) <= 1, "\(record.anomalyBoxes)")
        #expect(record.extra["layoutFile"]?.contains("y = 0.6\n") == true, "\(record.extra)")
        try tmux.send("C-q")
        try session.expectCleanExit()
    }

    @Test func aTooSmallTerminalSaysSoAndARestoredOneIsRedrawn() throws {
        let session = try Session(settings: "")
        let tmux = session.tmux
        try tmux.resize(width: 70, height: 20)
        try tmux.waitFor(text: "Terminal too small")
        try tmux.waitFor(text: "70x20, need 80x24")
        try tmux.resize(width: 100, height: 30)
        let screen = try tmux.waitFor("the full screen again") { $0.contains("F2 Compose") && !$0.contains("too small") }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 30)
        // The frame spans the new width: its top-right corner sits in column 100.
        #expect(lines.contains { $0.hasPrefix("┌ Prompt") && $0.hasSuffix("┐") && $0.count == 100 })
        try tmux.send("C-q")
        try session.expectCleanExit()
    }

    @Test func killingTheEngineMidJobFailsThatJobAndTheNextRunWorks() throws {
        // A batch that keeps the engine busy long enough to kill it mid-job: 12 jobs of 200 steps at 1088x2336.
        // The model-free generator: long jobs to kill, whatever the model.
        let session = try Session(settings: "steps = 200\nsize = \"1088x2336\"\nbatch_count = 12\nprompt = \"network error page\"\n",
                                  model: "scheduled-noise")
        let tmux = session.tmux
        try tmux.send("C-r")
        try tmux.waitFor("a job running", timeout: 30) { $0.contains("Running") && $0.contains("queued") }
        let engine = try session.enginePID()
        kill(engine, SIGKILL)
        let failed = try tmux.waitFor("the failed job", timeout: 20) { $0.contains("failed: the engine stopped (signal 9)") }
        #expect(failed.contains("failed     job-"), "no failed job in the queue:\n\(failed)")
        // The rest of the batch runs on a new engine; then a new run (batch count 1) works too.
        let next = try session.enginePID()
        #expect(next != engine)
        try tmux.send("F5")
        try tmux.waitFor(text: "Parameters")
        for _ in 0..<5 { try tmux.send("Down") }
        for _ in 0..<12 { try tmux.send("Left") }
        try tmux.waitFor("batch count 1") { $0.contains("Batch count   1 ") || $0.hasSuffix("Batch count   1") || $0.contains("Batch count   1\n") }
        try tmux.send("C-r")
        let screen = try tmux.waitFor("the new job done", timeout: 120) { $0.contains("0 pending") && $0.contains("done       job-13") }
        #expect(screen.contains("Queue (0 pending, 13 in session)"))
        try tmux.send("C-q")
        try session.expectCleanExit()
        #expect(!processIsAlive(next), "the engine outlived the workbench")
    }

    @Test func ctrlCWithAJobQueuedAsksBeforeQuitting() throws {
        let session = try Session(settings: "steps = 200\nsize = \"1088x2336\"\nbatch_count = 20\nprompt = \"toast\"\n",
                                  model: "scheduled-noise")
        let tmux = session.tmux
        try tmux.send("C-r")
        try tmux.waitFor(text: "queued")
        let engine = try session.enginePID()
        try tmux.send("C-c")
        try tmux.waitFor(text: "Quit anyway?")
        try tmux.send("n")
        try tmux.waitFor("the question gone") { !$0.contains("Quit anyway?") }
        #expect(processIsAlive(engine))
        try tmux.send("C-c")
        try tmux.waitFor(text: "Quit anyway?")
        try tmux.send("y")
        try session.expectCleanExit()
        #expect(!processIsAlive(engine), "the engine outlived the workbench")
    }
}

/// A workbench session with its own settings, output folder and model; the shell prints the exit status and
/// the terminal modes after the workbench exits.
final class Session {
    let tmux: TmuxSession
    let folder: TestFolder
    var output: String { folder.path("out") }

    init(settings: String, model: String = EndToEndModel.name, width: Int = 100, height: Int = 30) throws {
        folder = try TestFolder("e2e")
        try FileManager.default.createDirectory(atPath: folder.path("config"), withIntermediateDirectories: true)
        try settings.write(toFile: folder.path("config/workbench.toml"), atomically: true, encoding: .utf8)
        let environment = "SCENEFORGE_CONFIG_DIR=\(folder.path("config")) SCENEFORGE_WORKBENCH_COUNTERS=1 LC_ALL=C.UTF-8 TERM=xterm-256color"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let command = "cd \(root.path) && \(environment) \(try sceneforgeBinary()) workbench --model \(model) --output-dir \(folder.path("out"))"
            + "; echo \"__EXITED $?\"; echo \"__MODES $(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' ')\""
        tmux = try TmuxSession(command, width: width, height: height)
        try tmux.waitFor(text: "F2 Compose", timeout: 30)
    }

    deinit { tmux.close() }

    /// The workbench process (the pane's shell's child) and its engine (the workbench's child).
    func workbenchPID() throws -> Int32 {
        let shell = try tmux.panePID()
        guard let pid = childProcesses(of: shell).first else { throw TestFailure("no workbench process under pane pid \(shell)") }
        return pid
    }

    func enginePID(timeout: Double = 20) throws -> Int32 {
        let workbench = try workbenchPID()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let engine = childProcesses(of: workbench).first { return engine }
            usleep(50_000)
        }
        throw TestFailure("the workbench (pid \(workbench)) started no engine within \(Int(timeout)) s")
    }

    /// After quitting: the exit status and that the terminal is back in cooked mode with echo.
    func expectCleanExit() throws {
        // With the scrollback: the workbench leaves the cursor on the last row, so tmux's "Pane is dead" line
        // scrolls the exit status off the screen.
        let screen = try tmux.waitFor("the exit report", timeout: 15, history: true) { $0.contains("__MODES ") && $0.contains("echo") }
        #expect(screen.contains("__EXITED 0"), "the workbench did not exit 0:\n\(screen)")
        #expect(screen.contains("__MODES icanon echo"), "the terminal is not back in canonical mode with echo:\n\(screen)")
        #expect(!screen.contains("F2 Compose"), "the workbench's screen was left behind:\n\(screen)")
    }
}

/// The model the end-to-end runs use: the real tiny Z-Image folder (a diffusers layout), so the runs go through
/// the engine's real pipeline and write PNGs with records.
enum EndToEndModel {
    static let name = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/zimage/pipeline").path
    /// The committed embedded default model (it declares its own size, 128x256).
    static let embedded = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/default").path
}
