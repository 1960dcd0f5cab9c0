import ArgumentParser
import Dispatch
import Foundation

/// Ctrl-C and SIGTERM while a run trains: the first asks it to stop at the next step boundary, where it writes its
/// checkpoint (a long run loses nothing); a second ends the process at once, as the signal would have.
final class StopSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?
    private var sources: [DispatchSourceSignal] = []
    private let onFirst: @Sendable (Int32) -> Void

    /// `onFirst` runs once, on a dispatch thread, when the first signal arrives.
    init(onFirst: @escaping @Sendable (Int32) -> Void) {
        self.onFirst = onFirst
        for number in [SIGINT, SIGTERM] {
            // Ignored by the process, delivered to the source instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.caught(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal that arrived, if one has.
    var received: Int32? { lock.withLock { first } }

    private func caught(_ number: Int32) {
        let isFirst = lock.withLock { () -> Bool in
            guard first == nil else { return false }
            first = number
            return true
        }
        guard isFirst else { return }
        restoreDefaults()
        onFirst(number)
    }

    /// The signals' default actions again (the next one ends the process).
    func restoreDefaults() {
        lock.withLock {
            sources.forEach { $0.cancel() }
            sources.removeAll()
        }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// A wall-clock budget on the command line: seconds (`90`), or with units (`90s`, `10m`, `1h30m`).
struct TimeBudget: ExpressibleByArgument, Decodable, Sendable {
    let seconds: Double

    init?(argument: String) {
        var total = 0.0, digits = ""
        for character in argument.lowercased() {
            if character.isNumber || character == "." {
                digits.append(character)
                continue
            }
            guard let value = Double(digits), let unit = ["s": 1.0, "m": 60, "h": 3600][String(character)] else { return nil }
            total += value * unit
            digits = ""
        }
        if !digits.isEmpty {
            guard let value = Double(digits) else { return nil }
            total += value
        }
        guard total > 0, total.isFinite else { return nil }
        seconds = total
    }
}
