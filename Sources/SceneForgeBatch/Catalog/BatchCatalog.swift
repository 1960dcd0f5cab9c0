import Foundation
import SceneForgeImaging

/// The SQLite catalog of a batch's images: one row per finished image, with the record's fields
/// as columns (for queries) and the whole record as JSON (so nothing is lost).
public final class BatchCatalog {
    public let url: URL
    private let db: SQLiteDatabase
    static let schemaVersion: Int64 = 1

    public init(url: URL, readOnly: Bool = false) throws {
        self.url = url
        if readOnly && !FileManager.default.fileExists(atPath: url.path) {
            throw SQLiteError("\(url.path): no such catalog")
        }
        db = try SQLiteDatabase(path: url.path, readOnly: readOnly)
        if !readOnly { try createSchema() }
        try checkVersion()
    }

    /// The folder image paths are relative to.
    public var folder: URL { url.deletingLastPathComponent() }

    public func imageURL(of entry: CatalogEntry) -> URL { folder.appendingPathComponent(entry.imagePath) }

    private func createSchema() throws {
        try db.transaction {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS images (
                    id TEXT PRIMARY KEY NOT NULL,
                    batch TEXT NOT NULL,
                    job_index INTEGER NOT NULL,
                    scene TEXT NOT NULL,
                    image_path TEXT NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    prompt TEXT NOT NULL,
                    negative_prompt TEXT NOT NULL,
                    model TEXT NOT NULL,
                    model_hash TEXT,
                    loras TEXT NOT NULL,
                    seed INTEGER NOT NULL,
                    steps INTEGER NOT NULL,
                    sampler TEXT NOT NULL,
                    guidance REAL NOT NULL,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    control_layout TEXT,
                    control_strength REAL,
                    style_reference TEXT,
                    anomaly_type TEXT,
                    anomaly_boxes TEXT NOT NULL,
                    expected_action TEXT,
                    created_at TEXT NOT NULL,
                    record_json TEXT NOT NULL)
                """)
            try db.execute("CREATE INDEX IF NOT EXISTS images_by_batch ON images (batch, job_index)")
            try db.execute("CREATE INDEX IF NOT EXISTS images_by_anomaly ON images (anomaly_type)")
            if try db.query("PRAGMA user_version").first?["user_version"]?.integer == 0 {
                try db.execute("PRAGMA user_version = \(Self.schemaVersion)")
            }
        }
    }

    private func checkVersion() throws {
        let version = try db.query("PRAGMA user_version").first?["user_version"]?.integer ?? 0
        guard version == Self.schemaVersion else {
            throw SQLiteError("\(url.path): catalog schema version \(version), this sceneforge reads version \(Self.schemaVersion)")
        }
    }

    /// Inserts in one transaction; an existing row with the same id is left alone (returns false).
    @discardableResult
    public func insert(_ entry: CatalogEntry) throws -> Bool {
        try db.transaction { try insertRow(entry) }
    }

    private func insertRow(_ e: CatalogEntry) throws -> Bool {
        let r = e.record
        let json = String(decoding: try r.jsonData(), as: UTF8.self)
        let loras = String(decoding: try JSONEncoder.sorted.encode(r.loras), as: UTF8.self)
        let boxes = String(decoding: try JSONEncoder.sorted.encode(r.anomalyBoxes), as: UTF8.self)
        let created = CatalogDates.string(r.createdAt)
        func optional(_ s: String?) -> SQLiteDatabase.Value { s.map { .text($0) } ?? .null }
        try db.execute("""
            INSERT INTO images (id, batch, job_index, scene, image_path, content_sha256, prompt, negative_prompt, model,
                model_hash, loras, seed, steps, sampler, guidance, width, height, control_layout, control_strength,
                style_reference, anomaly_type, anomaly_boxes, expected_action, created_at, record_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO NOTHING
            """, [
                .text(e.id), .text(e.batch), .integer(Int64(e.jobIndex)), .text(e.scene), .text(e.imagePath), .text(e.contentHash),
                .text(r.prompt), .text(r.negativePrompt), .text(r.model), optional(r.modelHash), .text(loras),
                .integer(Int64(bitPattern: r.seed)), .integer(Int64(r.steps)), .text(r.sampler), .real(r.guidance),
                .integer(Int64(r.width)), .integer(Int64(r.height)), optional(r.controlLayout),
                r.controlStrength.map { .real($0) } ?? .null, optional(r.styleReference), optional(r.anomalyType),
                .text(boxes), optional(r.expectedAction), .text(created), .text(json),
            ])
        return try db.query("SELECT changes() AS n").first?["n"]?.integer == 1
    }

    public func delete(id: String) throws {
        try db.execute("DELETE FROM images WHERE id = ?", [.text(id)])
    }

    /// Every entry, in batch order (batch name, then job index): the order exports use.
    public func entries() throws -> [CatalogEntry] {
        try db.query("SELECT * FROM images ORDER BY batch, job_index, id").map(entry)
    }

    public func entry(id: String) throws -> CatalogEntry? {
        try db.query("SELECT * FROM images WHERE id = ?", [.text(id)]).first.map(entry)
    }

    /// Entries whose id starts with `prefix` (ids are hex, so `show 3fa2` is enough when unique).
    public func entries(idPrefix prefix: String) throws -> [CatalogEntry] {
        let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return try db.query("SELECT * FROM images WHERE id LIKE ? ESCAPE '\\' ORDER BY batch, job_index, id", [.text(escaped + "%")]).map(entry)
    }

    public func count() throws -> Int {
        Int(try db.query("SELECT COUNT(*) AS n FROM images").first?["n"]?.integer ?? 0)
    }

    /// Copies `source`'s rows in (image paths rewritten to stay valid from this catalog's folder).
    /// Idempotent: rows already here are skipped; a row with the same id but different image bytes
    /// is a conflict and nothing is merged.
    public func merge(from source: BatchCatalog) throws -> (added: Int, alreadyPresent: Int) {
        let incoming = try source.entries()
        return try db.transaction {
            var added = 0
            var present = 0
            for var entry in incoming {
                if let existing = try db.query("SELECT content_sha256 FROM images WHERE id = ?", [.text(entry.id)]).first {
                    guard existing["content_sha256"]?.text == entry.contentHash else {
                        throw SQLiteError("\(source.url.path): image \(entry.id) differs from the one already in \(url.path) (content hashes disagree)")
                    }
                    present += 1
                    continue
                }
                entry.imagePath = RelativePath.from(folder, to: source.imageURL(of: entry))
                if try insertRow(entry) { added += 1 }
            }
            return (added, present)
        }
    }

    private func entry(_ row: [String: SQLiteDatabase.Value]) throws -> CatalogEntry {
        func text(_ key: String) throws -> String {
            guard let value = row[key]?.text else { throw SQLiteError("\(url.path): row has no text in column \(key)") }
            return value
        }
        let record = try GenerationRecord.decode(json: Data(try text("record_json").utf8))
        return CatalogEntry(
            id: try text("id"), batch: try text("batch"), jobIndex: Int(row["job_index"]?.integer ?? 0), scene: try text("scene"),
            imagePath: try text("image_path"), contentHash: try text("content_sha256"), record: record)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// `createdAt` as records write it: ISO 8601 with milliseconds, UTC.
enum CatalogDates {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// A path from a folder to a file, with `..` where needed ("../shard-1/images/x.png").
enum RelativePath {
    static func from(_ folder: URL, to file: URL) -> String {
        let base = folder.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let target = file.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        var common = 0
        while common < min(base.count, target.count) && base[common] == target[common] { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }
}
