import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Paths and helpers shared by the batch tests.
enum Support {
    static var testsFolder: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.lastPathComponent != "Tests", dir.path != "/" { dir.deleteLastPathComponent() }
        return dir
    }

    static func fixture(_ path: String) -> URL { testsFolder.appendingPathComponent("Fixtures/batch/\(path)") }

    static var tinyScenario: URL { fixture("good/tiny.toml") }

    /// A fresh empty folder under the system temporary folder.
    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sceneforge-batch-tests-\(getpid())/\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The `sceneforge` binary SwiftPM built next to the test bundle (`swift test` builds every product).
    static func sceneforgeBinary() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [exe.deletingLastPathComponent().appendingPathComponent("sceneforge")]
        if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("sceneforge")) }
        candidates.append(testsFolder.deletingLastPathComponent().appendingPathComponent(".build/debug/sceneforge"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw SupportError("no sceneforge binary; looked at \(candidates.map(\.path)); run `swift build` first")
        }
        return found
    }

    /// Every record of reference runs carries this createdAt (SOURCE_DATE_EPOCH), so files compare byte for byte.
    static let epoch = 1_700_000_000

    /// Starts `sceneforge ARGS` with SOURCE_DATE_EPOCH set; stdout and stderr go to files in `logs`.
    static func start(_ arguments: [String], logs: URL) throws -> Process {
        let process = Process()
        process.executableURL = try sceneforgeBinary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SOURCE_DATE_EPOCH"] = "\(epoch)"
        process.environment = environment
        FileManager.default.createFile(atPath: logs.path, contents: nil)
        let log = try FileHandle(forWritingTo: logs)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    /// Runs `sceneforge ARGS` to the end; throws with its output when it fails.
    @discardableResult
    static func run(_ arguments: [String], in folder: URL) throws -> String {
        let logs = folder.appendingPathComponent("log-\(UUID().uuidString.prefix(6)).txt")
        let process = try start(arguments, logs: logs)
        process.waitUntilExit()
        let output = (try? String(contentsOf: logs, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: logs)
        guard process.terminationStatus == 0 else {
            throw SupportError("sceneforge \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(output)")
        }
        return output
    }

    /// Every file under `folder` (relative path -> bytes), skipping the given names.
    static func files(in folder: URL, excluding: Set<String> = []) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let base = folder.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let url as URL in walker {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let relative = String(url.resolvingSymlinksInPath().path.dropFirst(base.count + 1))
            guard !excluding.contains(relative) else { continue }
            result[relative] = try Data(contentsOf: url)
        }
        return result
    }
}

struct SupportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
