import Foundation

/// Splits each training batch between worker threads (`TrainingConfig.workers`): every worker runs its shard's
/// forward and backward pass, the gradients meet in the parameters' `.grad` (libtorch accumulates them under a lock),
/// and one optimiser step follows. Each shard's loss is weighted by its share of the batch, so the gradients are the
/// whole batch's. With two shards the sum is exact whichever finishes first (a + b = b + a in floating point).
enum BatchShards {
    /// `batch` samples in at most `workers` contiguous, nearly equal ranges (the first ones one longer).
    static func ranges(batch: Int, workers: Int) -> [Range<Int>] {
        let count = max(1, min(workers, batch))
        var start = 0
        return (0..<count).map { k in
            let length = batch / count + (k < batch % count ? 1 : 0)
            defer { start += length }
            return start..<(start + length)
        }
    }

    /// Runs `work` for every shard, each on its own thread, and returns the results in shard order; the first
    /// error thrown is rethrown once all have finished.
    static func run<T>(_ shards: [Range<Int>], _ work: (Range<Int>) throws -> T) throws -> [T] {
        guard shards.count > 1 else { return try shards.map(work) }
        let results = Results<T>(count: shards.count)
        DispatchQueue.concurrentPerform(iterations: shards.count) { k in
            results.set(k, Result { try work(shards[k]) })
        }
        return try results.values.map { try ($0 ?? .failure(TrainingError("a batch shard did not run"))).get() }
    }

    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<T, Error>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Result<T, Error>) { lock.withLock { slots[index] = value } }
        var values: [Result<T, Error>?] { lock.withLock { slots } }
    }
}
