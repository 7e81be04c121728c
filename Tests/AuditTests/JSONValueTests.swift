import Audit
import Testing

@Suite("JSON parsing and output")
struct JSONValueTests {
    @Test("parses every JSON construct")
    func parses() throws {
        let value = try JSONValue.parse(#"{"a":[1,-2.5e1,true,false,null,"x\u00e9\n\ud83d\ude00"],"b":{}}"#)
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == -25)
        #expect(value["a"]?[5] == "xé\n😀")
        #expect(value["b"] == [:])
    }

    @Test(
        "errors name the line and column",
        arguments: [
            ("{\n  \"a\": ,\n}", 2, 8), ("[1, 2", 1, 6), ("{\"a\" 1}", 1, 6), ("", 1, 1), ("[01]", 1, 3),
            ("{\"a\":\"é\" x}", 1, 10), ("\"unterminated", 1, 1), ("[1] 2", 1, 5),
        ])
    func positions(text: String, line: Int, column: Int) {
        do {
            _ = try JSONValue.parse(text)
            Issue.record("\(text) should not parse")
        } catch {
            #expect(error.line == line && error.column == column, "\(text): \(error)")
        }
    }

    @Test("output sorts keys and is stable")
    func serialization() throws {
        let value: JSONValue = ["b": 1, "a": ["x": "y\"z"], "c": [1.5, nil]]
        #expect(value.serialized() == #"{"a":{"x":"y\"z"},"b":1,"c":[1.5,null]}"#)
        #expect(try JSONValue.parse(value.serialized(pretty: true)) == value)
    }
}
