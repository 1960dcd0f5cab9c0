import Foundation

/// One reading of every memory figure the engine can see. Absent sources are nil, which the JSON omits:
/// a CPU machine has no `gpus` or `allocator`, rather than zeros.
public struct MemorySample: Codable, Equatable, Sendable {
    public struct GPU: Codable, Equatable, Sendable {
        public var index: Int
        public var name: String
        public var usedBytes: Int64
        public var totalBytes: Int64
        public var freeBytes: Int64
        public var utilizationPercent: Int?
        /// This engine process's memory on the GPU; nil when the driver does not say.
        public var processUsedBytes: Int64?
    }

    /// libtorch's CUDA caching allocator on one device.
    public struct Allocator: Codable, Equatable, Sendable {
        public var device: Int
        public var allocatedBytes: Int64
        public var reservedBytes: Int64
        public var peakAllocatedBytes: Int64
    }

    public struct ProcessMemory: Codable, Equatable, Sendable {
        public var rssBytes: Int64
        public var peakRssBytes: Int64
    }

    public struct SystemMemory: Codable, Equatable, Sendable {
        public var totalBytes: Int64
        public var availableBytes: Int64
    }

    /// The running job when the sample was taken at one of its steps.
    public var job: String?
    public var step: Int?
    public var gpus: [GPU]?
    public var allocator: [Allocator]?
    public var process: ProcessMemory?
    public var system: SystemMemory?
}
