/// Why a scheduler configuration or a schedule request was refused.
public struct SchedulerError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
