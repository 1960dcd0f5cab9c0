/// A failure a user can act on; the message names the file, field or model and the problem.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
