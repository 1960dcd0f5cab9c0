import Testing
@testable import SceneForgeWorkbench

@Suite struct ScreenBufferTests {
    @Test func wideCharactersTakeTwoCellsMeasuredByWcwidth() {
        #expect(CellWidth.of("美") == 2)
        #expect(CellWidth.of("a") == 1)
        #expect(CellWidth.of("e\u{301}") == 1)
        var screen = ScreenBuffer(width: 10, height: 1)
        let end = screen.put("a美b", x: 0, y: 0, style: .plain)
        #expect(end == 4)
        #expect(screen[1, 0].width == 2)
        #expect(screen[2, 0].isContinuation)
        #expect(screen.line(0).hasPrefix("a美b"))
    }

    @Test func aWideCharacterThatDoesNotFitIsNotHalfDrawn() {
        var screen = ScreenBuffer(width: 3, height: 1)
        screen.put("ab美", x: 0, y: 0, style: .plain)
        #expect(screen.line(0) == "ab ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var screen = ScreenBuffer(width: 4, height: 1)
        screen.put("美", x: 0, y: 0, style: .plain)
        screen.put("x", x: 1, y: 0, style: .plain)
        #expect(screen.line(0) == " x  ")
    }
}

@Suite struct TextEditorTests {
    @Test func typingUndoesAsOneStepAndPasteAsAnother() {
        var editor = TextEditor()
        for c in "hello" { editor.insert(String(c)) }
        editor.insert(" 弹窗 world")
        #expect(editor.text == "hello 弹窗 world")
        editor.undo()
        #expect(editor.text == "hello")
        editor.undo()
        #expect(editor.text == "")
    }

    @Test func wordJumpsStopAtWordEdges() {
        var editor = TextEditor(text: "coupon pop-up, 关闭按钮")
        editor.moveWordLeft()
        #expect(editor.cursor == "coupon pop-up, ".count)
        editor.moveWordLeft()
        #expect(editor.cursor == "coupon pop-".count)
        editor.moveLineStart()
        editor.moveWordRight()
        #expect(editor.cursor == "coupon".count)
    }

    @Test func cutAndPasteUseTheKillBuffer() {
        var editor = TextEditor(text: "first line\nsecond")
        editor.moveVertically(-1, width: 40)
        editor.moveLineStart()
        editor.cutToLineEnd()
        #expect(editor.text == "\nsecond")
        editor.moveVertically(1, width: 40)
        editor.moveLineEnd()
        editor.paste()
        #expect(editor.text == "\nsecondfirst line")
    }

    @Test func wrappingCountsCJKAsTwoColumnsAndCursorFollowsRows() {
        // 10 ideographs = 20 columns; a 9-column field holds 4 per row (one column kept for the cursor).
        var editor = TextEditor(text: "一二三四五六七八九十")
        let rows = editor.wrappedRows(width: 9)
        #expect(rows.map { editor.string(of: $0) } == ["一二三四", "五六七八", "九十"])
        #expect(editor.position(in: rows) == (2, 4))
        editor.moveVertically(-1, width: 9)
        #expect(editor.cursor == 6)
        editor.moveVertically(-1, width: 9)
        #expect(editor.cursor == 2)
    }
}
