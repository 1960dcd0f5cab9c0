import Foundation
import SafeTensors
import SceneForgeTorch

/// How training writes its files: checkpoints and exported folders, each built aside and then moved into place, and
/// exported weights.
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

    /// Builds a folder's new contents in `<folder>.partial` (`write` fills it), then swaps it in for `folder`: an
    /// export that fails half-way leaves the previous folder as it was.
    static func replaceFolder(_ folder: URL, write: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let partial = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".partial")
        try? fm.removeItem(at: partial)
        try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        try write(partial)
        try? fm.removeItem(at: folder)
        try fm.moveItem(at: partial, to: folder)
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
