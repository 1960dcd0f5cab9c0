import Foundation

/// Decides which file of a checkpoint folder to open: an index when there is one, else a single file.
enum CheckpointLocator {
    /// Preferred names, in order: transformers' then diffusers' defaults, sharded before single.
    static let preferredNames = [
        "model.safetensors.index.json",
        "diffusion_pytorch_model.safetensors.index.json",
        "model.safetensors",
        "diffusion_pytorch_model.safetensors",
    ]

    static func isIndex(_ url: URL) -> Bool {
        url.lastPathComponent.hasSuffix(".safetensors.index.json")
    }

    /// The index or single file to open inside `folder`.
    static func entryFile(inFolder folder: URL) throws -> URL {
        func fail(_ problem: String) -> SafeTensorsError { SafeTensorsError(file: folder.path, problem: problem) }

        let contents: [String]
        do {
            contents = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw fail("cannot list folder: \(error.localizedDescription)")
        }
        if let preferred = preferredNames.first(where: contents.contains) {
            return folder.appendingPathComponent(preferred)
        }
        let indexes = contents.filter { $0.hasSuffix(".safetensors.index.json") }
        if indexes.count == 1 { return folder.appendingPathComponent(indexes[0]) }
        if indexes.count > 1 {
            throw fail("folder holds several checkpoint indexes, open one of them: \(indexes.joined(separator: ", "))")
        }
        let files = contents.filter { $0.hasSuffix(".safetensors") }
        if files.count == 1 { return folder.appendingPathComponent(files[0]) }
        if files.count > 1 {
            throw fail(
                "folder holds several .safetensors files and no index, open one of them: "
                    + files.joined(separator: ", "))
        }
        throw fail("folder holds no .safetensors file or .safetensors.index.json")
    }
}
