import Foundation

extension KeyedDecodingContainer {
    /// An optional integer field. Foundation on Linux reports a fraction or an out-of-range number only as
    /// "not valid JSON", without the field; this names the field and the value.
    func integer<T: FixedWidthInteger>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = try decodeIfPresent(JSONValue.self, forKey: key) else { return nil }
        let field = (codingPath + [key]).map { ProtocolCodec.snakeCase($0.stringValue) }.joined(separator: ".")
        switch value {
        case .int(let number):
            guard let exact = T(exactly: number) else {
                throw ProtocolError(code: .invalidField, "field '\(field)' is out of range (got \(number))")
            }
            return exact
        case .double(let number):
            throw ProtocolError(code: .invalidField, "field '\(field)' must be an integer (got \(number))")
        default:
            throw ProtocolError(code: .invalidField, "field '\(field)' must be an integer (got \(value.kind))")
        }
    }
}

extension JSONValue {
    /// What kind of value this is, for error messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "true/false"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
