import Foundation

extension Array {
    /// `transform` of every element, run on all cores, the results in the elements' order (so a deterministic
    /// transform gives the same array as `map`). The first error thrown, by index, is rethrown.
    func concurrentMap<T>(_ transform: (Element) throws -> T) throws -> [T] {
        var results = [Result<T, Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots[index] = Result { try transform(self[index]) }
            }
        }
        return try results.map { try $0!.get() }
    }
}
