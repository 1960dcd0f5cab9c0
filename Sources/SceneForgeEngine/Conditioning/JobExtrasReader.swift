/// Typed reads of a job's `extras`, each refusing a value of the wrong kind with a message naming the field
/// (`job.extras.<key>`). Absent keys read as nil or the given default.
struct JobExtrasReader {
    let extras: [String: JSONValue]

    func string(_ key: String) throws -> String? {
        guard let value = extras[key] else { return nil }
        guard let text = value.stringValue, !text.isEmpty else { throw ConditioningError("field 'job.extras.\(key)' must be a non-empty string") }
        return text
    }

    func number(_ key: String) throws -> Double? {
        guard let value = extras[key] else { return nil }
        guard let number = value.doubleValue, number.isFinite else { throw ConditioningError("field 'job.extras.\(key)' must be a number") }
        return number
    }

    func flag(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = extras[key] else { return fallback }
        guard case .bool(let flag) = value else { throw ConditioningError("field 'job.extras.\(key)' must be true or false") }
        return flag
    }

    /// A whole number in `range` (0 when absent); `unit` names what it counts, for the message.
    func whole(_ key: String, _ range: ClosedRange<Int64>, of unit: String) throws -> Int {
        guard let value = extras[key] else { return 0 }
        guard let whole = value.intValue, range.contains(whole) else {
            throw ConditioningError("field 'job.extras.\(key)' must be a whole number of \(unit) in \(range)")
        }
        return Int(whole)
    }
}
