import Foundation
import SceneForgeEngine
import Testing

struct LineReaderTests {
    /// Writes `bytes` into a pipe from another thread and reads every item back with a `limit`-byte cap.
    func items(_ bytes: Data, limit: Int) throws -> [LineReader.Item] {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        Thread.detachNewThread {
            try? writer.write(contentsOf: bytes)
            try? writer.close()
        }
        let reader = LineReader(descriptor: pipe.fileHandleForReading.fileDescriptor, limit: limit)
        var out: [LineReader.Item] = []
        while let item = reader.next() { out.append(item) }
        return out
    }

    @Test func splitsLinesAndKeepsALastLineWithoutNewline() throws {
        let got = try items(Data("a\n\nbc\nlast".utf8), limit: 100)
        #expect(got == [.line(Data("a".utf8)), .line(Data()), .line(Data("bc".utf8)), .line(Data("last".utf8))])
    }

    @Test func discardsOverlongLinesWholeAndGoesOn() throws {
        let long = Data(repeating: 0x61, count: 300_000)
        let longer = Data(repeating: 0x62, count: 700_000)
        var input = Data("ok\n".utf8) + long + Data("\n".utf8) + longer + Data("\nafter\n".utf8)
        input += Data(repeating: 0x63, count: 200_000) // a long unterminated last line
        let got = try items(input, limit: 100_000)
        #expect(got == [.line(Data("ok".utf8)), .tooLong(300_000), .tooLong(700_000), .line(Data("after".utf8)), .tooLong(200_000)])
    }

    @Test func aLineExactlyAtTheLimitIsKeptOneByteMoreIsNot() throws {
        let line = Data(repeating: 0x7A, count: 1000)
        #expect(try items(line + Data("\n".utf8), limit: 1000) == [.line(line)])
        // Arrives in one read together with its newline: still refused.
        #expect(try items(line + Data("z\nok\n".utf8), limit: 1000) == [.tooLong(1001), .line(Data("ok".utf8))])
        #expect(try items(line + Data("z".utf8), limit: 1000) == [.tooLong(1001)])
    }
}
