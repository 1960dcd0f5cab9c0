/// A problem with a Z-Image transformer's configuration, checkpoint or inputs; the message says which.
public struct ZImageError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
