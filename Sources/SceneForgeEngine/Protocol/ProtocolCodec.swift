import Foundation

/// JSON lines both ways: snake_case keys, one object per line, no newline inside a line.
public enum ProtocolCodec {
    /// Longest request line the engine reads; the rest of a longer line is discarded.
    public static let maximumLineBytes = 1 << 20

    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Parses one request line; every refusal is a `ProtocolError` naming the field and the problem.
    public static func decodeRequest(_ line: Data, decoder: JSONDecoder = makeDecoder()) throws -> RequestLine {
        do {
            return try decoder.decode(RequestLine.self, from: line)
        } catch let error as ProtocolError {
            throw error
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw ProtocolError(code: .malformedJSON, "\(error)")
        }
    }

    /// The request id of a line that failed to decode, when one can be read, so the error can name it.
    public static func requestID(in line: Data) -> String? {
        struct IDOnly: Decodable { let id: String? }
        return (try? JSONDecoder().decode(IDOnly.self, from: line))?.id
    }

    /// One line of JSON; the per-step events (step, preview, memory) are written by `StepEventLines`, the rest by `encoder`.
    public static func encodeLine<T: Encodable>(_ value: T, encoder: JSONEncoder = makeEncoder()) throws -> Data {
        if let event = value as? EngineEvent, let line = StepEventLines.line(event) { return line }
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    static func describe(_ error: DecodingError) -> ProtocolError {
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return ProtocolError(code: .malformedJSON, "a request must be a JSON object")
        case .typeMismatch(let type, let context):
            return ProtocolError(code: .invalidField, "field '\(path(context))' must be \(name(of: type)): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return ProtocolError(code: .invalidField, "field '\(path(context))' must be \(name(of: type)), not null")
        case .keyNotFound(let key, let context):
            let prefix = path(context)
            return ProtocolError(code: .invalidField,
                                 "missing field '\(prefix.isEmpty ? "" : prefix + ".")\(snakeCase(key.stringValue))'")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return ProtocolError(code: .malformedJSON, "not a JSON object: \(context.debugDescription)")
            }
            return ProtocolError(code: .invalidField, "field '\(path(context))': \(context.debugDescription)")
        @unknown default:
            return ProtocolError(code: .malformedJSON, "\(error)")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? snakeCase($0.stringValue) }.joined(separator: ".")
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is UInt64.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        default: return "a JSON \(type)"
        }
    }

    /// Foundation reports Swift property names; the protocol's names are snake_case.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
