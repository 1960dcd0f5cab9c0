/// Every failure of this module: which file, and what is wrong with it.
public struct SafeTensorsError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
