/// One tensor's header entry, already validated against the file it came from.
public struct SafeTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafeTensorsDType
    public let shape: [Int]
    /// Byte range of the tensor's data, relative to the start of the data section.
    public let dataRange: Range<Int>

    /// Number of elements (1 for a scalar of shape []). The header parser checked it cannot overflow.
    public var elementCount: Int { shape.reduce(1, *) }

    /// Number of bytes of data (elementCount × dtype.byteSize).
    public var byteCount: Int { dataRange.count }
}

/// Element count of `shape`, or nil when a dimension is negative or the product overflows `Int`.
func checkedElementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
        if overflow { return nil }
        count = product
    }
    return count
}

/// Byte count of a tensor of `shape` and `dtype`, or nil when it cannot be represented.
func checkedByteCount(shape: [Int], dtype: SafeTensorsDType) -> Int? {
    guard let elements = checkedElementCount(shape) else { return nil }
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
    return overflow ? nil : bytes
}
