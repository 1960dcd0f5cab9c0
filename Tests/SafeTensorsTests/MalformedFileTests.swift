import Foundation
import Testing

@testable import SafeTensors

/// A hostile or broken file and a word its error must contain.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    let label: String
    let bytes: [UInt8]
    let keyword: String
    var testDescription: String { label }
}

private let u8Entry = #"{"dtype":"U8","shape":[4],"data_offsets":[0,4]}"#

private let malformedCases: [MalformedCase] = [
    MalformedCase(label: "empty file", bytes: [], keyword: "too short"),
    MalformedCase(label: "shorter than 8 bytes", bytes: [1, 2, 3], keyword: "too short"),
    MalformedCase(
        label: "header length beyond the file", bytes: fileImage(header: "{}", declaredLength: 1000),
        keyword: "past the end"),
    MalformedCase(
        label: "absurd header length", bytes: fileImage(header: "{}", declaredLength: 200_000_000),
        keyword: "exceeds the limit"),
    MalformedCase(
        label: "header length UInt64.max", bytes: fileImage(header: "{}", declaredLength: UInt64.max),
        keyword: "exceeds the limit"),
    MalformedCase(
        label: "header not UTF-8", bytes: fileImage(headerBytes: [0x7B, 0xFF, 0xFE, 0x7D]), keyword: "UTF-8"),
    MalformedCase(label: "header not JSON", bytes: fileImage(header: "{abc"), keyword: "not valid JSON"),
    MalformedCase(label: "zero-length header", bytes: fileImage(header: ""), keyword: "not valid JSON"),
    MalformedCase(label: "header an array", bytes: fileImage(header: "[1,2]"), keyword: "not a JSON object"),
    MalformedCase(
        label: "deeply nested header", bytes: fileImage(header: String(repeating: "[", count: 100_000)),
        keyword: "exceeds a parser limit: nesting"),
    MalformedCase(
        label: "absurdly long shape",
        bytes: fileImage(header: #"{"a":{"dtype":"U8","shape":["# + String(repeating: "1,", count: 5000) + #"1],"data_offsets":[0,1]}}"#, data: [0]),
        keyword: "exceeds a parser limit: array longer"),
    MalformedCase(label: "entry not an object", bytes: fileImage(header: #"{"a":5}"#), keyword: "not an object"),
    MalformedCase(
        label: "missing dtype", bytes: fileImage(header: #"{"a":{"shape":[1],"data_offsets":[0,1]}}"#, data: [0]),
        keyword: "missing field 'dtype'"),
    MalformedCase(
        label: "dtype not a string",
        bytes: fileImage(header: #"{"a":{"dtype":7,"shape":[1],"data_offsets":[0,1]}}"#, data: [0]),
        keyword: "'dtype' is not a string"),
    MalformedCase(
        label: "unknown dtype",
        bytes: fileImage(header: #"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}"#, data: [0]),
        keyword: "unknown dtype 'Q4'"),
    MalformedCase(
        label: "missing shape", bytes: fileImage(header: #"{"a":{"dtype":"U8","data_offsets":[0,1]}}"#, data: [0]),
        keyword: "missing field 'shape'"),
    MalformedCase(
        label: "negative dimension",
        bytes: fileImage(header: #"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#, data: [0]),
        keyword: "'shape' is not an array of non-negative integers"),
    MalformedCase(
        label: "fractional dimension",
        bytes: fileImage(header: #"{"a":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}"#, data: [0]),
        keyword: "'shape' is not an array of non-negative integers"),
    MalformedCase(
        label: "shape product overflows",
        bytes: fileImage(
            header: #"{"a":{"dtype":"U8","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#),
        keyword: "overflows"),
    MalformedCase(
        label: "byte size overflows",
        bytes: fileImage(header: #"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}"#),
        keyword: "overflows"),
    MalformedCase(
        label: "missing data_offsets", bytes: fileImage(header: #"{"a":{"dtype":"U8","shape":[1]}}"#, data: [0]),
        keyword: "missing field 'data_offsets'"),
    MalformedCase(
        label: "data_offsets not a pair",
        bytes: fileImage(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}"#, data: [0]),
        keyword: "pair"),
    MalformedCase(
        label: "data_offsets beyond Int",
        bytes: fileImage(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,99999999999999999999]}}"#),
        keyword: "pair"),
    MalformedCase(
        label: "data_offsets reversed",
        bytes: fileImage(header: #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]),
        keyword: "reversed"),
    MalformedCase(
        label: "byte size mismatch",
        bytes: fileImage(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        keyword: "does not match"),
    MalformedCase(
        label: "offsets past the data section",
        bytes: fileImage(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]),
        keyword: "run out of the data section"),
    MalformedCase(
        label: "huge offsets past the data section",
        bytes: fileImage(
            header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[9223372036854775806,9223372036854775807]}}"#),
        keyword: "run out of the data section"),
    MalformedCase(
        label: "overlapping tensors",
        bytes: fileImage(
            header: #"{"a":\#(u8Entry),"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#,
            data: [UInt8](repeating: 0, count: 6)),
        keyword: "overlaps"),
    MalformedCase(
        label: "hole in the data section",
        bytes: fileImage(
            header: #"{"a":\#(u8Entry),"b":{"dtype":"U8","shape":[1],"data_offsets":[5,6]}}"#,
            data: [UInt8](repeating: 0, count: 6)),
        keyword: "hole"),
    MalformedCase(
        label: "trailing bytes after the last tensor",
        bytes: fileImage(header: #"{"a":\#(u8Entry)}"#, data: [UInt8](repeating: 0, count: 9)),
        keyword: "trailing bytes"),
    MalformedCase(
        label: "duplicate tensor names",
        bytes: fileImage(
            header: #"{"a":\#(u8Entry),"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#,
            data: [UInt8](repeating: 0, count: 8)),
        keyword: "duplicate key 'a'"),
    MalformedCase(
        label: "duplicate tensor name in a large header",
        bytes: fileImage(
            header: "{" + (0..<20).map { #""t\#($0)":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}"# }
                .joined(separator: ",") + #","t3":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}"#),
        keyword: "duplicate key 't3'"),
    MalformedCase(
        label: "duplicate field in an entry",
        bytes: fileImage(
            header: #"{"a":{"dtype":"U8","dtype":"F32","shape":[4],"data_offsets":[0,4]}}"#,
            data: [0, 0, 0, 0]),
        keyword: "duplicate key 'dtype'"),
    MalformedCase(
        label: "metadata value not a string",
        bytes: fileImage(header: #"{"__metadata__":{"k":1},"a":\#(u8Entry)}"#, data: [0, 0, 0, 0]),
        keyword: "'k' is not a string"),
    MalformedCase(
        label: "metadata not an object",
        bytes: fileImage(header: #"{"__metadata__":["k"],"a":\#(u8Entry)}"#, data: [0, 0, 0, 0]),
        keyword: "__metadata__ is not an object"),
    MalformedCase(
        label: "lone surrogate in a name",
        bytes: fileImage(header: #"{"\ud800":\#(u8Entry)}"#, data: [0, 0, 0, 0]), keyword: "surrogate"),
    MalformedCase(
        label: "text after the header object",
        bytes: fileImage(header: #"{} {}"#), keyword: "unexpected text after"),
]

@Suite struct MalformedFileTests {
    @Test(arguments: malformedCases)
    func rejectsWithNamedProblem(_ malformed: MalformedCase) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("bad.safetensors")
        try Data(malformed.bytes).write(to: url)

        let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsFile(url: url) }
        #expect(error.file == url.path)
        #expect(error.problem.contains(malformed.keyword), "\(error)")
        #expect(error.description == "\(url.path): \(error.problem)")
    }

    @Test func acceptsEdgeCasesTheReferenceAccepts() throws {
        // Spaces padding the header, null metadata, extra entry fields, an empty header and zero-size tensors
        // are all accepted by Python's safetensors 0.8 (checked by hand, see the report).
        let images = [
            fileImage(header: #"{"a":\#(u8Entry)}    "#, data: [1, 2, 3, 4]),
            fileImage(header: #"{"__metadata__":null,"a":\#(u8Entry)}"#, data: [1, 2, 3, 4]),
            fileImage(header: #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4],"x":[1]}}"#, data: [1, 2, 3, 4]),
            fileImage(header: "{}"),
            fileImage(header: #"{"z":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"a":\#(u8Entry)}"#,
                data: [1, 2, 3, 4]),
        ]
        for image in images {
            let header = try image.withUnsafeBytes { try SafeTensorsHeader.parse($0, file: "edge") }
            #expect(header.tensors.allSatisfy { $0.dataRange.upperBound <= header.dataLength })
        }
    }

    @Test func rejectsFoldersAndMissingFiles() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notFile = try #require(throws: SafeTensorsError.self) { try SafeTensorsFile(url: folder) }
        #expect(notFile.problem.contains("not a regular file"))
        let missing = folder.appendingPathComponent("missing.safetensors")
        let notThere = try #require(throws: SafeTensorsError.self) { try SafeTensorsFile(url: missing) }
        #expect(notThere.problem.contains("cannot open"))
        #expect(notThere.file == missing.path)
    }

    @Test func unknownTensorNameIsAnError() throws {
        let file = try SafeTensorsFile(url: fixturesFolder().appendingPathComponent("f32.safetensors"))
        let error = try #require(throws: SafeTensorsError.self) { try file.withBytes(of: "nope") { _ in () } }
        #expect(error.problem.contains("no tensor named 'nope'"))
    }
}
