import Foundation
import SceneForgeImaging

/// Runs a shard of a batch into an output folder, resumably.
///
/// A job is done iff its catalog row exists and its PNG exists with the row's content hash. The
/// order of writes makes that safe under kill -9 at any moment: the PNG is written atomically
/// (temporary file, fsync, rename), then the row is inserted in a transaction. A kill before the
/// rename leaves a stray temporary file (removed on the next start); between rename and insert, a
/// complete PNG without a row (the job runs again and renames the same bytes over it); after the
/// insert, a done job. The annotations file is rewritten from the catalog at the end, atomically,
/// so it never holds a duplicate or a half line.
public final class BatchRunner {
    public let batchName: String
    public let jobs: [BatchJob]
    public let output: OutputFolder
    public let generator: BatchImageGenerator
    /// The `createdAt` of every record; nil: the time each image is made. Fixing it (the CLI reads
    /// `SOURCE_DATE_EPOCH`) makes a batch's files byte-for-byte reproducible.
    public var fixedCreatedAt: Date?

    public init(batchName: String, jobs: [BatchJob], output: OutputFolder, generator: BatchImageGenerator) {
        self.batchName = batchName
        self.jobs = jobs.filter { output.shard.contains($0) }
        self.output = output
        self.generator = generator
    }

    /// Refuses the whole batch up front when any job asks for something the generator cannot do.
    public func checkSupported() throws {
        for job in jobs {
            if let missing = generator.unsupportedFeature(of: job) {
                throw OutputError("scene '\(job.scene)' asks for \(missing)")
            }
        }
    }

    @discardableResult
    public func run(events: (BatchEvent) -> Void = { _ in }) throws -> BatchSummary {
        try checkSupported()
        try output.create()
        let strays = try output.removeStrayTemporaryFiles(of: jobs)
        let catalog = try BatchCatalog(url: output.catalog)

        var pending: [BatchJob] = []
        var repaired = 0
        for job in jobs {
            switch try state(of: job, in: catalog) {
            case .done: continue
            case .notStarted: pending.append(job)
            case .stale:
                try catalog.delete(id: job.id)
                repaired += 1
                pending.append(job)
            }
        }
        let skipped = jobs.count - pending.count
        events(.started(total: jobs.count, alreadyDone: skipped, strayFilesRemoved: strays))

        let start = Date()
        for job in pending {
            events(.jobStarted(job))
            let made = try generator.generate(job, createdAt: fixedCreatedAt ?? Date()) { events(.step(job, $0)) }
            let bytes = try PNGFile.encode(made.image, record: made.record)
            let url = output.image(of: job)
            try AtomicFile.write(bytes, to: url)
            try catalog.insert(CatalogEntry(
                id: job.id, batch: batchName, jobIndex: job.index, scene: job.scene,
                imagePath: output.relativeImagePath(of: job), contentHash: SHA256.hex(bytes), record: made.record))
            events(.jobFinished(job, imageURL: url))
        }
        try AnnotationLine.write(try catalog.entries(), to: output.annotations)
        let summary = BatchSummary(total: jobs.count, generated: pending.count, skipped: skipped, repaired: repaired,
                                   elapsed: Date().timeIntervalSince(start))
        events(.finished(summary))
        return summary
    }

    enum JobState { case done, notStarted, stale }

    func state(of job: BatchJob, in catalog: BatchCatalog) throws -> JobState {
        guard let entry = try catalog.entry(id: job.id) else { return .notStarted }
        guard let data = FileManager.default.contents(atPath: catalog.imageURL(of: entry).path),
              SHA256.hex(data) == entry.contentHash else { return .stale }
        return .done
    }
}
