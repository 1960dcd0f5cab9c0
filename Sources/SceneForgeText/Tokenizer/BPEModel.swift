import Foundation

/// Byte-level BPE: vocabulary and ranked merges, applied to the UTF-8 bytes of one piece.
struct BPEModel: Sendable {
    /// Token string (byte-level alphabet) -> id.
    let vocab: [String: Int]
    /// id -> token string.
    let idToToken: [Int: String]
    /// Packed (left id, right id) -> (rank, merged id).
    private let merges: [UInt64: Merge]
    /// Byte value -> id of its single-character token, or -1 when the vocabulary lacks it.
    private let byteIDs: [Int]
    /// When true, a piece that is itself a vocabulary token skips the merges (tokenizers' `ignore_merges`).
    private let ignoreMerges: Bool
    /// Raw bytes -> id, used only with `ignoreMerges`.
    private let bytesToID: [[UInt8]: Int]

    struct Merge: Sendable { let rank: Int; let result: Int }

    init(vocab: [String: Int], merges: [(String, String)], ignoreMerges: Bool, file: String) throws {
        self.vocab = vocab
        var idToToken: [Int: String] = [:]
        for (token, id) in vocab { idToToken[id] = token }
        self.idToToken = idToToken
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            guard let a = vocab[left], let b = vocab[right] else {
                throw TextError.invalidTokenizerFile(
                    file: file, problem: "model.merges[\(rank)] uses a token missing from model.vocab: \"\(left) \(right)\"")
            }
            guard let merged = vocab[left + right] else {
                throw TextError.invalidTokenizerFile(
                    file: file, problem: "model.merges[\(rank)] makes \"\(left + right)\", which is missing from model.vocab")
            }
            let key = Self.pairKey(a, b)
            if table[key] == nil { table[key] = Merge(rank: rank, result: merged) }
        }
        self.merges = table
        self.byteIDs = ByteLevelAlphabet.byteToScalar.map { vocab[String(Character($0))] ?? -1 }
        self.ignoreMerges = ignoreMerges
        var bytesToID: [[UInt8]: Int] = [:]
        if ignoreMerges {
            for (token, id) in vocab { if let bytes = ByteLevelAlphabet.decode(token) { bytesToID[bytes] = id } }
        }
        self.bytesToID = bytesToID
    }

    private static func pairKey(_ a: Int, _ b: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: a)) << 32 | UInt64(UInt32(truncatingIfNeeded: b)) }

    /// The ids of one pre-tokenized piece. Bytes without a vocabulary entry are dropped,
    /// as tokenizers does when the model has no unk token.
    func tokenize(_ bytes: [UInt8]) -> [Int] {
        if ignoreMerges, let id = bytesToID[bytes] { return [id] }
        var symbols = bytes.compactMap { byte -> Int? in
            let id = byteIDs[Int(byte)]
            return id >= 0 ? id : nil
        }
        // Repeatedly merge the lowest-ranked adjacent pair, leftmost first.
        while symbols.count > 1 {
            var best: (index: Int, merge: Merge)?
            for index in 0..<(symbols.count - 1) {
                if let merge = merges[Self.pairKey(symbols[index], symbols[index + 1])],
                   best == nil || merge.rank < (best?.merge.rank ?? Int.max) {
                    best = (index, merge)
                }
            }
            guard let chosen = best else { break }
            symbols[chosen.index] = chosen.merge.result
            symbols.remove(at: chosen.index + 1)
        }
        return symbols
    }
}
