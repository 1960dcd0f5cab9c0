import Foundation
import Testing

@testable import SafeTensors

/// 20,000 random corruptions of valid files: each must either parse to a consistent layout or be
/// rejected with a SafeTensorsError — never crash, never throw anything else.
@Suite struct MutationTests {
    private static let seedFiles = ["f32.safetensors", "bf16.safetensors", "i64.safetensors"]

    @Test func randomMutationsNeverCrash() throws {
        var generator = SplitMix64(seed: 0x5AFE_7E45)
        let originals = try Self.seedFiles.map { try [UInt8](Data(contentsOf: fixturesFolder().appendingPathComponent($0))) }
        var accepted = 0
        var rejected = 0
        for iteration in 0..<20_000 {
            let original = originals[iteration % originals.count]
            let mutated = mutate(original, using: &generator)
            do {
                let header = try mutated.withUnsafeBytes { try SafeTensorsHeader.parse($0, file: "mutant") }
                try checkConsistent(header, fileSize: mutated.count)
                accepted += 1
            } catch is SafeTensorsError {
                rejected += 1
            } catch {
                Issue.record("mutation \(iteration) threw a foreign error: \(error)")
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        #expect(accepted > 400, "accepted \(accepted)")
        #expect(rejected > 4_000, "rejected \(rejected)")
    }

    /// Fewer mutations, through real files: mmap, the checkpoint front door, and reading every tensor.
    @Test func mutatedFilesOnDiskNeverCrash() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SplitMix64(seed: 99)
        let original = try [UInt8](Data(contentsOf: fixturesFolder().appendingPathComponent("f16.safetensors")))
        let url = folder.appendingPathComponent("mutant.safetensors")
        for _ in 0..<200 {
            try Data(mutate(original, using: &generator)).write(to: url)
            do {
                let checkpoint = try SafeTensorsCheckpoint(url: url)
                for name in checkpoint.names {
                    let count = try checkpoint.withBytes(of: name) { $0.count }
                    #expect(count == checkpoint.info(name)?.byteCount)
                }
            } catch is SafeTensorsError {
                continue
            }
        }
    }

    /// An accepted header must describe tensors tiling the data section exactly.
    private func checkConsistent(_ header: SafeTensorsHeader, fileSize: Int) throws {
        #expect(header.dataStart + header.dataLength == fileSize)
        var covered = 0
        for tensor in header.tensors {
            #expect(tensor.dataRange.lowerBound == covered)
            #expect(tensor.dataRange.count == tensor.elementCount * tensor.dtype.byteSize)
            covered = tensor.dataRange.upperBound
        }
        #expect(covered == header.dataLength)
    }

    private func mutate(_ original: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = original
        // The seed files' headers are shorter than 64 KiB, so two length bytes locate the header's end.
        let originalHeaderEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            if bytes.isEmpty { break }
            let headerEnd = min(bytes.count, originalHeaderEnd)
            // Most mutations target the header: that is where the parsing happens.
            func headerIndex() -> Int { Int.random(in: 0..<headerEnd, using: &generator) }
            switch Int.random(in: 0..<9, using: &generator) {
            case 0:  // flip one bit
                let index = headerIndex()
                bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            case 1:  // overwrite a byte with a JSON-significant character
                let tokens = Array(#"{}[]":,-0123456789eE.\ "#.utf8) + [0x00, 0xFF, 0xC3]
                bytes[headerIndex()] = tokens.randomElement(using: &generator) ?? 0
            case 2:  // truncate
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
            case 3:  // append junk
                bytes += (0..<Int.random(in: 1...16, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 4:  // nudge the header length
                guard bytes.count >= 8 else { break }
                let delta = Int.random(in: -9...9, using: &generator)
                let length = Int(bytes[0]) | Int(bytes[1]) << 8
                let nudged = max(0, length + delta)
                bytes[0] = UInt8(nudged & 0xFF)
                bytes[1] = UInt8((nudged >> 8) & 0xFF)
            case 5:  // a random header length byte, including the high ones
                guard bytes.count >= 8 else { break }
                bytes[Int.random(in: 0..<8, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            case 6:  // delete a header byte
                bytes.remove(at: headerIndex())
            case 7:  // duplicate a header slice in place (keeps JSON-ish structure)
                guard headerEnd > 16 else { break }
                let start = Int.random(in: 8..<headerEnd, using: &generator)
                let end = min(headerEnd, start + Int.random(in: 1...24, using: &generator))
                bytes.insert(contentsOf: bytes[start..<end], at: start)
            default:  // change a digit, which shifts offsets and shapes while keeping valid JSON
                let digits = (min(8, headerEnd)..<headerEnd).filter { (48...57).contains(bytes[$0]) }
                if let index = digits.randomElement(using: &generator) {
                    bytes[index] = UInt8.random(in: 48...57, using: &generator)
                }
            }
        }
        return bytes
    }
}
