import Foundation

/// A checkpoint seen as one set of named tensors: a single .safetensors file, a sharded checkpoint
/// through its `*.safetensors.index.json`, or a folder holding either (transformers' `model*.safetensors`,
/// diffusers' `diffusion_pytorch_model*.safetensors`). Every shard is opened (mapped and validated) up front.
public final class SafeTensorsCheckpoint: @unchecked Sendable {  // immutable after init
    /// The file that was opened: the single file or the index (a folder resolves to one of them).
    public let url: URL
    /// Tensor names, sorted.
    public let names: [String]
    /// The opened files, in shard-name order.
    public let files: [SafeTensorsFile]

    private let fileByTensor: [String: SafeTensorsFile]

    public init(url: URL) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        guard exists else { throw SafeTensorsError(file: url.path, problem: "no such file or folder") }
        let entry = isFolder.boolValue ? try CheckpointLocator.entryFile(inFolder: url) : url
        self.url = entry

        if CheckpointLocator.isIndex(entry) {
            (files, fileByTensor) = try Self.openShards(index: entry)
        } else {
            let file = try SafeTensorsFile(url: entry)
            files = [file]
            fileByTensor = Dictionary(file.names.map { ($0, file) }, uniquingKeysWith: { first, _ in first })
        }
        names = fileByTensor.keys.sorted()
    }

    public func info(_ name: String) -> SafeTensorInfo? {
        fileByTensor[name]?.info(name)
    }

    public func file(containing name: String) -> SafeTensorsFile? {
        fileByTensor[name]
    }

    /// Calls `body` with the tensor's raw bytes, borrowed from its shard's mapping (see `SafeTensorsFile`).
    public func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let file = fileByTensor[name] else {
            throw SafeTensorsError(file: url.path, problem: "no tensor named '\(name)'")
        }
        return try file.withBytes(of: name, body)
    }

    /// Opens every shard the index names, once, and checks each holds the tensors the index claims.
    /// Tensors a shard holds but the index does not list are not exposed, as in transformers.
    private static func openShards(index url: URL) throws -> ([SafeTensorsFile], [String: SafeTensorsFile]) {
        let index = try CheckpointIndex(url: url)
        let folder = url.deletingLastPathComponent()
        var shardByName: [String: SafeTensorsFile] = [:]
        for shardName in Set(index.weightMap.values).sorted() {
            let shardURL = folder.appendingPathComponent(shardName)
            guard FileManager.default.fileExists(atPath: shardURL.path) else {
                let tensor = index.weightMap.filter { $0.value == shardName }.keys.sorted().first ?? ""
                throw SafeTensorsError(
                    file: url.path,
                    problem: "shard '\(shardURL.path)' named in weight_map (e.g. for tensor '\(tensor)') is missing")
            }
            shardByName[shardName] = try SafeTensorsFile(url: shardURL)
        }
        var fileByTensor: [String: SafeTensorsFile] = [:]
        for (tensor, shardName) in index.weightMap.sorted(by: { $0.key < $1.key }) {
            guard let shard = shardByName[shardName], shard.info(tensor) != nil else {
                throw SafeTensorsError(
                    file: url.path,
                    problem: "tensor '\(tensor)' is listed for shard '\(folder.appendingPathComponent(shardName).path)' "
                        + "but that shard does not contain it")
            }
            fileByTensor[tensor] = shard
        }
        let files = shardByName.keys.sorted().compactMap { shardByName[$0] }
        return (files, fileByTensor)
    }
}
