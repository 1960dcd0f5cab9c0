import Foundation
import SceneForgeImaging
import SceneForgeScenes

/// The program: a curses terminal, the app logic and an engine, joined by one loop that sleeps in
/// `poll` until a key, an engine update or a finished thumbnail arrives, and draws at most 30 times
/// a second.
public final class WorkbenchApp {
    public struct Options {
        public var settingsURL: URL
        public var themesDirectory: URL
        public var themeName: String?
        public var outputDirectory: URL?
        public var stylesDirectory: URL?
        public var model: String?
        /// The model used when neither `model` nor the saved settings name one (the embedded default model).
        public var defaultModel: String?

        public init(settingsURL: URL, themesDirectory: URL, themeName: String? = nil, outputDirectory: URL? = nil,
                    stylesDirectory: URL? = nil, model: String? = nil, defaultModel: String? = nil) {
            self.settingsURL = settingsURL; self.themesDirectory = themesDirectory; self.themeName = themeName
            self.outputDirectory = outputDirectory; self.stylesDirectory = stylesDirectory; self.model = model
            self.defaultModel = defaultModel
        }
    }

    private var workbench: Workbench
    private let engine: WorkbenchEngine
    private let options: Options
    private var settings: WorkbenchSettings
    private let theme: Theme

    public init(options: Options, engine: WorkbenchEngine, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.options = options
        self.engine = engine
        var settings = try WorkbenchSettings.load(contentsOf: options.settingsURL)
        if let name = options.themeName { settings.theme = name }
        self.settings = settings
        let catalog = try SceneCatalog.load(SceneSources.standard(environment: environment))
        let userDirectory = SceneSources.defaultUserDirectory(environment: environment)
        let output = options.outputDirectory
            ?? (settings.outputDirectory.isEmpty ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("outputs") : URL(fileURLWithPath: settings.outputDirectory))
        let styles = options.stylesDirectory
            ?? (settings.stylesDirectory.isEmpty ? userDirectory.appendingPathComponent("styles") : URL(fileURLWithPath: settings.stylesDirectory))
        var state = AppState(catalog: catalog, outputDirectory: output, stylesDirectory: styles,
                             userLayoutsDirectory: userDirectory.appendingPathComponent("layouts"))
        state.adopt(settings)
        if let model = options.model {
            state.model = model
        } else if state.model.isEmpty, let fallback = options.defaultModel {
            state.model = fallback
        }
        workbench = Workbench(state: state, bindings: try KeyBindings(overrides: settings.keys))
        let themeURL = options.themesDirectory.appendingPathComponent(settings.theme + ".toml")
        do { theme = try Theme.load(contentsOf: themeURL) } catch {
            // A missing or broken theme must not lock the user out: say so and draw without colours.
            theme = .fallback
            workbench.state.status = "Theme: \(error)"
        }
    }

