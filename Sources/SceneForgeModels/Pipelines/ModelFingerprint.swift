import Foundation

/// A short identity for a model folder, for generation records: FNV-1a over every config file and, for every
/// weight file, its safetensors header, its size and a 64 KiB sample of its data (the first and last 32 KiB).
/// The whole weights are not read (hashing 12 GB would take longer than a generation); the sample is what tells
/// a retrained model from its predecessor, whose header (dtype, shape and offsets of every tensor) is the same.
public enum ModelFingerprint {
    public static func of(folder: URL) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: Data) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let files = (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
            .filter { ["json", "safetensors", "jinja", "txt"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        for file in files {
            mix(Data(file.path.dropFirst(folder.path.count).utf8))
            if file.pathExtension == "safetensors" {
                mix(safetensorsHeader(file))
            } else if let data = try? Data(contentsOf: file) {
                mix(data)
            }
        }
        return String(format: "%016llx", hash).prefix(10).description
    }

    private static func safetensorsHeader(_ file: URL) -> Data {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return Data() }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: 0)
        guard let prefix = try? handle.read(upToCount: 8), prefix.count == 8 else { return Data() }
        let length = prefix.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard length < 100_000_000, let header = try? handle.read(upToCount: Int(length)) else { return prefix }
        let sample = 32 << 10
        let head = (try? handle.read(upToCount: sample)) ?? Data()
        var tail = Data()
        if size > UInt64(8 + Int(length) + 2 * sample), (try? handle.seek(toOffset: size - UInt64(sample))) != nil {
            tail = (try? handle.read(upToCount: sample)) ?? Data()
        }
        return prefix + header + withUnsafeBytes(of: size.littleEndian) { Data($0) } + head + tail
    }
}
