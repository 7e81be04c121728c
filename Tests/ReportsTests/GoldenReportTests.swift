import Audit
import Reports
import Testing

@Suite struct GoldenReportTests {
    static let renderers: [(format: String, suffix: String, renderer: any ReportRenderer)] = [
        ("sarif", "sarif", SARIFReportRenderer()),
        ("junit", "junit.xml", JUnitReportRenderer()),
        ("csv", "csv", CSVReportRenderer()),
        ("ocsf", "ocsf.json", OCSFReportRenderer()),
        ("html", "html", HTMLReportRenderer()),
    ]

    static let reports: [(name: String, report: AuditReport)] = [
        ("report", ReportFixtures.clusters),
        ("iac", ReportFixtures.infrastructure),
        ("empty", ReportFixtures.empty),
    ]

    static let cases: [String] = renderers.flatMap { renderer in reports.map { "\($0.name).\(renderer.suffix)" } }

    @Test("renders the golden file", arguments: GoldenReportTests.cases)
    func matchesGolden(_ file: String) throws {
        let renderer = try #require(Self.renderers.first { file.hasSuffix("." + $0.suffix) }).renderer
        let report = try #require(Self.reports.first { file.hasPrefix($0.name + ".") }).report
        let output = renderer.render(report)
        #expect(output == renderer.render(report), "renderers are deterministic")
        try Golden.check(output, file)
    }

    @Test("every new format has a ReportFormat case")
    func formatsAreListed() {
        let names = Set(ReportFormat.allCases.map(\.rawValue))
        for renderer in Self.renderers { #expect(names.contains(renderer.format)) }
    }
}
