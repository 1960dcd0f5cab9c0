import Foundation
import Testing
@testable import SceneForgeImaging

struct PNGMetadataTests {
    static func sampleRecord(prompt: String = "美团商家页面，优惠券弹窗遮挡下单按钮, close button top-right") -> GenerationRecord {
        GenerationRecord(
            id: "batch1-0007", prompt: prompt, negativePrompt: "模糊, lowres", model: "z_image_turbo",
            modelHash: "abcd1234", loras: [.init(name: "meituan_style", weight: 0.8), .init(name: "coupon", weight: 0.6)],
            seed: 42, steps: 8, sampler: "Euler", guidance: 1.0, width: 720, height: 1440,
            controlLayout: "layouts/meituan_store.toml", controlStrength: 0.7, styleReference: "refs/meituan.png",
            styleStrength: 0.5, anomalyType: "dialog_blocking",
            anomalyBoxes: [.init(kind: "dialog", x: 60, y: 400, width: 600, height: 640),
                           .init(kind: "close_button", x: 620, y: 410, width: 32, height: 32)],
            expectedAction: "close the dialog, then continue", qualityScores: ["clip_style": 0.87, "ssim": 0.74],
            createdAt: Date(timeIntervalSince1970: 1_780_000_000.125), extra: ["scene": "coupon_popup", "备注": "测试"])
    }

    @Test func recordRoundTripsThroughPNG() throws {
        let image = try RGBAImage(width: 4, height: 8, fill: (255, 128, 0, 255))
        let record = Self.sampleRecord()
        let bytes = try PNGFile.encode(image, record: record)
        let meta = try PNGFile.metadata(bytes)
        #expect(meta.record == record)
        #expect(try PNGFile.read(bytes) == image)
        // Chinese text cannot be Latin-1, so both chunks must be iTXt.
        let types = try PNGChunkCodec.parse(bytes).map(\.type)
        #expect(types.filter { $0 == "iTXt" }.count == 2)
        #expect(types.first == "IHDR" && types.last == "IEND")
    }

    @Test func a1111ParametersTextHasTheA1111Layout() throws {
        let record = Self.sampleRecord(prompt: "coupon popup over the order button")
        let text = record.a1111Parameters.text
        let expectedLastLine = "Steps: 8, Sampler: Euler, CFG scale: 1.0, Seed: 42, Size: 720x1440, Model hash: abcd1234, Model: z_image_turbo"
        #expect(text.split(separator: "\n").map(String.init) == [
            "coupon popup over the order button <lora:meituan_style:0.8> <lora:coupon:0.6>",
            "Negative prompt: 模糊, lowres",
            expectedLastLine,
        ])
        let meta = try PNGFile.metadata(PNGFile.encode(RGBAImage(width: 1, height: 1, fill: (0, 0, 0, 255)), record: record))
        #expect(meta.text["parameters"] == text)
        #expect(meta.parameters?["Seed"] == "42")
        #expect(meta.parameters?.negativePrompt == "模糊, lowres")
    }

    @Test func latinParametersAreTEXt() throws {
        var record = Self.sampleRecord(prompt: "plain prompt")
        record.negativePrompt = "blurry"
        let bytes = try PNGFile.encode(RGBAImage(width: 1, height: 1, fill: (0, 0, 0, 255)), record: record)
        let chunks = try PNGChunkCodec.parse(bytes)
        #expect(chunks.contains { $0.type == "tEXt" && $0.data.starts(with: Array("parameters\u{0}".utf8)) })
    }

    /// Files written by Pillow exactly as A1111 writes them (PngInfo.add_text).
    @Test(arguments: ["a1111_latin", "a1111_chinese"])
    func readsA1111Files(_ name: String) throws {
        let meta = try PNGFile.metadata(Fixtures.bytes("png/\(name).png"))
        let expected = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: Fixtures.url("png/\(name).json")))
        for (key, value) in expected { #expect(meta.text[key] == value, "chunk \(key)") }
        #expect(meta.record == nil)
        let params = try #require(meta.parameters)
        #expect(A1111Parameters.parse(params.text) == params)
    }

    @Test func parsesA1111SettingsWithQuotedValues() throws {
        let meta = try PNGFile.metadata(Fixtures.bytes("png/a1111_latin.png"))
        let p = try #require(meta.parameters)
        #expect(p.prompt == "a cat, masterpiece <lora:catstyle:0.8>")
        #expect(p.negativePrompt == "blurry, lowres")
        #expect(p["Sampler"] == "Euler a")
        #expect(p["Lora hashes"] == "catstyle: 0123abcd")
        #expect(p["Version"] == "v1.9.4")
        #expect(p.settings.count == 9)
        #expect(p.text == meta.text["parameters"])
    }

    @Test func chineseParametersParse() throws {
        let p = try #require(try PNGFile.metadata(Fixtures.bytes("png/a1111_chinese.png")).parameters)
        #expect(p.prompt == "美团商家页面，优惠券弹窗遮挡下单按钮")
        #expect(p.negativePrompt == "模糊，低质量")
        #expect(p["Size"] == "720x1440")
    }

    @Test func promptWithoutSettingsLineIsAllPrompt() {
        let p = A1111Parameters.parse("just a prompt\nsecond line: with colon")
        #expect(p.prompt == "just a prompt\nsecond line: with colon")
        #expect(p.settings.isEmpty)
    }

    @Test func badRecordJSONNamesTheField() throws {
        var json = String(decoding: try Self.sampleRecord().jsonData(), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"seed\":42", with: "\"seed\":\"forty-two\"")
        let chunk = try PNGText.chunk(keyword: "sceneforge", text: json, forceInternational: true)
        let bytes = try PNGEncoder.encode(RGBAImage(width: 1, height: 1, fill: (0, 0, 0, 255)), extraChunks: [chunk])
        #expect {
            try PNGFile.metadata(bytes)
        } throws: { error in
            "\(error)".contains("seed")
        }
    }

    @Test func atomicWriteAndReadFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sf-imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out.png")
        let image = try RGBAImage(width: 3, height: 2, fill: (1, 2, 3, 4))
        try PNGFile.write(image, record: Self.sampleRecord(), to: url)
        #expect(try PNGFile.read(contentsOf: url) == image)
        #expect(try PNGFile.metadata(contentsOf: url).record == Self.sampleRecord())
    }

    @Test func fileErrorsNameTheFile() throws {
        let url = Fixtures.url("malformed/ztxt_bomb.png")
        #expect {
            try PNGFile.metadata(contentsOf: url)
        } throws: { error in
            "\(error)".hasPrefix(url.path + ": PNG metadata: zTXt \"comment\"")
        }
        let missing = Fixtures.url("does-not-exist.png")
        #expect { try PNGFile.read(contentsOf: missing) } throws: { error in "\(error)".hasPrefix(missing.path + ": cannot read") }
    }
}
