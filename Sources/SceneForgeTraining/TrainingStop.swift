import Foundation

/// When a run stops before its last step: after `maxSteps` optimiser steps in this invocation, once `deadline` has
/// passed, or when `requested()` says so (the command line wires it to Ctrl-C and SIGTERM). It is checked between
/// steps, so a stopped run's checkpoint sits on a step boundary and `--resume` continues it exactly.
public struct TrainingStop: Sendable {
    public enum Reason: String, Sendable {
        case steps = "step limit"
        case time = "time limit"
        case requested = "interrupted"
    }

    public var maxSteps: Int?
    public var deadline: Date?
    public var requested: @Sendable () -> Bool

    public init(maxSteps: Int? = nil, deadline: Date? = nil, requested: @escaping @Sendable () -> Bool = { false }) {
        self.maxSteps = maxSteps
        self.deadline = deadline
        self.requested = requested
    }

    /// Why the run should stop before taking another step, having taken `stepsTaken` in this invocation; nil to go on.
    func reason(stepsTaken: Int) -> Reason? {
        if let maxSteps, stepsTaken >= maxSteps { return .steps }
        if requested() { return .requested }
        if let deadline, Date() >= deadline { return .time }
        return nil
    }
}
