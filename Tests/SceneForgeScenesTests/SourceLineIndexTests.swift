import Testing
@testable import SceneForgeScenes

@Suite struct SourceLineIndexTests {
    @Test func mapsKeysTablesAndArrayEntries() {
        let index = SourceLineIndex(text: """
            id = "a"
            tags = [
              "x = 1",
            ]
            [meta]
            "quoted key" = 2
            [[boxes]]
            x = 1
            [[boxes]]   # second
            y = 'it''s'
            """)
        #expect(index.line(of: "id") == 1)
        #expect(index.line(of: "tags") == 2)
        #expect(index.line(of: "meta") == 5)
        #expect(index.line(of: "meta.quoted key") == 6)
        #expect(index.line(of: "boxes") == 7)
        #expect(index.line(of: "boxes[0].x") == 8)
        #expect(index.line(of: "boxes[1]") == 9)
        #expect(index.line(of: "boxes[1].y") == 10)
        // Missing keys fall back to their table, then to line 1.
        #expect(index.line(of: "boxes[1].h") == 9)
        #expect(index.line(of: "name") == 1)
    }
}
