import Foundation

/// Where the model used when none is named lives. Search order, first hit wins:
/// 1. `$SCENEFORGE_MODEL` (a diffusers-layout folder),
/// 2. `models/default` next to the executable,
/// 3. `models/default` in the source checkout the executable was built in
///    (SwiftPM puts it in `.build/<triple>/<config>/`, three levels below the checkout),
/// 4. `share/sceneforge/models/default` beside the executable's `bin/` (an installed layout).
/// `SCENEFORGE_MODEL=none` turns the default off: every run must then name its model.
public enum DefaultModel {
    public static let variable = "SCENEFORGE_MODEL"

    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        if environment[variable] == "none" { return [] }
        var urls: [URL] = []
        if let explicit = environment[variable], !explicit.isEmpty { urls.append(URL(fileURLWithPath: explicit)) }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let folder = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
        urls.append(folder.appendingPathComponent("models/default"))
        var checkout = folder
        for _ in 0..<3 { checkout = checkout.deletingLastPathComponent() }
        urls.append(checkout.appendingPathComponent("models/default"))
        urls.append(folder.deletingLastPathComponent().appendingPathComponent("share/sceneforge/models/default"))
        return urls
    }

    /// The first candidate holding a `model_index.json`, or an error listing where it looked.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let urls = candidates(environment: environment)
        if let found = urls.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("model_index.json").path) }) {
            return found
        }
        throw PipelineError.noDefaultModel(searched: urls.isEmpty ? ["nowhere: \(variable)=none"] : urls.map(\.path))
    }
}
