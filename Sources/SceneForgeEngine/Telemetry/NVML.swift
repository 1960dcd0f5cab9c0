import Foundation

/// NVIDIA's management library, opened with `dlopen` at run time like nvtop and btop do: nothing NVIDIA is
/// needed to build SceneForge or to run it on a CPU machine, where `NVML.open()` returns nil.
/// The C signatures are declared here from nvml.h (they have been stable since the _v2 entry points).
final class NVML: @unchecked Sendable {
    private typealias InitFunction = @convention(c) () -> Int32
    private typealias CountFunction = @convention(c) (UnsafeMutablePointer<UInt32>) -> Int32
    private typealias HandleFunction = @convention(c) (UInt32, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    // The struct arguments are passed as raw pointers (Swift structs are not C types); their layouts:
    // nvmlMemory_t {u64 total, free, used}, nvmlUtilization_t {u32 gpu, memory},
    // nvmlProcessInfo_v1_t {u32 pid; u64 usedGpuMemory} (16 bytes), the unversioned symbol's layout.
    private typealias MemoryFunction = @convention(c) (OpaquePointer, UnsafeMutablePointer<UInt64>) -> Int32
    private typealias UtilizationFunction = @convention(c) (OpaquePointer, UnsafeMutablePointer<UInt32>) -> Int32
    private typealias ProcessesFunction = @convention(c) (OpaquePointer, UnsafeMutablePointer<UInt32>, UnsafeMutableRawPointer?) -> Int32
    private typealias NameFunction = @convention(c) (OpaquePointer, UnsafeMutablePointer<CChar>, UInt32) -> Int32

    private static let processInfoStride = 16

    private static let success: Int32 = 0
    private static let insufficientSize: Int32 = 7
    /// NVML_VALUE_NOT_AVAILABLE: the driver cannot tell (e.g. under some virtualisation).
    private static let notAvailable = UInt64.max

    private let library: UnsafeMutableRawPointer
    private let getCount: CountFunction
    private let getHandle: HandleFunction
    private let getMemory: MemoryFunction
    private let getUtilization: UtilizationFunction
    private let getProcesses: ProcessesFunction
    private let getName: NameFunction
    private let shutdown: InitFunction

    /// nil when the library or one of its symbols is missing, or `nvmlInit_v2` fails (no driver): a normal state.
    static func open(path: String = "libnvidia-ml.so.1") -> NVML? {
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let nvml = NVML(library: library) else {
            dlclose(library)
            return nil
        }
        return nvml
    }

    private init?(library: UnsafeMutableRawPointer) {
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(library, name).map { unsafeBitCast($0, to: type) }
        }
        guard let initialize = symbol("nvmlInit_v2", as: InitFunction.self),
              let getCount = symbol("nvmlDeviceGetCount_v2", as: CountFunction.self),
              let getHandle = symbol("nvmlDeviceGetHandleByIndex_v2", as: HandleFunction.self),
              let getMemory = symbol("nvmlDeviceGetMemoryInfo", as: MemoryFunction.self),
              let getUtilization = symbol("nvmlDeviceGetUtilizationRates", as: UtilizationFunction.self),
              let getProcesses = symbol("nvmlDeviceGetComputeRunningProcesses", as: ProcessesFunction.self),
              let getName = symbol("nvmlDeviceGetName", as: NameFunction.self),
              let shutdown = symbol("nvmlShutdown", as: InitFunction.self),
              initialize() == Self.success else { return nil }
        self.library = library
        self.getCount = getCount
        self.getHandle = getHandle
        self.getMemory = getMemory
        self.getUtilization = getUtilization
        self.getProcesses = getProcesses
        self.getName = getName
        self.shutdown = shutdown
    }

    deinit {
        _ = shutdown()
        dlclose(library)
    }

    /// Every GPU NVML sees; a device whose memory cannot be read is left out.
    func sample(processID: Int32 = getpid()) -> [MemorySample.GPU] {
        var count: UInt32 = 0
        guard getCount(&count) == Self.success else { return [] }
        var gpus: [MemorySample.GPU] = []
        for index in 0..<count {
            var handle: OpaquePointer?
            guard getHandle(index, &handle) == Self.success, let device = handle else { continue }
            var memory = [UInt64](repeating: 0, count: 3)
            guard getMemory(device, &memory) == Self.success else { continue }
            var utilization = [UInt32](repeating: 0, count: 2)
            let utilizationPercent = getUtilization(device, &utilization) == Self.success ? Int(utilization[0]) : nil
            gpus.append(MemorySample.GPU(
                index: Int(index), name: name(of: device), usedBytes: Int64(clamping: memory[2]),
                totalBytes: Int64(clamping: memory[0]), freeBytes: Int64(clamping: memory[1]),
                utilizationPercent: utilizationPercent, processUsedBytes: processMemory(device, processID: processID)))
        }
        return gpus
    }

    private func name(of device: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 96)
        let status = getName(device, &buffer, UInt32(buffer.count - 1))
        return status == Self.success ? String(cString: buffer) : "GPU"
    }

    private func processMemory(_ device: OpaquePointer, processID: Int32) -> Int64? {
        var count: UInt32 = 0
        let first = getProcesses(device, &count, nil)
        if first == Self.success, count == 0 { return 0 }
        guard first == Self.insufficientSize || first == Self.success else { return nil }
        // Processes may start between the two calls: leave room for a few more.
        count += 8
        var infos = [UInt8](repeating: 0, count: Int(count) * Self.processInfoStride)
        let status = infos.withUnsafeMutableBytes { getProcesses(device, &count, $0.baseAddress) }
        guard status == Self.success else { return nil }
        return infos.withUnsafeBytes { raw -> Int64? in
            for i in 0..<Int(count) {
                let base = i * Self.processInfoStride
                guard raw.load(fromByteOffset: base, as: UInt32.self) == UInt32(bitPattern: processID) else { continue }
                let used = raw.load(fromByteOffset: base + 8, as: UInt64.self)
                return used == Self.notAvailable ? nil : Int64(clamping: used)
            }
            return 0
        }
    }
}
