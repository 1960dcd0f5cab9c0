/// Token ids and attention masks of a batch, all rows the same length.
public struct EncodedBatch: Sendable, Equatable {
    public let ids: [[Int]]
    /// 1 for a real token, 0 for padding.
    public let attentionMask: [[Int]]
}

/// How `encodeBatch` pads, as transformers' `padding=` argument.
public enum Padding: Sendable {
    /// To the longest row of the batch (`padding="longest"`).
    case longest
    /// To `maxLength` (`padding="max_length"`).
    case maxLength
}

extension BPETokenizer {
    /// Encodes texts as transformers' `tokenizer(texts, padding=..., max_length=..., truncation=...)`:
    /// truncation cuts at `maxLength` on the tokenizer's truncation side; padding uses the pad
    /// token on its padding side (both from tokenizer_config.json, default right).
    /// Throws `TextError.missingPadToken` when padding is needed and no pad token exists.
    public func encodeBatch(_ texts: [String], maxLength: Int, padding: Padding, truncation: Bool) throws -> EncodedBatch {
        var rows = texts.map { encode($0) }
        if truncation {
            rows = rows.map { row in
                guard row.count > maxLength else { return row }
                return truncationSide == .right ? Array(row.prefix(max(maxLength, 0))) : Array(row.suffix(max(maxLength, 0)))
            }
        }
        let width = padding == .maxLength ? max(maxLength, rows.map(\.count).max() ?? 0) : (rows.map(\.count).max() ?? 0)
        var ids: [[Int]] = []
        var masks: [[Int]] = []
        for row in rows {
            let missing = width - row.count
            guard missing > 0 else { ids.append(row); masks.append(Array(repeating: 1, count: row.count)); continue }
            guard let pad = padTokenID else { throw TextError.missingPadToken }
            let padIDs = Array(repeating: pad, count: missing)
            let ones = Array(repeating: 1, count: row.count)
            let zeros = Array(repeating: 0, count: missing)
            if paddingSide == .right {
                ids.append(row + padIDs); masks.append(ones + zeros)
            } else {
                ids.append(padIDs + row); masks.append(zeros + ones)
            }
        }
        return EncodedBatch(ids: ids, attentionMask: masks)
    }
}
