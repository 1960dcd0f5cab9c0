import Foundation
import SceneForgeTorch
import Testing

/// OpenBLAS's kernels are named from the CPU's feature flags, so a CPU newer than the library still gets its AVX
/// kernels rather than the generic ones.
struct OpenBLASCoreTests {
    static let emeraldRapids = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        model\t\t: 207
        flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl amx_tile
        bugs\t\t: spectre_v1

        processor\t: 1
        flags\t\t: fpu
        """

    @Test func theFlagsNameTheKernelFamily() {
        let flags = OpenBLASCore.cpuFlags(cpuinfo: Self.emeraldRapids)
        #expect(flags.contains("avx512f") && flags.contains("amx_tile") && !flags.contains("spectre_v1"))
        #expect(OpenBLASCore.coreType(cpuFlags: flags) == "SkylakeX")
        #expect(OpenBLASCore.coreType(cpuFlags: ["sse2", "avx", "avx2", "fma"]) == "Haswell")
        // AVX-512 foundation alone (Knights Landing) is not SkylakeX's set; AVX2 without FMA is not Haswell's.
        #expect(OpenBLASCore.coreType(cpuFlags: ["avx512f", "avx512cd", "avx2", "fma"]) == "Haswell")
        #expect(OpenBLASCore.coreType(cpuFlags: ["sse2", "avx", "avx2"]) == nil)
        #expect(OpenBLASCore.cpuFlags(cpuinfo: "processor\t: 0\n").isEmpty)
    }

    /// The choice reaches the OpenBLAS libtorch loads (where OpenBLAS is the BLAS in use: Debian's libtorch with
    /// libopenblas0-pthread, as scripts/dev installs it).
    @Test func theLoadedOpenBLASRunsTheKernelsTheFlagsName() throws {
        _ = try Tensor.zeros([2, 2]).matmul(Tensor.zeros([2, 2]))
        guard let loaded = OpenBLASCore.loadedCoreName() else { return }
        let chosen = ProcessInfo.processInfo.environment[OpenBLASCore.variable] ?? OpenBLASCore.forThisMachine()
        if let chosen { #expect(loaded.lowercased() == chosen.lowercased()) }
    }
}
