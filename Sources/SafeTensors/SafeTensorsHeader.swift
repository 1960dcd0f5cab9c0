/// The validated header of one safetensors file: where the data section starts and what it holds.
struct SafeTensorsHeader {
    /// The reference implementation's limit; a larger header is treated as hostile.
    static let maximumHeaderLength = 100_000_000
    static let metadataKey = "__metadata__"

    /// Offset of the data section from the start of the file (8 + header length).
    let dataStart: Int
    let dataLength: Int
    /// Tensors in file order (by data offset).
    let tensors: [SafeTensorInfo]
    let metadata: [String: String]

    /// Parses and validates the whole layout of a safetensors file held in `bytes`.
    /// Follows the reference Rust implementation: the tensors must tile the data section exactly,
    /// with no holes, no overlap and no trailing bytes.
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> SafeTensorsHeader {
        func fail(_ problem: String) -> SafeTensorsError { SafeTensorsError(file: file, problem: problem) }

        guard bytes.count >= 8 else {
            throw fail("file is too short (\(bytes.count) bytes) to hold the 8-byte header length")
        }
        let declaredLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard declaredLength <= UInt64(maximumHeaderLength) else {
            throw fail("header length \(declaredLength) exceeds the limit of \(maximumHeaderLength) bytes")
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= bytes.count - 8 else {
            throw fail("header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
        guard isValidUTF8(headerBytes) else { throw fail("header is not valid UTF-8") }

        let json: JSONValue
        do {
            json = try MiniJSONParser.parse(headerBytes)
        } catch let error as JSONParseError {
            throw fail("header \(error.summary)")
        }
        guard case let .object(members) = json else {
            throw fail("header is not a JSON object (found \(json.kindName))")
        }

        var metadata: [String: String] = [:]
        var tensors: [SafeTensorInfo] = []
        tensors.reserveCapacity(members.count)
        for (key, value) in members {
            if key == metadataKey {
                metadata = try parseMetadata(value, fail: fail)
            } else {
                tensors.append(try parseEntry(name: key, value, fail: fail))
            }
        }

        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        let ordered = try validateLayout(tensors, dataLength: dataLength, fail: fail)
        return SafeTensorsHeader(dataStart: dataStart, dataLength: dataLength, tensors: ordered, metadata: metadata)
    }

    private static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// `__metadata__` must map strings to strings; null is accepted as "none", as the reference does.
    private static func parseMetadata(
        _ value: JSONValue, fail: (String) -> SafeTensorsError
    ) throws -> [String: String] {
        if case .null = value { return [:] }
        guard case let .object(members) = value else {
            throw fail("__metadata__ is not an object of strings (found \(value.kindName))")
        }
        var metadata: [String: String] = [:]
        for (key, entry) in members {
            guard case let .string(text) = entry else {
                throw fail("__metadata__ value of '\(key)' is not a string (found \(entry.kindName))")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(
        name: String, _ value: JSONValue, fail: (String) -> SafeTensorsError
    ) throws -> SafeTensorInfo {
        func entryFail(_ problem: String) -> SafeTensorsError { fail("tensor '\(name)': \(problem)") }

        guard case .object = value else { throw entryFail("entry is not an object (found \(value.kindName))") }
        guard let dtypeValue = value["dtype"] else { throw entryFail("missing field 'dtype'") }
        guard case let .string(dtypeName) = dtypeValue else {
            throw entryFail("field 'dtype' is not a string (found \(dtypeValue.kindName))")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw entryFail("unknown dtype '\(dtypeName)'")
        }
        guard let shapeValue = value["shape"] else { throw entryFail("missing field 'shape'") }
        guard let shape = nonNegativeIntegers(shapeValue) else {
            throw entryFail("field 'shape' is not an array of non-negative integers")
        }
        guard let byteCount = checkedByteCount(shape: shape, dtype: dtype) else {
            throw entryFail("shape \(shape) of \(dtype.rawValue) overflows when computing its byte size")
        }
        guard let offsetsValue = value["data_offsets"] else { throw entryFail("missing field 'data_offsets'") }
        guard let offsets = nonNegativeIntegers(offsetsValue), offsets.count == 2 else {
            throw entryFail("field 'data_offsets' is not a pair of non-negative integers")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw entryFail("data_offsets [\(begin), \(end)] are reversed") }
        guard end - begin == byteCount else {
            throw entryFail(
                "byte size \(end - begin) from data_offsets does not match shape \(shape) × \(dtype.rawValue) "
                    + "(\(byteCount) bytes)")
        }
        return SafeTensorInfo(name: name, dtype: dtype, shape: shape, dataRange: begin..<end)
    }

    private static func nonNegativeIntegers(_ value: JSONValue) -> [Int]? {
        guard case let .array(elements) = value else { return nil }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case let .number(integer?) = element, integer >= 0 else { return nil }
            result.append(integer)
        }
        return result
    }

    /// Sorts tensors by offset and checks they tile `0..<dataLength` exactly.
    private static func validateLayout(
        _ tensors: [SafeTensorInfo], dataLength: Int, fail: (String) -> SafeTensorsError
    ) throws -> [SafeTensorInfo] {
        let ordered = tensors.sorted {
            ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name)
                < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name)
        }
        var covered = 0
        var previous: SafeTensorInfo?
        for tensor in ordered {
            let range = tensor.dataRange
            guard range.upperBound <= dataLength else {
                throw fail(
                    "tensor '\(tensor.name)': data_offsets [\(range.lowerBound), \(range.upperBound)] run out of "
                        + "the data section (\(dataLength) bytes)")
            }
            if range.lowerBound < covered, let previous {
                throw fail("tensor '\(tensor.name)' overlaps tensor '\(previous.name)' in the data section")
            }
            guard range.lowerBound == covered else {
                throw fail(
                    "tensor '\(tensor.name)' starts at data offset \(range.lowerBound), leaving a hole after offset "
                        + "\(covered) (the data section must be contiguous)")
            }
            covered = range.upperBound
            previous = tensor
        }
        guard covered == dataLength else {
            throw fail(
                "data section has \(dataLength - covered) trailing bytes not covered by any tensor "
                    + "(the data section must be contiguous)")
        }
        return ordered
    }
}
