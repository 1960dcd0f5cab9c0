import Foundation
import SafeTensors
import SceneForgeTorch
import Testing

/// Tests/Fixtures, found from this file so tests run from any working directory.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// Largest absolute difference relative to the largest reference magnitude (at least 1).
func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    guard actual.count == expected.count else { return .infinity }
    var worst: Float = 0
    var scale: Float = 1
    for (a, e) in zip(actual, expected) {
        if a.isNaN != e.isNaN { return .infinity }
        if !e.isNaN { worst = max(worst, abs(a - e)); scale = max(scale, abs(e)) }
    }
    return worst / scale
}

func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    let error = relativeError(try actual.floats(), try expected.floats())
    #expect(error <= tolerance, "\(label): relative error \(error)", sourceLocation: sourceLocation)
}
