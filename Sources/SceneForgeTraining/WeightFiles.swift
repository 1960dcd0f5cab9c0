import Foundation
import SafeTensors
import SceneForgeTorch

/// The two ways training writes safetensors files: checkpoints, replaced atomically, and exported weights.
enum WeightFiles {
    /// Writes `writer` aside, then renames it over `url`: a run killed while saving keeps its previous checkpoint.
    static func replace(_ url: URL, with writer: SafeTensorsWriter) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = url.appendingPathExtension("partial")
        try writer.write(to: partial)
        guard rename(partial.path, url.path) == 0 else {
            throw TrainingError("\(url.path): cannot move the new checkpoint into place (errno \(errno))")
        }
    }

    /// An exported component's weights (`format: pt`, as diffusers writes them), converted to `dtype` on the CPU.
    static func export(_ tensors: [(String, Tensor)], dtype: DType, to url: URL) throws {
        var writer = SafeTensorsWriter(metadata: ["format": "pt"])
        for (name, tensor) in tensors {
            try writer.add(name: name, tensor: withNoGrad { try tensor.detach().to(.cpu, dtype).contiguous() })
        }
        try writer.write(to: url)
    }
}
