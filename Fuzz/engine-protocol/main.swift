// libFuzzer target for the engine's request parser: each input is one request line, as the engine reads it
// from stdin (ProtocolCodec.decodeRequest). Compiled together with Sources/SceneForgeEngine/Protocol.
// See Fuzz/README.md.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngineRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let line = Data(bytes: data, count: size)
    do {
        let request = try ProtocolCodec.decodeRequest(line)
        checkRoundTrip(request)
    } catch is ProtocolError {
        // Refused with a protocol error: the engine answers with an `error` event. The expected outcome.
    } catch {
        fatalError("decodeRequest threw something other than ProtocolError: \(error)")  // a finding
    }
    return 0
}

/// An accepted request must encode to one line that decodes to the same request (what the client sends).
private func checkRoundTrip(_ request: RequestLine) {
    guard let encoded = try? ProtocolCodec.encodeLine(request) else {
        fatalError("an accepted request cannot be encoded: \(request)")  // a finding
    }
    guard encoded.last == 0x0A, !encoded.dropLast().contains(0x0A) else {
        fatalError("an encoded request spans more than one line")  // a finding
    }
    guard let again = try? ProtocolCodec.decodeRequest(encoded.dropLast()), again == request else {
        fatalError("round trip changed the request: \(request)")  // a finding
    }
}
