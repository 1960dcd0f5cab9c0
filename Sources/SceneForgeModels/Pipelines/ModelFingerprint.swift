import Foundation

/// A short identity for a model folder, for generation records: FNV-1a over every config file and
/// every weight file's safetensors header and size. Weights are not read (hashing 12 GB would take
/// longer than a generation), so two folders with the same layout and headers but different weight
/// values share a fingerprint; the header holds every tensor's dtype, shape and offsets.
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
        let header = length < 100_000_000 ? (try? handle.read(upToCount: Int(length))) ?? Data() : Data()
        return prefix + header + withUnsafeBytes(of: size.littleEndian) { Data($0) }
    }
}
