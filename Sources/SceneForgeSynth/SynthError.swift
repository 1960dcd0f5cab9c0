/// A render request that cannot be honoured (unknown style, bad size); the message says which.
public struct SynthError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
