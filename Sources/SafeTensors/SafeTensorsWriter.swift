#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// Collects tensors in memory, then writes one .safetensors file atomically
/// (a temporary file in the destination folder, flushed, then renamed over the destination).
/// Tensors are laid out in the order they were added; the header is padded with spaces to a multiple
/// of 8 bytes so the data section starts 8-aligned, as the Python implementation does.
public struct SafeTensorsWriter {
    private struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let bytes: [UInt8]
    }

    private var metadata: [String: String]
    private var entries: [Entry] = []
    private var usedNames: Set<String> = []

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor from its raw little-endian bytes; their count must be shape product × dtype size.
    public mutating func add(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) throws {
        func fail(_ problem: String) -> SafeTensorsError {
            SafeTensorsError(file: "SafeTensorsWriter", problem: "tensor '\(name)': \(problem)")
        }
        guard name != SafeTensorsHeader.metadataKey else { throw fail("the name is reserved for metadata") }
        guard !usedNames.contains(name) else { throw fail("duplicate tensor name") }
        guard let expected = checkedByteCount(shape: shape, dtype: dtype) else {
            throw fail("shape \(shape) has a negative dimension or its byte size overflows")
        }
        guard bytes.count == expected else {
            throw fail(
                "got \(bytes.count) bytes but shape \(shape) × \(dtype.rawValue) needs \(expected) (byte count mismatch)")
        }
        usedNames.insert(name)
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// Adds a tensor by copying the raw memory of `values`; `T`'s stride must equal the dtype's size
    /// (e.g. Float for F32, UInt16 bit patterns for F16/BF16, Int64 for I64).
    public mutating func add<T>(name: String, dtype: SafeTensorsDType, shape: [Int], values: [T]) throws {
        guard MemoryLayout<T>.stride == dtype.byteSize else {
            throw SafeTensorsError(
                file: "SafeTensorsWriter",
                problem: "tensor '\(name)': \(T.self) is \(MemoryLayout<T>.stride) bytes but \(dtype.rawValue) "
                    + "elements are \(dtype.byteSize) (byte size mismatch)")
        }
        let bytes = values.withUnsafeBytes { Array($0) }
        try add(name: name, dtype: dtype, shape: shape, bytes: bytes)
    }

    /// The complete file contents.
    func serialized() -> [UInt8] {
        var header = Array(headerJSON().utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var output: [UInt8] = []
        output.reserveCapacity(8 + header.count + entries.reduce(0) { $0 + $1.bytes.count })
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(contentsOf: header)
        for entry in entries { output.append(contentsOf: entry.bytes) }
        return output
    }

    private func headerJSON() -> String {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append("\(jsonString(SafeTensorsHeader.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for entry in entries {
            let end = offset + entry.bytes.count
            let shape = entry.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(jsonString(entry.name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        return "{\(fields.joined(separator: ","))}"
    }

    public func write(to url: URL) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary = "\(folder)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        func fail(_ problem: String) -> SafeTensorsError { SafeTensorsError(file: path, problem: problem) }

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw fail("cannot create temporary file: \(systemErrorMessage())") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }

        let contents = serialized()
        let written = contents.withUnsafeBytes { writeFully(descriptor, $0) } && fsync(descriptor) == 0
        let writeError = written ? "" : systemErrorMessage()
        let closed = close(descriptor) == 0
        guard written else { throw fail("cannot write temporary file: \(writeError)") }
        guard closed else { throw fail("cannot close temporary file: \(systemErrorMessage())") }
        guard rename(temporary, path) == 0 else { throw fail("cannot rename into place: \(systemErrorMessage())") }
        renamed = true
    }
}

/// Writes all of `bytes`, retrying short writes and interrupts.
private func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        guard let base = bytes.baseAddress else { return false }
        let count = write(descriptor, base + offset, bytes.count - offset)
        if count < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += count
    }
    return true
}

/// A JSON string literal for `text` (RFC 8259 escaping).
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
