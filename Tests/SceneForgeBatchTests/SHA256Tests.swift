import SceneForgeBatch
import Testing

/// Against Python's hashlib (values printed by `hashlib.sha256(bytes((i*7+3)%256 for i in range(n))).hexdigest()`),
/// at the lengths where padding changes shape (55/56 bytes: one block or two).
struct SHA256Tests {
    static let cases: [(Int, String)] = [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (3, "6ab0dba1f4f1dfbb37b4f9eeb092c09fca4900ad32bdcd147d8dde35d6c87c35"),
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
        (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
    ]

    @Test(arguments: cases)
    func matchesHashlib(length: Int, expected: String) {
        let bytes = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
        #expect(SHA256.hex(bytes) == expected)
    }

    @Test func abcIsTheFIPSExample() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func incrementalUpdatesEqualOneShot() {
        let bytes = (0..<1000).map { UInt8(($0 * 7 + 3) % 256) }
        var hasher = SHA256()
        hasher.update(bytes[..<10])
        hasher.update(bytes[10..<700])
        hasher.update(bytes[700...])
        #expect(hasher.finalize() == SHA256.hash(bytes))
    }
}
