// libFuzzer target for the safetensors header parser (JSON scanner, entry validation, layout checks).
// Compiled together with Sources/SafeTensors, so it calls the same internal parser that SafeTensorsFile
// runs on a mapped file. See Fuzz/README.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensorsHeader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do {
        let header = try SafeTensorsHeader.parse(bytes, file: "fuzz-input")
        checkInvariants(header, bytes)
    } catch is SafeTensorsError {
        // Rejected with a proper error: the expected outcome for most inputs.
    } catch {
        fatalError("parser threw something other than SafeTensorsError: \(error)")  // a finding
    }
    return 0
}

/// An accepted header must tile the input's data section exactly; touching the first and last byte of
/// every tensor lets AddressSanitizer catch a range that escapes the input.
private func checkInvariants(_ header: SafeTensorsHeader, _ bytes: UnsafeRawBufferPointer) {
    var covered = 0
    var checksum: UInt8 = 0
    for tensor in header.tensors {
        let range = tensor.dataRange
        guard range.lowerBound == covered, range.count == tensor.elementCount * tensor.dtype.byteSize else {
            fatalError("accepted a layout with a gap, overlap or wrong size at '\(tensor.name)'")  // a finding
        }
        if !range.isEmpty {
            checksum &+= bytes[header.dataStart + range.lowerBound] &+ bytes[header.dataStart + range.upperBound - 1]
        }
        covered = range.upperBound
    }
    guard header.dataStart + covered == bytes.count else { fatalError("accepted trailing bytes") }  // a finding
    _ = checksum
}
