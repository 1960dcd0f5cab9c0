/// SplitMix64: a tiny, fast, well-mixed 64-bit generator. Ours rather than the standard
/// library's so a seed gives the same screen on every platform and Swift version.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one part of the screen: `key` (a box's content key, a purpose) is mixed
    /// into the seed, so each part draws its own stream and skipping a part never shifts another.
    public init(seed: UInt64, key: UInt64) { state = Self.mix(seed ^ Self.mix(key &+ 0x632B_E59B_D9B4_E019)) }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A seed for stream `index` of `seed`, for independent streams (training data, each step's noise...).
    public static func derive(_ seed: UInt64, _ index: UInt64) -> UInt64 {
        var g = SeededRandom(seed: seed ^ (index &* 0xD1B5_4A32_D192_ED03))
        return g.next()
    }

    /// A uniform value in 0..<1.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform value in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// A uniform integer in `range` (tiny modulo bias is irrelevant for pictures).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// One element of a non-empty array (the first when empty would be asked: callers never do).
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...max(items.count - 1, 0))] }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// FNV-1a over UTF-8: stable string hashes (Swift's `Hasher` is randomly seeded per process).
enum StableHash {
    static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { SeededRandom.mix(a ^ (b &* 0x9E37_79B9_7F4A_7C15)) }
}
