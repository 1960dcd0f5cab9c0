import SceneForgeScenes
import TOMLKit

/// The reads scenario files need beyond what layouts use; same error style (file:line: field: ...).
extension TableReader {
    func optionalTable(_ key: String) throws -> TableReader? {
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw error(key, "expected a table ([\(fieldPath(key))]), found \(Self.describe(value))") }
        return TableReader(file: file, table: sub, path: fieldPath(key))
    }

    func optionalNumber(_ key: String) throws -> Double? {
        guard table[key] != nil else { return nil }
        return try requiredNumber(key)
    }

    func optionalStringList(_ key: String) throws -> [String]? {
        guard table[key] != nil else { return nil }
        return try requiredStringList(key)
    }

    /// An array whose every element is a (usually inline) table, each read at "key[i]".
    func optionalInlineTables(_ key: String) throws -> [TableReader]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error(key, "expected an array of tables, found \(Self.describe(value))") }
        return try (0..<array.count).map { index in
            guard let entry = array[index].table else {
                throw error("\(key)[\(index)]", "expected a table such as { name = \"...\", weight = 0.8 }, found \(Self.describe(array[index]))")
            }
            return TableReader(file: file, table: entry, path: fieldPath("\(key)[\(index)]"))
        }
    }

    func optionalIntList(_ key: String) throws -> [Int]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error(key, "expected an array of integers, found \(Self.describe(value))") }
        return try (0..<array.count).map { index in
            guard let int = array[index].int else {
                throw error("\(key)[\(index)]", "expected an integer, found \(Self.describe(array[index]))")
            }
            return int
        }
    }

    /// An integer within `range`, with the range in the message when it is not.
    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = try optionalInt(key) else { return nil }
        guard range.contains(value) else { throw error(key, "\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    func optionalNumber(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = try optionalNumber(key) else { return nil }
        guard range.contains(value) else {
            throw error(key, "\(Self.format(value)) is outside \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))")
        }
        return value
    }

    static func format(_ value: Double) -> String {
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
