import Foundation

/// The events every denoising step sends (step, preview, memory), written straight into bytes.
///
/// JSONEncoder spends most of its time converting key names to snake_case and sorting them; these events are written
/// several hundred times a second on a fast model, so their keys are spelled out here, already in the protocol's order
/// (sorted, as `ProtocolCodec`'s encoder sorts them). Every other event goes through JSONEncoder.
/// `StepEventLinesTests` checks that both encoders give the same JSON for random events.
enum StepEventLines {
    /// The event's line (newline included), or nil when it is not a per-step event or holds a number JSON cannot carry.
    static func line(_ event: EngineEvent) -> Data? {
        var out = JSONBytes()
        switch event {
        case .step(let step):
            guard write(step, to: &out) else { return nil }
        case .preview(let preview):
            write(preview, to: &out)
        case .memory(let sample):
            write(sample, to: &out)
        default:
            return nil
        }
        out.byte(0x0A)
        return Data(out.bytes)
    }

    private static func write(_ step: EngineEvent.Step, to out: inout JSONBytes) -> Bool {
        guard step.elapsedSeconds.isFinite, step.etaSeconds.isFinite, step.secondsPerStep.isFinite else { return false }
        out.open()
        out.key("elapsed_seconds"); out.number(step.elapsedSeconds)
        out.key("eta_seconds"); out.number(step.etaSeconds)
        out.key("index"); out.integer(step.index)
        out.key("job"); out.string(step.job)
        out.key("seconds_per_step"); out.number(step.secondsPerStep)
        out.key("total"); out.integer(step.total)
        out.key("type"); out.string("step")
        out.close()
        return true
    }

    private static func write(_ preview: EngineEvent.Preview, to out: inout JSONBytes) {
        out.open()
        if let data = preview.data { out.key("data"); out.string(data) }
        out.key("encoding"); out.string(preview.encoding)
        out.key("height"); out.integer(preview.height)
        out.key("job"); out.string(preview.job)
        out.key("kind"); out.string(preview.kind.rawValue)
        if let path = preview.path { out.key("path"); out.string(path) }
        out.key("step"); out.integer(preview.step)
        out.key("type"); out.string("preview")
        out.key("width"); out.integer(preview.width)
        out.close()
    }

    private static func write(_ sample: MemorySample, to out: inout JSONBytes) {
        out.open()
        if let allocators = sample.allocator {
            out.key("allocator")
            out.array(allocators) { out, a in
                out.integers(["allocated_bytes": a.allocatedBytes, "device": Int64(a.device),
                              "peak_allocated_bytes": a.peakAllocatedBytes, "reserved_bytes": a.reservedBytes])
            }
        }
        if let gpus = sample.gpus {
            out.key("gpus")
            out.array(gpus) { out, gpu in
                out.open()
                out.key("free_bytes"); out.integer(gpu.freeBytes)
                out.key("index"); out.integer(gpu.index)
                out.key("name"); out.string(gpu.name)
                if let used = gpu.processUsedBytes { out.key("process_used_bytes"); out.integer(used) }
                out.key("total_bytes"); out.integer(gpu.totalBytes)
                out.key("used_bytes"); out.integer(gpu.usedBytes)
                if let percent = gpu.utilizationPercent { out.key("utilization_percent"); out.integer(percent) }
                out.close()
            }
        }
        if let job = sample.job { out.key("job"); out.string(job) }
        if let process = sample.process {
            out.key("process")
            out.integers(["peak_rss_bytes": process.peakRssBytes, "rss_bytes": process.rssBytes])
        }
        if let step = sample.step { out.key("step"); out.integer(step) }
        if let system = sample.system {
            out.key("system")
            out.integers(["available_bytes": system.availableBytes, "total_bytes": system.totalBytes])
        }
        out.key("type"); out.string("memory")
        out.close()
    }
}

/// A JSON text being written: objects and arrays with their commas, keys, and escaped strings.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether the next member needs a comma before it.
    private var needsComma: [Bool] = []

    init() { bytes.reserveCapacity(256) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    private mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func open() { member(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }

    mutating func close() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast() }

    mutating func array<Element>(_ elements: [Element], _ writeElement: (inout JSONBytes, Element) -> Void) {
        member()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
        for element in elements { writeElement(&self, element) }
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    /// `"name":`, after a comma when the object already has a member. Key names are plain ASCII.
    mutating func key(_ name: StaticString) {
        member()
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        // The value that follows belongs to this key, not a new member.
        needsComma[needsComma.count - 1] = false
    }

    /// An object of integer fields, keys in the order given (sorted, by the caller).
    mutating func integers(_ fields: KeyValuePairs<StaticString, Int64>) {
        open()
        for (name, value) in fields {
            key(name)
            integer(value)
        }
        close()
    }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        member()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite number, in Swift's shortest round-trip form (valid JSON: "0.0208", "1e-05", "3.0").
    mutating func number(_ value: Double) {
        member()
        bytes.append(contentsOf: value.description.utf8)
    }

    mutating func string(_ text: String) {
        member()
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscaped(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        let escape: String
        switch byte {
        case UInt8(ascii: "\""): escape = "\\\""
        case UInt8(ascii: "\\"): escape = "\\\\"
        case 0x0A: escape = "\\n"
        case 0x0D: escape = "\\r"
        case 0x09: escape = "\\t"
        case 0x08: escape = "\\b"
        case 0x0C: escape = "\\f"
        default: escape = String(format: "\\u%04x", byte)
        }
        bytes.append(contentsOf: escape.utf8)
    }

    /// A value or member is being added to the innermost open object or array: separate it from the previous one.
    private mutating func member() {
        guard let last = needsComma.indices.last else { return }
        if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
        needsComma[last] = true
    }
}
