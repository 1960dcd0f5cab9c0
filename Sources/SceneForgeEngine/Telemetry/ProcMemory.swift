import Foundation

/// Linux memory figures from /proc, in bytes. nil where /proc is absent (not Linux) or unreadable.
enum ProcMemory {
    static func process() -> MemorySample.ProcessMemory? {
        guard let fields = kilobyteFields(of: "/proc/self/status"),
              let rss = fields["VmRSS"], let peak = fields["VmHWM"] else { return nil }
        return MemorySample.ProcessMemory(rssBytes: rss, peakRssBytes: peak)
    }

    static func system() -> MemorySample.SystemMemory? {
        guard let fields = kilobyteFields(of: "/proc/meminfo"),
              let total = fields["MemTotal"], let available = fields["MemAvailable"] else { return nil }
        return MemorySample.SystemMemory(totalBytes: total, availableBytes: available)
    }

    /// Lines of the form `Name:   1234 kB`, converted to bytes. /proc files report size 0, so read to EOF.
    static func kilobyteFields(of path: String) -> [String: Int64]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else { return nil }
        return parseKilobyteFields(text)
    }

    static func parseKilobyteFields(_ text: String) -> [String: Int64] {
        var fields: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let parts = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2, parts[1] == "kB", let kilobytes = Int64(parts[0]) else { continue }
            fields[String(line[..<colon])] = kilobytes * 1024
        }
        return fields
    }
}
