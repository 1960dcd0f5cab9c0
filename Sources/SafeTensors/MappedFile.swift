#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A whole file mapped read-only into memory; unmapped when released.
/// If another process truncates the file while it is mapped, reading the lost pages raises SIGBUS:
/// checkpoints are treated as immutable while open.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    init(path: String) throws {
        func fail(_ problem: String) -> SafeTensorsError { SafeTensorsError(file: path, problem: problem) }

        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw fail("cannot open: \(systemErrorMessage())") }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fail("cannot stat: \(systemErrorMessage())") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw fail("not a regular file") }
        let size = Int(status.st_size)
        guard size > 0 else {
            // mmap refuses a zero length; an empty file is simply an empty buffer (rejected later as too short).
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
            mapped != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
        else { throw fail("cannot map into memory: \(systemErrorMessage())") }
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}

func systemErrorMessage() -> String {
    String(cString: strerror(errno))
}
