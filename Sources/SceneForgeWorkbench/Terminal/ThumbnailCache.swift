import Foundation
import SceneForgeImaging

/// Loads and renders image thumbnails on a background queue, so the UI never waits on disk or
/// PNG decoding; `ready` runs (on that queue) when one finishes, to wake the UI loop.
final class ThumbnailCache: ImageProvider, @unchecked Sendable {
    private struct Key: Hashable { let path: String; let columns: Int; let rows: Int }
    private let lock = NSLock()
    private var done: [Key: Thumbnail] = [:]
    private var failed: Set<Key> = []
    private var pending: Set<Key> = []
    private let queue = DispatchQueue(label: "sceneforge.thumbnails", qos: .userInitiated)
    private let options: ThumbnailOptions
    private let ready: @Sendable () -> Void

    init(colorDepth: ColorDepth, ready: @escaping @Sendable () -> Void) {
        options = ThumbnailOptions(colors: colorDepth)
        self.ready = ready
    }

    func thumbnail(of url: URL, columns: Int, rows: Int) -> Thumbnail? {
        guard columns > 0, rows > 0 else { return nil }
        let key = Key(path: url.path, columns: columns, rows: rows)
        lock.lock()
        defer { lock.unlock() }
        if let hit = done[key] { return hit }
        if failed.contains(key) || pending.contains(key) { return nil }
        pending.insert(key)
        let options = options
        queue.async { [weak self] in
            let thumbnail = try? ThumbnailRenderer.render(PNGFile.read(contentsOf: url), columns: columns, rows: rows, options: options)
            guard let self else { return }
            self.lock.lock()
            self.pending.remove(key)
            if let thumbnail {
                if self.done.count > 300 { self.done.removeAll() }
                self.done[key] = thumbnail
            } else {
                self.failed.insert(key)
            }
            self.lock.unlock()
            self.ready()
        }
        return nil
    }

    /// Forget a file (deleted or rewritten).
    func forget(_ url: URL) {
        lock.lock()
        done = done.filter { $0.key.path != url.path }
        failed = failed.filter { $0.path != url.path }
        lock.unlock()
    }
}
