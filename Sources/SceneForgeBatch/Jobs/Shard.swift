/// `--shard i/n`: node i of n runs the jobs whose position in the expanded batch is i mod n.
///
/// By position rather than by id hash: shards are as even as they can be (sizes differ by at most
/// one), and the expansion order is itself deterministic (scene order, then seed order). Every node
/// expands the same scenario, so the n shards partition the batch with no coordinator.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let whole = Shard(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex: Int, count: Int) {
        self.index = uncheckedIndex
        self.count = count
    }

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError("shard count must be at least 1 (got \(count))") }
        guard (0..<count).contains(index) else { throw ShardError("shard index \(index) is outside 0..<\(count)") }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses "i/n" (0-based i).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError("--shard takes i/n with whole numbers, 0 <= i < n (got '\(text)')")
        }
        try self.init(index: i, count: n)
    }

    public func contains(_ job: BatchJob) -> Bool { job.index % count == index }

    public var isWhole: Bool { count == 1 }

    public var description: String { "\(index)/\(count)" }
}

public struct ShardError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
