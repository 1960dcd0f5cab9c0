import Foundation
import SceneForgeTorch

/// Takes `MemorySample`s: NVML (when present), libtorch's CUDA allocator (when built with CUDA), /proc.
public final class MemoryTelemetry: @unchecked Sendable {
    private let nvml: NVML?
    private let cudaDevices: Int

    public init() {
        nvml = NVML.open()
        cudaDevices = (try? Torch.cudaDeviceCount()) ?? 0
    }

    public var hasNVML: Bool { nvml != nil }

    /// System RAM changes slowly and /proc/meminfo costs more to generate than the rest of a sample together,
    /// so a reading younger than this is reused (steps of a small model come every few milliseconds).
    static let systemReadingLifetime: TimeInterval = 0.25
    private let systemLock = NSLock()
    private var lastSystem: (reading: MemorySample.SystemMemory?, at: TimeInterval)?

    private func systemMemory() -> MemorySample.SystemMemory? {
        let now = ProcessInfo.processInfo.systemUptime
        systemLock.lock()
        defer { systemLock.unlock() }
        if let last = lastSystem, now - last.at < Self.systemReadingLifetime { return last.reading }
        let reading = ProcMemory.system()
        lastSystem = (reading, now)
        return reading
    }

    public func sample(job: String? = nil, step: Int? = nil) -> MemorySample {
        let gpus = nvml?.sample()
        var allocator: [MemorySample.Allocator] = []
        for device in 0..<cudaDevices {
            if let stats = try? Torch.cudaAllocatorStats(device: device) {
                allocator.append(MemorySample.Allocator(
                    device: device, allocatedBytes: stats.allocatedBytes, reservedBytes: stats.reservedBytes,
                    peakAllocatedBytes: stats.peakAllocatedBytes))
            }
        }
        return MemorySample(job: job, step: step, gpus: gpus.flatMap { $0.isEmpty ? nil : $0 },
                            allocator: allocator.isEmpty ? nil : allocator,
                            process: ProcMemory.process(), system: systemMemory())
    }
}
