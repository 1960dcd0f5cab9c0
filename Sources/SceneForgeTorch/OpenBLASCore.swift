import Foundation

/// Which OpenBLAS kernels to ask for. OpenBLAS picks them from the CPU's model number, and a model newer than the
/// library (Debian 12's 0.3.21 on an Emerald Rapids Xeon, model 207) gets its generic Prescott (SSE3) kernels: the
/// small model then trains at half speed (docs/benchmarks.md). The CPU's feature flags name the right family whatever
/// the model; `OPENBLAS_CORETYPE` tells OpenBLAS, which reads it once, when it is loaded.
public enum OpenBLASCore {
    public static let variable = "OPENBLAS_CORETYPE"

    /// The kernel family for these `/proc/cpuinfo` flags: SkylakeX with AVX-512 (what OpenBLAS also runs for fp32 on
    /// Cooper Lake, Sapphire Rapids and Zen 4), Haswell with AVX2 and FMA (Zen 1-3 too), else none: OpenBLAS's own
    /// choice stands.
    public static func coreType(cpuFlags flags: Set<Substring>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// The flags of the first processor in a `/proc/cpuinfo` text.
    public static func cpuFlags(cpuinfo: String) -> Set<Substring> {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }

    /// This machine's kernel family (nil where the flags cannot be read or name none).
    public static func forThisMachine() -> String? {
        // /proc files report size 0, so read them as a stream.
        guard let data = FileHandle(forReadingAtPath: "/proc/cpuinfo")?.readDataToEndOfFile() else { return nil }
        return coreType(cpuFlags: cpuFlags(cpuinfo: String(decoding: data, as: UTF8.self)))
    }

    /// The kernels the loaded OpenBLAS runs (`openblas_get_corename`), or nil when the BLAS in use is not OpenBLAS.
    public static func loadedCoreName() -> String? {
        LoadedOpenBLAS.call("openblas_get_corename") { (symbol: UnsafeMutableRawPointer) -> String? in
            typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?
            return unsafeBitCast(symbol, to: CoreName.self)().map { String(cString: $0) }
        }
    }
}

/// The OpenBLAS libtorch loaded, reached by its exported functions (it is not linked to this program).
public enum LoadedOpenBLAS {
    /// Sets how many threads OpenBLAS's own pool runs each call with (`openblas_set_num_threads`); false when the
    /// BLAS in use is not OpenBLAS. For work that is already spread over threads of its own (`TrainingConfig.workers`),
    /// whose calls would otherwise contend for the one pool.
    @discardableResult
    public static func setThreadCount(_ count: Int) -> Bool {
        call("openblas_set_num_threads") { (symbol: UnsafeMutableRawPointer) -> Bool? in
            typealias SetThreads = @convention(c) (Int32) -> Void
            unsafeBitCast(symbol, to: SetThreads.self)(Int32(max(1, count)))
            return true
        } ?? false
    }

    /// Threads of OpenBLAS's pool (`openblas_get_num_threads`); nil when the BLAS in use is not OpenBLAS.
    public static func threadCount() -> Int? {
        call("openblas_get_num_threads") { (symbol: UnsafeMutableRawPointer) -> Int? in
            typealias GetThreads = @convention(c) () -> Int32
            return Int(unsafeBitCast(symbol, to: GetThreads.self)())
        }
    }

    /// `body` with the first loaded OpenBLAS's `name` symbol; nil when no loaded library has it.
    static func call<T>(_ name: String, _ body: (UnsafeMutableRawPointer) -> T?) -> T? {
        for path in Torch.loadedBLASLibraries() where path.contains("openblas") {
            guard let handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD) else { continue }
            defer { dlclose(handle) }
            guard let symbol = dlsym(handle, name), let value = body(symbol) else { continue }
            return value
        }
        return nil
    }
}
