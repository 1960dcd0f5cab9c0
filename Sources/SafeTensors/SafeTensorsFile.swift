import Foundation

/// One .safetensors file, mapped read-only. The whole header and layout are validated on open;
/// tensor bytes are then handed out straight from the mapping, without copying.
public final class SafeTensorsFile: @unchecked Sendable {  // immutable after init
    public let url: URL
    /// Tensor names in file order (by data offset).
    public let names: [String]
    public let metadata: [String: String]

    private let mapping: MappedFile
    private let header: SafeTensorsHeader
    private let infoByName: [String: SafeTensorInfo]

    public init(url: URL) throws {
        self.url = url
        mapping = try MappedFile(path: url.path)
        header = try SafeTensorsHeader.parse(mapping.bytes, file: url.path)
        names = header.tensors.map(\.name)
        metadata = header.metadata
        infoByName = Dictionary(header.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func info(_ name: String) -> SafeTensorInfo? {
        infoByName[name]
    }

    /// Calls `body` with the tensor's raw little-endian bytes, borrowed from the mapping.
    /// The buffer is only valid inside `body`, and is not necessarily aligned for its dtype
    /// (use `loadUnaligned` or copy when reading typed values).
    public func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let info = infoByName[name] else {
            throw SafeTensorsError(file: url.path, problem: "no tensor named '\(name)'")
        }
        let start = header.dataStart + info.dataRange.lowerBound
        let slice = UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + info.dataRange.count)])
        return try withExtendedLifetime(mapping) { try body(slice) }
    }
}
