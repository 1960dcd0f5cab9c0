import CTorchShim
import Foundation

/// Process-wide facts and settings of the loaded libtorch.
public enum Torch {
    public static func version() throws -> String {
        try string("Torch.version") { api, buffer, cap in api.torch_version(buffer, cap) }
    }

    /// libtorch's build configuration (at::show_config()): compiler, BLAS it was built for, CUDA...
    public static func buildConfiguration() throws -> String {
        try string("Torch.buildConfiguration") { api, buffer, cap in api.build_config(buffer, cap) }
    }

    public static func threadCount() throws -> Int {
        var n: Int32 = 0
        try check(TorchRuntime.table.get_num_threads(&n), "Torch.threadCount")
        return Int(n)
    }

    public static func setThreadCount(_ n: Int) throws {
        try check(TorchRuntime.table.set_num_threads(Int32(n)), "Torch.setThreadCount")
    }

    public static func manualSeed(_ seed: UInt64) throws {
        try check(TorchRuntime.table.manual_seed(seed), "Torch.manualSeed")
    }

    public static func cudaDeviceCount() throws -> Int {
        var n: Int32 = 0
        try check(TorchRuntime.table.cuda_device_count(&n), "Torch.cudaDeviceCount")
        return Int(n)
    }

    public struct CUDAMemory: Sendable { public let freeBytes: Int64; public let totalBytes: Int64 }
    public struct AllocatorStats: Sendable { public let allocatedBytes: Int64; public let reservedBytes: Int64; public let peakAllocatedBytes: Int64 }

    public static func cudaMemory(device: Int) throws -> CUDAMemory {
        var free: Int64 = 0, total: Int64 = 0
        try check(TorchRuntime.table.cuda_mem_info(Int32(device), &free, &total), "Torch.cudaMemory")
        return CUDAMemory(freeBytes: free, totalBytes: total)
    }

    /// The CUDA caching allocator's figures; nil where the shim was built without CUDA.
    public static func cudaAllocatorStats(device: Int) throws -> AllocatorStats? {
        var allocated: Int64 = 0, reserved: Int64 = 0, peak: Int64 = 0
        let status = try TorchRuntime.table.cuda_allocator_stats(Int32(device), &allocated, &reserved, &peak)
        if status == Int32(SF_ERR_UNAVAILABLE) { return nil }
        try check(status, "Torch.cudaAllocatorStats")
        return AllocatorStats(allocatedBytes: allocated, reservedBytes: reserved, peakAllocatedBytes: peak)
    }

    public static func cudaEmptyCache() throws {
        let status = try TorchRuntime.table.cuda_empty_cache()
        if status != Int32(SF_ERR_UNAVAILABLE) { try check(status, "Torch.cudaEmptyCache") }
    }

    public static func cudaSynchronize(device: Int) throws {
        try check(TorchRuntime.table.cuda_synchronize(Int32(device)), "Torch.cudaSynchronize")
    }

    /// The BLAS shared libraries actually mapped into this process (what libblas.so.3 resolved to),
    /// which says more than the build configuration: Debian picks the BLAS through alternatives.
    public static func loadedBLASLibraries() -> [String] {
        // /proc files report size 0, so read them as a stream.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile(),
              let maps = String(data: data, encoding: .utf8) else { return [] }
        var seen: [String] = []
        for line in maps.split(separator: "\n") {
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init),
                  path.hasPrefix("/") else { continue }
            let name = (path as NSString).lastPathComponent.lowercased()
            let isBLAS = name.contains("blas") || name.contains("mkl") || name.contains("lapack")
            if isBLAS, !seen.contains(path) { seen.append(path) }
        }
        return seen
    }

    private static func string(_ name: StaticString, _ body: (sf_torch_api, UnsafeMutablePointer<CChar>, Int) -> sf_status) throws -> String {
        let api = try TorchRuntime.table
        var buffer = [CChar](repeating: 0, count: 1 << 16)
        let status = buffer.withUnsafeMutableBufferPointer { body(api, $0.baseAddress!, $0.count) }
        try check(status, name)
        return String(cString: buffer)
    }
}
