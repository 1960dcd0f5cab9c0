import ArgumentParser
import Foundation
import SceneForgeEngine
import SceneForgeModels
import SceneForgeWorkbench

/// `sceneforge workbench` (also `sceneforge` alone): the terminal UI for composing scenes, watching
/// the engine and browsing results (docs/workbench.md).
struct WorkbenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workbench", abstract: "Open the terminal workbench.")

    @Option(help: "Model folder for new jobs (overrides the saved setting).") var model: String?
    @Option(name: .customLong("output-dir"), help: "Where results are written and browsed (default ./outputs).") var outputDir: String?
    @Option(name: .customLong("styles-dir"), help: "Folder of reference screenshots (PNG) for the style picker.") var stylesDir: String?
    @Option(help: "Theme name: a file themes/NAME.toml (dark, light, high-contrast).") var theme: String?
    @Option(help: "Settings file (default ~/.config/sceneforge/workbench.toml).") var settings: String?
    @Option(name: .customLong("themes-dir"), help: "Folder of theme files (default: themes/ beside the executable's checkout, or ./themes).") var themesDir: String?
    @Option(name: .customLong("engine-command"),
            help: "The engine command line, split at spaces (default: this executable's `engine`; e.g. \"ssh gpu-host sceneforge engine\").")
    var engineCommand: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let options = WorkbenchApp.Options(
            settingsURL: settings.map { URL(fileURLWithPath: $0) } ?? WorkbenchSettings.defaultURL(environment: environment),
            themesDirectory: themesDir.map { URL(fileURLWithPath: $0) } ?? Self.findThemes(executable: executable),
            themeName: theme, outputDirectory: outputDir.map { URL(fileURLWithPath: $0) },
            stylesDirectory: stylesDir.map { URL(fileURLWithPath: $0) }, model: model,
            defaultModel: try? DefaultModel.locate(environment: environment).path)
        let app: WorkbenchApp
        do {
            let command = engineCommand.map { $0.split(separator: " ").map(String.init) } ?? [executable, "engine"]
            guard !command.isEmpty else { throw ValidationError("--engine-command is empty") }
            app = try WorkbenchApp(options: options, engine: EngineClientEngine(configuration: .init(command: command)), environment: environment)
        } catch {
            FileHandle.standardError.write(Data("sceneforge workbench: \(error)\n".utf8))
            throw ExitCode.failure
        }
        app.run(environment: environment)
    }

    /// `./themes`, else a `themes` folder above the executable (a build inside a checkout).
    static func findThemes(executable: String) -> URL {
        let local = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("themes")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("themes")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("dark.toml").path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return local
    }
}
