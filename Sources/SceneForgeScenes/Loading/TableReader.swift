import TOMLKit

/// Typed, located access to one TOML table: every failure is a `SceneDataError` naming the file,
/// the line and the full field path ("boxes[3].w").
public struct TableReader {
    public let file: SceneFile
    public let table: TOMLTable
    /// "" for the root, "boxes[3]" for an entry of an array of tables.
    public let path: String

    public init(file: SceneFile, table: TOMLTable, path: String) {
        self.file = file
        self.table = table
        self.path = path
    }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func error(_ key: String, _ message: String) -> SceneDataError { file.error(fieldPath(key), message) }

    /// An error about the table itself (reported at its header line).
    public func tableError(_ message: String) -> SceneDataError { file.error(path, message) }

    /// Unknown keys are almost always typos ("widht"), so they are errors rather than ignored.
    public func rejectUnknownKeys(allowed: Set<String>) throws {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            throw error(key, "unknown field (known fields: \(known))")
        }
    }

    public func requiredString(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw error(key, "missing required field (a string)") }
        return value
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw wrongType(key, expected: "a string", found: value) }
        return string
    }

    /// TOML integers are accepted where a number is expected: `x = 0` is as good as `x = 0.0`.
    public func requiredNumber(_ key: String) throws -> Double {
        guard let value = table[key] else { throw error(key, "missing required field (a number)") }
        if let double = value.double {
            guard double.isFinite else { throw error(key, "\(double) is not a finite number") }
            return double
        }
        if let int = value.int { return Double(int) }
        throw wrongType(key, expected: "a number", found: value)
    }

    public func optionalInt(_ key: String) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw wrongType(key, expected: "an integer", found: value) }
        return int
    }

    public func optionalBool(_ key: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw wrongType(key, expected: "true or false", found: value) }
        return bool
    }

    /// A string or an array of strings (so `placement = "centre"` and `["centre", "bottom"]` both work).
    public func requiredStringList(_ key: String) throws -> [String] {
        guard let value = table[key] else { throw error(key, "missing required field (a string or an array of strings)") }
        if let single = value.string { return [single] }
        guard let array = value.array else { throw wrongType(key, expected: "an array of strings", found: value) }
        var strings: [String] = []
        for index in 0..<array.count {
            guard let string = array[index].string else {
                throw error("\(key)[\(index)]", "expected a string, found \(Self.describe(array[index]))")
            }
            strings.append(string)
        }
        guard !strings.isEmpty else { throw error(key, "must list at least one value") }
        return strings
    }

    /// The entries of an array of tables (`[[boxes]]`), each with its own path ("boxes[2]").
    public func requiredTableArray(_ key: String) throws -> [TableReader] {
        guard let value = table[key] else { throw error(key, "missing required field (an array of tables, [[\(key)]])") }
        guard let array = value.array else { throw wrongType(key, expected: "an array of tables ([[\(key)]])", found: value) }
        var readers: [TableReader] = []
        for index in 0..<array.count {
            let entryPath = fieldPath("\(key)[\(index)]")
            guard let entry = array[index].table else {
                throw file.error(entryPath, "expected a table, found \(Self.describe(array[index]))")
            }
            readers.append(TableReader(file: file, table: entry, path: entryPath))
        }
        return readers
    }

    private func wrongType(_ key: String, expected: String, found: TOMLValueConvertible) -> SceneDataError {
        error(key, "expected \(expected), found \(Self.describe(found))")
    }

    public static func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string: return "a string"
        case .int: return "an integer"
        case .double: return "a floating-point number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        case .date, .time, .dateTime: return "a date/time"
        }
    }
}
