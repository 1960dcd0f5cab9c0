import Foundation

/// Why a request line was refused; sent back as an `error` event and the engine keeps serving.
public struct ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Codable, Sendable {
        case malformedJSON = "malformed_json"
        case lineTooLong = "line_too_long"
        case unknownType = "unknown_type"
        case invalidField = "invalid_field"
        case protocolMismatch = "protocol_mismatch"
        case unknownJob = "unknown_job"
        case duplicateJob = "duplicate_job"
        case modelUnavailable = "model_unavailable"
        case shuttingDown = "shutting_down"
    }

    public let code: Code
    public let message: String

    public init(code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
