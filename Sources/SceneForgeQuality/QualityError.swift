/// A measurement that cannot be made; the message names the input and the problem.
public struct QualityError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
