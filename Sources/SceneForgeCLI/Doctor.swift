import ArgumentParser
import Foundation
import SceneForgeTorch

/// `sceneforge doctor`: what SceneForge finds on this machine, and what to do about what is missing.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report libtorch, BLAS, threads and devices on this machine.")

    @Option(name: .long, help: "Set libtorch's intra-op thread count before reporting.")
    var threads: Int?

    func run() async throws {
        print("SceneForge doctor")
        let runtime: TorchRuntime
        do {
            runtime = try TorchRuntime.shared()
        } catch {
            print("  libtorch shim: MISSING")
            print(indent("\(error)", by: 4))
            throw ExitCode(1)
        }
        do {
            if let threads { try Torch.setThreadCount(threads) }
            print("  libtorch shim: \(runtime.libraryPath)")
            print("  libtorch:      \(try Torch.version())")
            print("  threads:       \(try Torch.threadCount()) (of \(ProcessInfo.processInfo.activeProcessorCount) cores)")
            // cuBLAS is the GPU's; a BLAS linked statically into libtorch (PyTorch's MKL) maps no file of its own.
            let blas = Torch.loadedBLASLibraries().filter { !$0.lowercased().contains("cublas") }
            let built = try Torch.buildConfiguration().split(separator: "\n").flatMap { $0.split(separator: ",") }
                .first { $0.contains("BLAS_INFO=") }.map { $0.split(separator: "=").last.map(String.init) ?? "" }
            print("  BLAS in use:   \(blas.isEmpty ? "linked into libtorch (\(built ?? "unknown"))" : blas.joined(separator: ", "))")
            if let core = OpenBLASCore.loadedCoreName() {
                print("  OpenBLAS core: \(core) (by the CPU's features: \(OpenBLASCore.forThisMachine() ?? "none"); \(OpenBLASCore.variable) overrides)")
            }
            if blas.contains(where: { $0.contains("/blas/") || $0.hasSuffix("libblas.so.3") && !$0.contains("openblas") }) {
                print("                 the reference BLAS is slow (~30x): install libopenblas0-pthread")
            }
            let gpus = try Torch.cudaDeviceCount()
            print("  CUDA devices:  \(gpus)")
            for device in 0..<gpus {
                let memory = try Torch.cudaMemory(device: device)
                var line = "    cuda:\(device): \(gib(memory.totalBytes - memory.freeBytes)) used of \(gib(memory.totalBytes))"
                if let stats = try Torch.cudaAllocatorStats(device: device) {
                    line += "; allocator: \(gib(stats.allocatedBytes)) allocated, \(gib(stats.reservedBytes)) reserved, \(gib(stats.peakAllocatedBytes)) peak"
                }
                print(line)
            }
            let probe = try Tensor.randn([256, 256], generator: Generator(seed: 0))
            let start = Date()
            _ = try probe.matmul(probe).sum().item()
            print("  matmul probe:  256x256 in \(String(format: "%.2f", Date().timeIntervalSince(start) * 1000)) ms")
        } catch {
            print("  libtorch error: \(error)")
            throw ExitCode(1)
        }
    }

    private func gib(_ bytes: Int64) -> String { String(format: "%.2f GiB", Double(bytes) / 1_073_741_824) }
    private func indent(_ text: String, by n: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { String(repeating: " ", count: n) + $0 }.joined(separator: "\n")
    }
}
