import Foundation
import SceneForgeEngine
import Testing

/// Raw request lines to a real engine process, its stdin then closed; returns every event it wrote and its exit status.
func runEngine(_ lines: [String], outputDirectory: String) throws -> (events: [EngineEvent], status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try sceneforgeBinary())
    process.arguments = ["engine", "--model", "scheduled-noise", "--output-dir", outputDirectory, "--memory-hz", "0"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let collector = Thread.detachedCollector(output.fileHandleForReading)
    try input.fileHandleForWriting.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    // The collector finishes at EOF, just after the exit.
    let deadline = Date().addingTimeInterval(5)
    while collector.lines.last.map({ !String(decoding: $0, as: UTF8.self).contains("\"shutdown\"") }) ?? true, Date() < deadline {
        usleep(10_000)
    }
    let decoder = ProtocolCodec.makeDecoder()
    return (try collector.lines.map { try decoder.decode(EngineEvent.self, from: $0) }, process.terminationStatus)
}

struct EngineLifecycleTests {
    @Test func drainingShutdownFinishesTheQueueFirst() throws {
        let directory = try temporaryDirectory("drain")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (events, status) = try runEngine([
            #"{"type":"submit","job":{"id":"one","prompt":"a","width":32,"height":32,"steps":2,"seed":1}}"#,
            #"{"type":"submit","job":{"id":"two","prompt":"b","width":32,"height":32,"steps":2,"seed":1}}"#,
            #"{"type":"shutdown","drain":true,"id":"bye"}"#,
        ], outputDirectory: directory)
        #expect(status == 0)
        #expect(events.filter { $0.type == "done" }.compactMap(\.job) == ["one", "two"])
        guard case .shutdown(let last)? = events.last else { Issue.record("no shutdown event"); return }
        #expect(last.drain && last.replyTo == "bye")
    }

    @Test func endOfInputCancelsTheQueueAndExitsCleanly() throws {
        let directory = try temporaryDirectory("eof")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (events, status) = try runEngine([
            #"{"type":"submit","job":{"id":"long","prompt":"a","width":256,"height":256,"steps":1000,"seed":1}}"#,
            #"{"type":"submit","job":{"id":"next","prompt":"b","width":32,"height":32,"steps":2,"seed":1}}"#,
        ], outputDirectory: directory)
        #expect(status == 0)
        let cancelled = events.compactMap { if case .cancelled(let c) = $0 { return c }; return nil }
        #expect(cancelled.contains { $0.job == "next" && $0.state == .queued })
        #expect(!events.contains { $0.type == "done" && $0.job == "next" })
        #expect(events.last?.type == "shutdown")
    }

    @Test func protocolMismatchDuplicatesAndUnknownJobsAreRefused() throws {
        let directory = try temporaryDirectory("refusals")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (events, _) = try runEngine([
            #"{"type":"hello","protocol":2,"id":"h"}"#,
            #"{"type":"submit","job":{"id":"same","prompt":"a","width":256,"height":256,"steps":1000,"seed":1}}"#,
            #"{"type":"submit","job":{"id":"same","prompt":"a"},"id":"dup"}"#,
            #"{"type":"cancel","job":"ghost","id":"c"}"#,
            #"{"type":"decode_preview","job":"ghost"}"#,
        ], outputDirectory: directory)
        let errors = events.compactMap { if case .error(let e) = $0 { return e }; return nil }
        #expect(errors.map(\.code) == [.protocolMismatch, .duplicateJob, .unknownJob, .unknownJob])
        #expect(errors.first?.replyTo == "h" && errors[1].replyTo == "dup" && errors[2].replyTo == "c")
    }
}
