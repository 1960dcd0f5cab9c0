import Foundation
@testable import SceneForgeEngine
import SceneForgeSynth
import Testing

/// The per-step events are written by hand (StepEventLines) instead of by JSONEncoder: both must say the same thing.
struct StepEventLinesTests {
    /// Texts that need escaping, or that a careless writer might escape when JSON does not require it.
    static let awkwardTexts = ["a", "job-7", "quote \" and back\\slash", "line\nbreak\ttab\r\u{8}\u{c}", "\u{1}\u{1f}",
                               "/path/to/out.png", "美团 外卖 🍜", "", "+/=AAAA"]

    func randomText(_ rng: inout SeededRandom) -> String {
        Self.awkwardTexts[Int.random(in: 0..<Self.awkwardTexts.count, using: &rng)]
            + String(Int.random(in: 0..<1000, using: &rng))
    }

    func randomSeconds(_ rng: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Double(Int.random(in: 0..<100, using: &rng))           // whole numbers: "3.0"
        case 1: return Double.random(in: 0..<1e-4, using: &rng)               // exponent form: "1e-05"
        case 2: return Double.random(in: 0..<1e7, using: &rng)
        default: return Double.random(in: 0..<1, using: &rng)
        }
    }

    func randomEvent(_ rng: inout SeededRandom) -> EngineEvent {
        func some<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &rng) ? value() : nil }
        func bytes() -> Int64 { Int64.random(in: 0...Int64.max, using: &rng) }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0:
            return .step(.init(job: randomText(&rng), index: Int.random(in: 1...1000, using: &rng), total: 1000,
                               elapsedSeconds: randomSeconds(&rng), secondsPerStep: randomSeconds(&rng), etaSeconds: randomSeconds(&rng)))
        case 1:
            let thumbnail = Bool.random(using: &rng)
            let pixels = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            return .preview(.init(job: randomText(&rng), step: Int.random(in: 0...50, using: &rng), kind: thumbnail ? .thumbnail : .full,
                                  width: Int.random(in: 1...64, using: &rng), height: Int.random(in: 1...64, using: &rng),
                                  encoding: thumbnail ? "rgb8" : "png", data: thumbnail ? Data(pixels).base64EncodedString() : nil,
                                  path: thumbnail ? nil : randomText(&rng)))
        default:
            let gpus = (0..<Int.random(in: 0...2, using: &rng)).map { index in
                MemorySample.GPU(index: index, name: randomText(&rng), usedBytes: bytes(), totalBytes: bytes(), freeBytes: bytes(),
                                 utilizationPercent: some(Int.random(in: 0...100, using: &rng)), processUsedBytes: some(bytes()))
            }
            let allocators = gpus.map { MemorySample.Allocator(device: $0.index, allocatedBytes: bytes(), reservedBytes: bytes(),
                                                               peakAllocatedBytes: bytes()) }
            return .memory(MemorySample(job: some(randomText(&rng)), step: some(Int.random(in: 0...50, using: &rng)),
                                        gpus: some(gpus), allocator: some(allocators),
                                        process: some(.init(rssBytes: bytes(), peakRssBytes: bytes())),
                                        system: some(.init(totalBytes: bytes(), availableBytes: bytes()))))
        }
    }

    @Test func perStepEventsSayWhatJSONEncoderSays() throws {
        var rng = SeededRandom(seed: 0x5735)
        let encoder = ProtocolCodec.makeEncoder(), decoder = ProtocolCodec.makeDecoder()
        for _ in 0..<3000 {
            let event = randomEvent(&rng)
            let line = try #require(StepEventLines.line(event))
            #expect(line.last == 0x0A && !line.dropLast().contains(0x0A), "one line: \(event)")
            // The same JSON value as JSONEncoder's (key order, escapes and number spelling may differ; the value may not).
            let fast = try JSONSerialization.jsonObject(with: line) as? NSDictionary
            let reference = try JSONSerialization.jsonObject(with: encoder.encode(event)) as? NSDictionary
            #expect(fast != nil && fast == reference, "\(String(decoding: line, as: UTF8.self))")
            // And the client reads back exactly the event that was sent.
            #expect(try decoder.decode(EngineEvent.self, from: line) == event)
        }
    }

    @Test func keysComeSortedAsTheEncoderSortsThem() throws {
        let step = EngineEvent.step(.init(job: "j", index: 2, total: 8, elapsedSeconds: 0.5, secondsPerStep: 0.25, etaSeconds: 1.5))
        #expect(String(decoding: try #require(StepEventLines.line(step)), as: UTF8.self)
                == #"{"elapsed_seconds":0.5,"eta_seconds":1.5,"index":2,"job":"j","seconds_per_step":0.25,"total":8,"type":"step"}"# + "\n")
        #expect(try ProtocolCodec.encodeLine(step) == StepEventLines.line(step))
    }

    @Test func otherEventsAndUnwritableNumbersGoThroughJSONEncoder() throws {
        #expect(StepEventLines.line(.started(.init(job: "j", model: "m", steps: 8, seed: 1))) == nil)
        let endless = EngineEvent.step(.init(job: "j", index: 1, total: 8, elapsedSeconds: 1, secondsPerStep: .infinity, etaSeconds: .nan))
        #expect(StepEventLines.line(endless) == nil)
        // JSONEncoder refuses such a number, so the writer logs it instead of sending invalid JSON.
        #expect(throws: (any Error).self) { try ProtocolCodec.encodeLine(endless) }
    }
}
