import Audit
import Testing

@testable import InfrastructureAsCode

/// The HCL native syntax reader: structure, positions, strings, heredocs, comments.
@Suite struct HCLParserTests {
    @Test func blocksLabelsAttributesAndPositions() throws {
        let body = try HCLParser.parseFile(
            """
            # comment
            resource "alicloud_cs_managed_kubernetes" "k8s" { // trailing comment
              name = "x" /* inline */
              addons { name = "a" config = "b" }
              nested label {
                deep = true
              }
            }
            """)
        #expect(body.attributes.isEmpty)
        let resource = try #require(body.blocks.first)
        #expect(resource.type == "resource")
        #expect(resource.labels == ["alicloud_cs_managed_kubernetes", "k8s"])
        #expect(resource.position == SourcePosition(line: 2, column: 1))
        #expect(resource.body.attribute("name")?.position == SourcePosition(line: 3, column: 3))
        let addons = try #require(resource.body.blocks("addons").first)
        #expect(addons.position == SourcePosition(line: 4, column: 3))
        #expect(addons.body.attributes.map(\.name) == ["name", "config"])
        #expect(addons.body.attribute("config")?.position == SourcePosition(line: 4, column: 23))
        let nested = try #require(resource.body.blocks("nested").first)
        #expect(nested.labels == ["label"])
        #expect(nested.body.attribute("deep")?.expression == .literal(.bool(true), SourcePosition(line: 6, column: 12)))
    }

    static func value(_ text: String, variables: [String: IaCValue] = [:]) throws -> IaCValue {
        let expression = try HCLParser.parseExpression(text)
        let evaluator = HCLEvaluator(
            resolveReference: { root, steps in
                guard root == "var", case .attribute(let name)? = steps.first else { return nil }
                return (variables[name] ?? .unknown("var.\(name) has no value"), 1)
            },
            readFile: { _ in .unknown("no files here") })
        return evaluator.evaluate(expression)
    }

    @Test func stringsEscapesAndTemplates() throws {
        #expect(try Self.value(#""a\"b\\c\n\t\u00e9\U0001F600""#) == .string("a\"b\\c\n\t\u{e9}\u{1F600}"))
        #expect(try Self.value(#""$${literal} %%{also}""#) == .string("${literal} %{also}"))
        #expect(try Self.value(#""${var.x}-suffix""#, variables: ["x": .string("pre")]) == .string("pre-suffix"))
        #expect(
            try Self.value(#""${var.n}""#, variables: ["n": .number(3)]) == .number(3),
            "a lone interpolation keeps its type")
        #expect(try Self.value(#""  ${~ var.x ~}  !""#, variables: ["x": "v"]) == .string("v!"))
        if case .unknown(let unknown) = try Self.value(#""x-${var.missing}""#) {
            #expect(unknown.reason == "var.missing has no value")
        } else {
            Issue.record("an interpolation of an unknown value is unknown")
        }
        if case .unknown(let unknown) = try Self.value(#""%{ if var.x }a%{ endif }""#, variables: ["x": true]) {
            #expect(unknown.reason.contains("%{if}"))
        } else {
            Issue.record("template directives are not evaluated")
        }
    }

    @Test func heredocs() throws {
        let body = try HCLParser.parseFile(
            """
            a = <<EOT
              keep "indent"
            ${var.x}
            EOT
            b = <<-EOT
                {
                  "k": "v"
                }
              EOT
            """)
        let evaluator = HCLEvaluator(
            resolveReference: { _, _ in (.string("X"), 1) }, readFile: { _ in .null })
        #expect(evaluator.evaluate(try #require(body.attribute("a")).expression) == .string("  keep \"indent\"\nX\n"))
        #expect(evaluator.evaluate(try #require(body.attribute("b")).expression) == .string("{\n  \"k\": \"v\"\n}\n"))
        #expect(body.attribute("b")?.position == SourcePosition(line: 5, column: 1))
    }

