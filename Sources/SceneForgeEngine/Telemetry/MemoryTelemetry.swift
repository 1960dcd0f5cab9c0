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
                            process: ProcMemory.process(), system: ProcMemory.system())
    }
}
