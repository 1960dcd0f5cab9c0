import Foundation
import SceneForgeEngine
import Testing

/// 10,000+ random and mutated request lines written straight to a real engine's stdin: it must answer, keep
/// serving (a `status` afterwards is answered) and shut down cleanly, without crashing or hanging.
struct ProtocolFuzzTests {
    /// Valid requests the mutations start from (no shutdown: that would end the run early).
    static let seeds: [String] = [
        #"{"type":"hello","protocol":1,"id":"h"}"#,
        #"{"type":"submit","id":"s","job":{"id":"j1","prompt":"coupon","width":32,"height":32,"steps":2,"seed":1,"preview_every_steps":1,"preview_size":8}}"#,
        #"{"type":"submit","job":{"prompt":"弹窗 优惠券","negative_prompt":"blur","guidance":3.5,"width":48,"height":16,"steps":1,"extras":{"layout":[1,2,{"a":null}]}}}"#,
        #"{"type":"cancel","job":"j1","id":"c"}"#,
        #"{"type":"decode_preview","job":"j1"}"#,
        #"{"type":"queue","id":"q"}"#,
        #"{"type":"status"}"#,
        #"{"type":"load","model":"scheduled-noise","dtype":"float32","device":"cpu"}"#,
        #"{"type":"unload"}"#,
    ]

    @Test func tenThousandHostileLinesNeitherCrashNorHang() async throws {
        let directory = try temporaryDirectory("fuzz")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try sceneforgeBinary())
        process.arguments = ["engine", "--output-dir", directory, "--memory-hz", "0"]
        let input = Pipe(), output = Pipe(), stderrPipe = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = stderrPipe
        try process.run()
        // Drain stderr so the engine never blocks on it.
        Thread.detachNewThread { _ = try? stderrPipe.fileHandleForReading.readToEnd() }
        let reader = Thread.detachedCollector(output.fileHandleForReading)

        var random = SplitMix(seed: 20_260_101)
        var lines: [Data] = []
        for i in 0..<10_000 {
            lines.append(Self.hostileLine(number: i, random: &random))
        }
        // Oversized lines: over the 1 MiB cap, with valid JSON after them on the next line.
        lines.append(Data(repeating: UInt8(ascii: "a"), count: (1 << 20) + 17))
        lines.append(Data("{\"type\":\"status\",\"pad\":\"".utf8) + Data(repeating: UInt8(ascii: "x"), count: 2 << 20) + Data("\"}".utf8))
        lines.append(Data(String(repeating: "[", count: 100_000).utf8))
        lines.append(Data(#"{"type":"status","id":"final-status"}"#.utf8))
        lines.append(Data(#"{"type":"shutdown","id":"bye"}"#.utf8))

        let start = Date()
        let writer = input.fileHandleForWriting
        for line in lines {
            try writer.write(contentsOf: line + Data([0x0A]))
        }
        try writer.close()

        // A hang guard, not a timing claim: generous, because CI runs every suite's child processes at once.
        let deadline = Date().addingTimeInterval(600)
        while process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning { process.terminate() }
        #expect(Date() < deadline, "the engine did not finish within 600 s")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)

        let events = reader.lines.compactMap { try? ProtocolCodec.makeDecoder().decode(EngineEvent.self, from: $0) }
        #expect(events.count == reader.lines.count, "every output line is a valid event")
        #expect(events.contains { if case .status(let s) = $0 { return s.replyTo == "final-status" }; return false })
        #expect(events.last.map { if case .shutdown(let s) = $0 { return s.replyTo == "bye" }; return false } == true)
        let errors = events.compactMap { if case .error(let e) = $0 { return e }; return nil }
        #expect(errors.count >= 5_000, "most hostile lines are refused with an error event (got \(errors.count))")
        #expect(errors.filter { $0.code == .lineTooLong }.count == 2)
        print("fuzz: \(lines.count) lines, \(events.count) events, \(errors.count) errors in \(Date().timeIntervalSince(start)) s")
    }

    /// A random line: a seed mutated by byte flips, insertions, deletions, truncation, field swaps,
    /// or pure random bytes, or a structurally odd JSON document.
    static func hostileLine(number: Int, random: inout SplitMix) -> Data {
        var bytes = Array(seeds[Int(random.next() % UInt64(seeds.count))].utf8)
        switch number % 8 {
        case 0:
            bytes = (0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 1, 2:
            for _ in 0..<(1 + Int(random.next() % 4)) where !bytes.isEmpty {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
        case 3:
            bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
        case 4:
            let position = Int(random.next() % UInt64(bytes.count + 1))
            let junk = [#"""#, "{", "}", "[", "]", ",", ":", "null", "-1e999", "18446744073709551616", #"\u0000"#, "true", "\u{FEFF}"]
            bytes.insert(contentsOf: Array(junk[Int(random.next() % UInt64(junk.count))].utf8), at: position)
        case 5:
            let text = String(decoding: bytes, as: UTF8.self)
            let swaps = [("32", "\"32\""), ("\"j1\"", "7"), ("1", "-1"), ("2", "99999999999"), ("\"cpu\"", "\"cuda:9\""),
                         ("float32", "int64"), ("prompt", "promt"), ("\"type\"", "\"kind\""), ("0.5", "NaN"), (":1", ":1.5")]
            let (from, to) = swaps[Int(random.next() % UInt64(swaps.count))]
            bytes = Array(text.replacingOccurrences(of: from, with: to).utf8)
        case 6:
            let depth = Int(random.next() % 3000)
            bytes = Array((String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)).utf8)
        default:
            if !bytes.isEmpty { bytes.remove(at: Int(random.next() % UInt64(bytes.count))) }
        }
        // Keep one request per line: a newline would split it into two (also fine, but harder to count).
        return Data(bytes.map { $0 == 0x0A ? 0x20 : $0 })
    }
}

/// A small deterministic generator so a failing run can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Reads every line of a pipe on a thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [Data] = []
    var lines: [Data] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
    func append(_ line: Data) {
        lock.lock()
        collected.append(line)
        lock.unlock()
    }
}

extension Thread {
    static func detachedCollector(_ handle: FileHandle) -> LineCollector {
        let collector = LineCollector()
        Thread.detachNewThread {
            let reader = LineReader(descriptor: handle.fileDescriptor, limit: 64 << 20)
            while let item = reader.next() {
                if case .line(let line) = item { collector.append(line) }
            }
        }
        return collector
    }
}
