import Testing
@testable import SceneForgeScenes

struct TOMLTextTests {
    /// Inputs the bundled toml++ aborts on (marzer/tomlplusplus#301); reaching it with them would kill the process.
    @Test(arguments: ["[[[a]]]", "[[[1]]]", "[[=", "[[]]", "x = 1\n  [[ ]]\n", "[ = 3"])
    func headersWithoutAKeyAreSyntaxErrorsNotCrashes(text: String) {
        #expect(throws: TOMLSyntaxError.self) { try TOMLText.parse(text) }
    }

    /// Array elements that are not values, which the bundled toml++ also aborts on.
    @Test(arguments: ["a = [}]", "a = [1, }2]", "a = [,]", "a = [1,,2]", "x = { a = [\n  1,\n  } ] }",
                      "box_kinds = [\"error_icon\", }\"text_line\"]"])
    func arrayElementsThatAreNotValuesAreSyntaxErrorsNotCrashes(text: String) {
        #expect(throws: TOMLSyntaxError.self) { try TOMLText.parse(text) }
    }

    @Test func theErrorSaysWhere() throws {
        do {
            _ = try TOMLText.parse("name = \"ok\"\n\n  [[=\n")
            Issue.record("parsed")
        } catch let error as TOMLSyntaxError {
            #expect(error.line == 3 && error.column == 5)
        }
        do {
            _ = try TOMLText.parse("a = \n")
            Issue.record("parsed")
        } catch let error as TOMLSyntaxError {
            #expect(error.line == 1 && !error.message.isEmpty)
        }
    }

    @Test func validHeadersStillParse() throws {
        let table = try TOMLText.parse("[a]\nx = 1\n[[ b ]]\ny = 2\n[\"quoted key\"]\nz = [[1], [2]]\n")
        #expect(table["a"]?.table?["x"]?.int == 1)
        #expect(table["b"]?.array?.count == 1)
        #expect(table["quoted key"]?.table?["z"]?.array?.count == 2)
        // Brackets, braces and commas inside strings and comments are not structure.
        let tricky = try TOMLText.parse("s = \"[,}\" # [}\nl = '[,]'\nm = \"\"\"\nx [}\n\"\"\"\na = [ # {\n  \"x\", # ,\n  { k = [1, 2] },\n]\n[[t]]\nq = 1\n")
        #expect(tricky["a"]?.array?.count == 2 && tricky["t"]?.array?.count == 1)
    }
}
