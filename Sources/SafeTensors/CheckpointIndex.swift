import Foundation

/// A sharded checkpoint's `*.safetensors.index.json`, as transformers and diffusers write it:
/// `{"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}`.
struct CheckpointIndex {
    /// Index files are small (a few MB for the largest models); anything bigger is not an index.
    static let maximumSize = 100_000_000

    /// Tensor name → shard file name, relative to the index's folder.
    let weightMap: [String: String]

    init(url: URL) throws {
        func fail(_ problem: String) -> SafeTensorsError { SafeTensorsError(file: url.path, problem: problem) }

        let mapping = try MappedFile(path: url.path)
        guard mapping.bytes.count <= Self.maximumSize else {
            throw fail("index file is larger than \(Self.maximumSize) bytes")
        }
        let json: JSONValue
        do {
            json = try MiniJSONParser.parse(mapping.bytes)
        } catch let error as JSONParseError {
            throw fail("index \(error.summary)")
        }
        guard case .object = json else { throw fail("index is not a JSON object (found \(json.kindName))") }
        guard let weightMapValue = json["weight_map"] else { throw fail("index has no 'weight_map'") }
        guard case let .object(members) = weightMapValue else {
            throw fail("index 'weight_map' is not an object (found \(weightMapValue.kindName))")
        }
        var weightMap: [String: String] = [:]
        for (name, shardValue) in members {
            guard case let .string(shard) = shardValue, !shard.isEmpty else {
                throw fail("index 'weight_map' entry '\(name)' is not a shard file name")
            }
            guard !shard.hasPrefix("/"), !shard.split(separator: "/").contains("..") else {
                throw fail("index 'weight_map' entry '\(name)' points outside the index's folder: '\(shard)'")
            }
            weightMap[name] = shard
        }
        self.weightMap = weightMap
    }
}
