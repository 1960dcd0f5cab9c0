import Foundation
import SceneForgeTorch

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

    /// Runs a training loop with `workers` shards per batch: libtorch's and OpenBLAS's pools at one thread while it
    /// runs (the workers are the parallelism; at the small model's sizes the pools barely speed an op up), given back
    /// afterwards. With one worker the pools are left as they are.
    static func withWorkers<T>(_ workers: Int, _ body: () throws -> T) throws -> T {
        guard workers > 1 else { return try body() }
        let (threads, blasThreads) = (try Torch.threadCount(), LoadedOpenBLAS.threadCount())
        try Torch.setThreadCount(1)
        LoadedOpenBLAS.setThreadCount(1)
        defer {
            try? Torch.setThreadCount(threads)
            if let blasThreads { LoadedOpenBLAS.setThreadCount(blasThreads) }
        }
        return try body()
    }

    /// Back-propagates a batch of `batch` samples split between `workers` threads: `loss` gives a shard's loss,
    /// already weighted by its share of the batch. Returns the batch's loss (the shards' sum).
    static func backward(batch: Int, workers: Int, loss: (Range<Int>) throws -> Tensor) throws -> Double {
        try runOnOneThreadEach(ranges(batch: batch, workers: workers)) { shard in
            let shardLoss = try loss(shard)
            try shardLoss.backward()
            return try shardLoss.item()
        }.reduce(0, +)
    }

    /// `transform` of every index in `0..<count`, the indices split into `workers` contiguous ranges that run on
    /// threads of their own, each at one libtorch thread as a batch's shards do; the results in index order. Each
    /// result is what one thread computes alone, so it does not depend on the worker count.
    static func map<T>(_ count: Int, workers: Int, _ transform: (Int) throws -> T) throws -> [T] {
        try runOnOneThreadEach(ranges(batch: count, workers: workers)) { try $0.map(transform) }.flatMap { $0 }
    }

    /// `run`, each shard's thread at one libtorch thread when there are several shards. libtorch's thread count is
    /// per thread under OpenMP, and a pooled thread keeps the count it first ran ops with: set it here, or a
    /// shard's reductions could split differently from run to run.
    private static func runOnOneThreadEach<T>(_ shards: [Range<Int>], _ work: (Range<Int>) throws -> T) throws -> [T] {
        try run(shards) { shard in
            if shards.count > 1, try Torch.threadCount() != 1 { try Torch.setThreadCount(1) }
            return try work(shard)
        }
    }

    /// The shard's rows of a batch tensor (dimension 0); the tensor itself when the shard is the whole batch.
    static func rows(_ t: Tensor, shard: Range<Int>) throws -> Tensor {
        shard == 0..<t.size(0) ? t : try t.narrow(dim: 0, start: shard.lowerBound, length: shard.count)
    }

    /// The shard's loss weighted by its share of a batch of `batch` samples, so that the shards' losses (and
    /// gradients) add up to the batch mean's.
    static func weighted(_ loss: Tensor, shard: Range<Int>, batch: Int) throws -> Tensor {
        shard.count == batch ? loss : try loss * (Double(shard.count) / Double(batch))
    }

    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<T, Error>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Result<T, Error>) { lock.withLock { slots[index] = value } }
        var values: [Result<T, Error>?] { lock.withLock { slots } }
    }
}