    @Test func collectionsOperatorsAndFunctions() throws {
        #expect(
            try Self.value(#"{ a = 1, "b" : 2, c = [true, null] }"#)
                == .object(["a": 1, "b": 2, "c": .list([.bool(true), .null])]))
        #expect(try Self.value("{\n  a = 1\n  b = 2\n}") == .object(["a": 1, "b": 2]))
        #expect(
            try Self.value(#"jsonencode({ NetworkPolicy = "true", ENITrunking = "false" })"#)
                == .string(#"{"ENITrunking":"false","NetworkPolicy":"true"}"#))
        #expect(try Self.value(#"jsonencode({ n = 1, l = [1.5, "x"] })"#) == .string(#"{"l":[1.5,"x"],"n":1}"#))
        #expect(try Self.value(#"merge({ a = "1" }, { a = "2", b = "3" })"#) == .object(["a": "2", "b": "3"]))
        #expect(try Self.value(#"lookup({ a = "1" }, "b", "d")"#) == .string("d"))
        #expect(try Self.value(#"var.on ? "true" : "false""#, variables: ["on": .bool(false)]) == .string("false"))
        #expect(try Self.value("1 + 2 * 3 == 7 && !false") == .bool(true))
        #expect(try Self.value(#"tostring(true)"#) == .string("true"))
        #expect(try Self.value(#"lower("TRUE")"#) == .string("true"))
        #expect(try Self.value(#"[for s in ["a", "b"] : upper(s)]"#) == .list(["A", "B"]))
        #expect(try Self.value(#"{for k, v in { a = 1, b = 2 } : k => v if v > 1}"#) == .object(["b": 2]))
        #expect(try Self.value(#"[{ n = 1 }, { n = 2 }][*].n"#) == .list([1, 2]))
        #expect(try Self.value(#"[[1, 2], [3]][1][0]"#) == .number(3))
        #expect(
            try Self.value(#"try(var.obj.missing, "fallback")"#, variables: ["obj": .object([:])])
                == .string("fallback"))
        #expect(try Self.value(#"format("%s-%d", "a", 1)"#) == .string("a-1"))
        #expect(try Self.value(#"join(",", split(":", "a:b"))"#) == .string("a,b"))
        #expect(try Self.value(#"coalesce("", var.x)"#, variables: ["x": "y"]) == .string("y"))
        #expect(try Self.value("data.zones.all.0.id") != .null)  // a data source: unknown, not an error in parsing
    }

    @Test func unknownsPropagateThroughFunctionsAndConditions() throws {
        let unknownVariable = try Self.value(#"jsonencode({ NetworkPolicy = var.np })"#)
        #expect(unknownVariable.firstUnknown?.reason == "var.np has no value")
        // A condition that is unknown still gives a value when both branches agree.
        #expect(try Self.value(#"var.np ? "true" : "true""#) == .string("true"))
        #expect(try Self.value(#"var.np ? "true" : "false""#).firstUnknown?.reason == "var.np has no value")
        #expect(try Self.value("false && var.np") == .bool(false))
        #expect(
            try Self.value(#"templatefile("x.tpl", {})"#).firstUnknown?.reason
                == "the function templatefile() is not evaluated by ackguard")
    }

    @Test func hostileNestingIsAnErrorNotACrash() throws {
        let deep = "a = " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        #expect(throws: HCLSyntaxError.self) { try HCLParser.parseFile(deep) }
        let blocks = String(repeating: "b {\n", count: 5000) + String(repeating: "}\n", count: 5000)
        #expect(throws: HCLSyntaxError.self) { try HCLParser.parseFile(blocks) }
        let templates = "a = " + String(repeating: "\"${", count: 500) + "1" + String(repeating: "}\"", count: 500)
        #expect(throws: HCLSyntaxError.self) { try HCLParser.parseFile(templates) }
        let fine = "a = " + String(repeating: "[", count: 30) + String(repeating: "]", count: 30) + "\n"
        #expect(throws: Never.self) { try HCLParser.parseFile(fine) }
        #expect(try Self.value("[1, 2][1e300]").firstUnknown?.isError == true)
        #expect(try Self.value("element([1, 2], 1e300)").firstUnknown?.isError == true)
    }
}