    /// Runs until the user quits; the terminal is restored on every way out.
    public func run(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let depth = TerminalCapabilities.detect(environment: environment)
        let unicode = (setlocale(LC_CTYPE, "").map { String(cString: $0).uppercased() } ?? "").contains("UTF")
        TerminalRestoreOnSignal.install()
        let terminal = CursesTerminal(colorDepth: depth)
        defer { terminal.close() }
        let inbox = Inbox()
        let cache = ThumbnailCache(colorDepth: terminal.colorDepth) { inbox.post(.imagesReady) }
        let activeTheme = terminal.colorDepth == .none ? theme.monochrome : theme
        let renderer = Renderer(context: RenderContext(theme: activeTheme, colorDepth: terminal.colorDepth, images: cache,
                                                       bindings: workbench.bindings, unicode: unicode))
        let updates = engine.updates
        let listener = Task.detached {
            for await update in updates { inbox.post(.engine(update)) }
        }
        defer { listener.cancel() }

        if environment["SCENEFORGE_WORKBENCH_COUNTERS"] == "1" { workbench.state.counters = DebugCounters() }
        resize(to: terminal.size)
        perform([.rescanGallery, .rescanStyles], cache: cache)
        var dirty = true
        var lastFrame = Date.distantPast
        let frameInterval = 1.0 / 30
        while !workbench.state.shouldQuit {
            // Sleep until input, a message, or the next frame is due.
            var timeout: Int32 = -1
            if dirty { timeout = Int32(max(0, (frameInterval - Date().timeIntervalSince(lastFrame)) * 1000)) }
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, timeout)
            // The terminal went away (its window closed, ssh dropped): poll would report that forever while no
            // key ever arrives, so quit the way ctrl-q does (settings saved, engine shut down).
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                workbench.state.shouldQuit = true
                break
            }
            for message in inbox.take() {
                switch message {
                case .engine(let update):
                    let effects = workbench.apply(update)
                    perform(effects, cache: cache)
                    if case .memory = update, workbench.state.tab != .run { continue }
                case .imagesReady: break
                }
                dirty = true
            }
            while let key = terminal.readKey() {
                if key == .resize {
                    resize(to: terminal.size)
                    terminal.invalidate()
                }
                perform(workbench.handle(key), cache: cache)
                dirty = true
            }
            if dirty && Date().timeIntervalSince(lastFrame) >= frameInterval {
                workbench.state.counters?.frames += 1
                terminal.present(renderer.render(workbench.state))
                lastFrame = Date()
                dirty = false
            }
        }
        saveSettings()
        engine.shutdown()
    }

    private func resize(to size: (width: Int, height: Int)) {
        workbench.state.size = size
        workbench.state.galleryColumns = GalleryView.columns(forWidth: size.width)
    }

    private func saveSettings() {
        let text = workbench.state.settings(base: settings).toml
        try? FileManager.default.createDirectory(at: options.settingsURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: options.settingsURL, atomically: true, encoding: .utf8)
    }

    private func perform(_ effects: [Effect], cache: ThumbnailCache) {
        for effect in effects {
            switch effect {
            case .submit(let request):
                do {
                    let id = try engine.submit(request)
                    workbench.submitted(request, id: id)
                } catch {
                    workbench.submitFailed("\(error)")
                }
            case .cancel(let job):
                do { try engine.cancel(job: job) } catch { workbench.state.status = "Cannot cancel \(job): \(error)" }
            case .writeFile(let url, let text):
                do {
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try text.write(to: url, atomically: true, encoding: .utf8)
                } catch {
                    workbench.state.status = "Cannot write \(url.path): \(error.localizedDescription)"
                }
            case .deleteFile(let url):
                do { try FileManager.default.removeItem(at: url) } catch {
                    workbench.state.status = "Cannot delete \(url.path): \(error.localizedDescription)"
                }
                cache.forget(url)
            case .rescanGallery:
                workbench.state.galleryFiles = Self.imageFiles(in: workbench.state.outputDirectory, extensions: ["png"], newestFirst: true)
                workbench.state.galleryIndex = min(workbench.state.galleryIndex, max(0, workbench.state.galleryFiles.count - 1))
            case .rescanStyles:
                workbench.state.styleFiles = Self.imageFiles(in: workbench.state.stylesDirectory, extensions: ["png"], newestFirst: false)
            case .loadRecord(let url):
                loadRecord(url)
            case .quit:
                workbench.state.shouldQuit = true
            }
        }
    }

    private func loadRecord(_ url: URL) {
        do {
            let metadata = try PNGFile.metadata(contentsOf: url)
            if let record = metadata.record {
                workbench.state.galleryRecords[url.path] = record
                let json = String(decoding: try record.jsonData(pretty: true), as: UTF8.self)
                workbench.state.recordText = json.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            } else if let session = workbench.state.sessionRecords[url.path] {
                workbench.state.recordText = session
            } else {
                workbench.state.recordText = ["No SceneForge record in this PNG."] + metadata.text.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            }
        } catch {
            workbench.state.recordText = ["\(error)"]
        }
    }

    static func imageFiles(in directory: URL, extensions: Set<String>, newestFirst: Bool) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        // Hidden files are the engine's temporary files mid-write.
        let urls = names.filter { !$0.hasPrefix(".") && extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .map { directory.appendingPathComponent($0) }
        guard newestFirst else { return urls.sorted { $0.lastPathComponent < $1.lastPathComponent } }
        func modified(_ url: URL) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return urls.map { ($0, modified($0)) }.sorted { $0.1 > $1.1 }.map(\.0)
    }
}
