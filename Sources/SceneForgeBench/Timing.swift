import Foundation

/// The benchmarks' clocks, one implementation for all of them.
enum Timing {
    /// Mean wall-clock milliseconds of `body` over `count` runs.
    static func meanMilliseconds(_ count: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<max(count, 1) { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(max(count, 1))
    }

    /// Keeps the optimiser from deleting work whose result is otherwise unused.
    @inline(never) static func keep(_ value: UInt8) { sink &+= value }
    nonisolated(unsafe) private static var sink: UInt8 = 0
}

/// Median seconds per call of `body` over `iterations` timed calls, after two warm-up calls.
func medianSeconds(iterations: Int, _ body: () throws -> Void) throws -> Double {
    for _ in 0..<2 { try body() }
    var times: [Double] = []
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}
