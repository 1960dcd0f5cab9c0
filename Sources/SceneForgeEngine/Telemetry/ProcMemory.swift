import Foundation

/// Linux memory figures, in bytes. nil where /proc is absent (not Linux) or unreadable.
///
/// Read at every denoising step, so it avoids /proc/self/status, whose generation and parsing cost about 180 us
/// (6% of a tiny-model step, `sceneforge-bench engine-events`): RSS comes from /proc/self/statm, peak RSS from
/// getrusage (the same kernel high-water mark as VmHWM), and only the first lines of /proc/meminfo are parsed.
enum ProcMemory {
    static func process() -> MemorySample.ProcessMemory? {
        guard let residentPages = residentPages() else { return nil }
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
        let rss = residentPages * Int64(sysconf(Int32(_SC_PAGESIZE)))
        // ru_maxrss is in kilobytes; the high-water mark is sampled by the kernel, so it can trail RSS slightly.
        return MemorySample.ProcessMemory(rssBytes: rss, peakRssBytes: max(Int64(usage.ru_maxrss) * 1024, rss))
    }

    static func system() -> MemorySample.SystemMemory? {
        guard let text = contents(of: "/proc/meminfo") else { return nil }
        let fields = parseKilobyteFields(text, stoppingAfter: ["MemTotal", "MemAvailable"])
        guard let total = fields["MemTotal"], let available = fields["MemAvailable"] else { return nil }
        return MemorySample.SystemMemory(totalBytes: total, availableBytes: available)
    }

    /// Lines of the form `Name:   1234 kB`, converted to bytes; stops once every name in `wanted` is found.
    static func parseKilobyteFields(_ text: String, stoppingAfter wanted: Set<String> = []) -> [String: Int64] {
        var fields: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let parts = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2, parts[1] == "kB", let kilobytes = Int64(parts[0]) else { continue }
            fields[String(line[..<colon])] = kilobytes * 1024
            if !wanted.isEmpty, wanted.allSatisfy({ fields[$0] != nil }) { break }
        }
        return fields
    }

    /// /proc/self/statm stays open: each `pread` at offset 0 regenerates it, which saves an open and a close per step.
    private static let statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)

    /// The second field of /proc/self/statm ("size resident shared ..."), in pages.
    private static func residentPages() -> Int64? {
        guard statm >= 0 else { return nil }
        // The line is seven numbers; the first two fit in 64 bytes with room to spare.
        return withUnsafeTemporaryAllocation(byteCount: 64, alignment: 1) { raw -> Int64? in
            var got = -1
            repeat { got = pread(statm, raw.baseAddress, raw.count, 0) } while got < 0 && errno == EINTR
            guard got > 0 else { return nil }
            var field = 0, value: Int64 = 0, digits = 0
            for byte in raw.prefix(got) {
                if byte == UInt8(ascii: " ") {
                    if field == 1 { break }
                    field += 1
                } else if field == 1 {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                    digits += 1
                }
            }
            return digits > 0 ? value : nil
        }
    }

    /// A small /proc file, read with plain POSIX calls (it reports size 0, so read to EOF).
    private static func contents(of path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress.map { $0 + count }, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            if got <= 0 { break }
            count += got
        }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }
}
