import CTorchShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An error from libtorch or from loading the shim. `message` is libtorch's own text where there is one.
public struct TorchError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let message: String
    public var description: String { "\(operation): \(message)" }

    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }
}

/// The loaded shim: its function table and where it came from.
///
/// Search order for `libsceneforge_torch.so` (first hit wins):
/// 1. `$SCENEFORGE_TORCH_SHIM` (a file path),
/// 2. next to the running executable,
/// 3. the build folder: `shim/` in the executable's folder's parent or grandparent (SwiftPM puts
///    executables in `.build/<triple>/<config>/`, and `scripts/dev` builds the shim into `.build/shim/`),
/// 4. `<executable dir>/../lib/sceneforge/` (an installed layout).
public final class TorchRuntime: @unchecked Sendable {
    public static let libraryName = "libsceneforge_torch.so"
    public static let pathVariable = "SCENEFORGE_TORCH_SHIM"

    public let api: sf_torch_api
    public let libraryPath: String

    private static let loaded: Result<TorchRuntime, any Error> = Result { try TorchRuntime() }

    /// The process-wide runtime; loading happens once, and its failure is remembered.
    public static func shared() throws -> TorchRuntime { try loaded.get() }

    /// The shim's table, for the tensor operations (which exist only once the runtime loaded).
    @inline(__always) static var table: sf_torch_api {
        get throws { try loaded.get().api }
    }

    public static func candidatePaths(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var paths: [String] = []
        if let explicit = environment[pathVariable], !explicit.isEmpty { paths.append(explicit) }
        let exe = URL(fileURLWithPath: executablePath()).resolvingSymlinksInPath().deletingLastPathComponent()
        paths.append(exe.appendingPathComponent(libraryName).path)
        let parent = exe.deletingLastPathComponent()
        paths.append(parent.appendingPathComponent("shim/\(libraryName)").path)
        paths.append(parent.deletingLastPathComponent().appendingPathComponent("shim/\(libraryName)").path)
        paths.append(parent.appendingPathComponent("lib/sceneforge/\(libraryName)").path)
        return paths
    }

    private init() throws(TorchError) {
        let candidates = Self.candidatePaths()
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw TorchError("loading the libtorch shim", """
                \(Self.libraryName) was not found. Looked in:
                \(candidates.map { "  " + $0 }.joined(separator: "\n"))
                Build it with `scripts/dev shim` (needs Debian's libtorch-dev), or point \(Self.pathVariable) at it.
                """)
        }
        // libgomp busy-waits between parallel regions by default, which makes every op several times
        // slower when anything else wants the CPU (measured: docs/benchmarks.md). It reads this at load.
        setenv("OMP_WAIT_POLICY", "PASSIVE", 0)
        // OpenBLAS's kernels by the CPU's features, not its model number, unless the user chose (`OpenBLASCore`).
        if let core = OpenBLASCore.forThisMachine() { setenv(OpenBLASCore.variable, core, 0) }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw TorchError("loading the libtorch shim", "\(path) could not be loaded: \(reason)")
        }
        guard let symbol = dlsym(handle, SF_TORCH_ENTRY_POINT) else {
            throw TorchError("loading the libtorch shim", "\(path) has no entry point \(SF_TORCH_ENTRY_POINT)")
        }
        typealias GetAPI = @convention(c) () -> UnsafePointer<sf_torch_api>?
        guard let table = unsafeBitCast(symbol, to: GetAPI.self)() else {
            throw TorchError("loading the libtorch shim", "\(path) could not build its function table")
        }
        let abi = table.pointee.abi_version
        guard abi == SF_TORCH_ABI_VERSION else {
            throw TorchError("loading the libtorch shim",
                             "\(path) speaks ABI version \(abi), this program needs \(SF_TORCH_ABI_VERSION); rebuild the shim")
        }
        guard Int(table.pointee.struct_size) >= MemoryLayout<sf_torch_api>.size else {
            throw TorchError("loading the libtorch shim", "\(path) has a shorter function table than this program expects; rebuild the shim")
        }
        let missing = Self.emptyEntries(of: table.pointee)
        guard missing.isEmpty else {
            throw TorchError("loading the libtorch shim", "\(path) leaves entries empty: \(missing.joined(separator: ", "))")
        }
        self.api = table.pointee
        self.libraryPath = path
        // Debian's OpenMP build starts with one thread; use every core unless the user chose.
        let environment = ProcessInfo.processInfo.environment
        let requested = environment["SCENEFORGE_THREADS"].flatMap(Int.init)
        if let threads = requested ?? (environment["OMP_NUM_THREADS"] == nil ? ProcessInfo.processInfo.activeProcessorCount : nil) {
            _ = api.set_num_threads(Int32(max(1, threads)))
        }
    }

    /// The names of a table's function pointers that are NULL (a C function pointer arrives as an Optional); an
    /// empty slot means a shim built from another header.
    static func emptyEntries(of table: sf_torch_api) -> [String] {
        Mirror(reflecting: table).children.compactMap { child -> String? in
            String(describing: child.value) == "nil" ? child.label : nil
        }
    }

    private static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// Turns a shim status into a Swift error carrying libtorch's message.
@inline(__always)
func check(_ status: sf_status, _ operation: StaticString) throws {
    guard status == 0 else { throw lastError(operation) }
}

func lastError(_ operation: StaticString) -> TorchError {
    let message = (try? TorchRuntime.table.last_error()).flatMap { $0 }.map { String(cString: $0) } ?? "unknown error"
    return TorchError("\(operation)", message)
}
