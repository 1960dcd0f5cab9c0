/// Seeds for `count = N` scenes: SHA-256 of "<scene name>#<index>", first 4 bytes big-endian.
/// Derived from the name (not from the file's order) so reordering scenes keeps every seed; kept
/// under 2^32 so the seed is typeable into other tools (A1111 and ComfyUI take 32-bit seeds).
public enum SeedDerivation {
    public static func seed(scene: String, index: Int) -> UInt64 {
        let digest = SHA256.hash(Array("\(scene)#\(index)".utf8))
        return digest.prefix(4).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
