import Foundation

/// Where a batch (or one shard of it) writes: `images/`, a catalog and an annotations file.
/// Shards of one batch may share a folder: each has its own catalog and annotations file
/// (`catalog.shard-1-of-4.sqlite`), the images of all of them sit side by side in `images/`,
/// and `sceneforge catalog merge` joins the catalogs afterwards.
public struct OutputFolder: Sendable {
    public let root: URL
    public let shard: Shard

    public init(root: URL, shard: Shard = .whole) {
        self.root = root
        self.shard = shard
    }

    public var images: URL { root.appendingPathComponent("images", isDirectory: true) }

    private var suffix: String { shard.isWhole ? "" : ".shard-\(shard.index)-of-\(shard.count)" }
    public var catalog: URL { root.appendingPathComponent("catalog\(suffix).sqlite") }
    public var annotations: URL { root.appendingPathComponent("annotations\(suffix).jsonl") }

    public func image(of job: BatchJob) -> URL { images.appendingPathComponent(job.fileName) }
    public func relativeImagePath(of job: BatchJob) -> String { "images/\(job.fileName)" }

    public func create() throws {
        do { try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true) }
        catch { throw OutputError("\(images.path): cannot create the output folder: \(error.localizedDescription)") }
    }

    /// Removes temporary files a killed run left behind, only those of `jobs` (this shard's), so a
    /// shard never deletes a file another shard is writing right now. Returns how many it removed.
    @discardableResult
    public func removeStrayTemporaryFiles(of jobs: [BatchJob]) throws -> Int {
        var removed = 0
        let candidates = jobs.map { AtomicFile.temporaryURL(for: image(of: $0)) } + [AtomicFile.temporaryURL(for: annotations)]
        for url in candidates where FileManager.default.fileExists(atPath: url.path) {
            do { try FileManager.default.removeItem(at: url) }
            catch { throw OutputError("\(url.path): cannot remove a stray temporary file: \(error.localizedDescription)") }
            removed += 1
        }
        return removed
    }
}
