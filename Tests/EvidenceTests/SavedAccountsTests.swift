import Audit
import Evidence
import Foundation
import TestSupport
import Testing

/// `accounts.json`: a saved folder keeps each cluster's account; a folder without it reads as before; a hostile one
/// is refused in one line naming the file.
@Suite("saved evidence: the clusters' accounts")
struct SavedAccountsTests {
    static let first = "5100000000000001"
    static let second = "5100000000000002"
    static let listing = #"""
        [{"clusters":[{"cluster_id":"c1","name":"one","region_id":"cn-hangzhou",
           "parameters":{"ALIYUN::AccountId":"42"}},
          {"cluster_id":"c2","name":"two","region_id":"cn-hangzhou"},
          {"cluster_id":"c3","name":"three","region_id":"cn-beijing"}],
          "page_info":{"page_number":1,"page_size":50,"total_count":3}}]
        """#

    /// The folder `files` describe (with the listing above unless they replace it), read.
    func read(_ files: [String: String], limits: ParseLimits = .default) throws -> [ClusterEvidence] {
        let folder = try TemporaryFolder(prefix: "ackguard-accounts")
        defer { folder.remove() }
        try folder.write(["clusters.json": Self.listing].merging(files) { _, new in new })
        return try SavedEvidenceReader(directory: folder.path, limits: limits).read()
    }

    func accounts(_ evidence: [ClusterEvidence]) -> [String] {
        evidence.map { "\($0.record.clusterId) \($0.record.accountId ?? "-") \($0.record.accountName ?? "-")" }
    }

    @Test("accounts.json gives each listed cluster its account id and name; the others keep what they had")
    func readsAccounts() throws {
        let evidence = try read([
            "accounts.json": """
            {"accounts":[{"accountId":"\(Self.first)","accountName":"member-01","clusters":["c2","c1"]},
                         {"accountId":"\(Self.second)","clusters":[]}]}
            """
        ])
        #expect(accounts(evidence) == ["c1 \(Self.first) member-01", "c2 \(Self.first) member-01", "c3 - -"])
        let findings = evidence.flatMap { AuditEngine.evaluate($0, options: AuditOptions()) }
        #expect(findings.map { $0.accountId ?? "-" } == [Self.first, Self.first, "-"])
    }

    @Test("a folder without accounts.json reads exactly as before: the account its parameters name, if any")
    func oldFolder() throws {
        let evidence = try read([:])
        #expect(accounts(evidence) == ["c1 42 -", "c2 - -", "c3 - -"])
    }

    @Test("accounts.yaml is read like accounts.json, as every file of the layout")
    func yaml() throws {
        let evidence = try read([
            "accounts.yaml": "accounts:\n- accountId: '\(Self.second)'\n  accountName: two\n  clusters: [c3]\n"
        ])
        #expect(accounts(evidence) == ["c1 42 -", "c2 - -", "c3 \(Self.second) two"])
    }

    @Test("a name is kept exactly as saved (escaping is the reports' job), up to 256 characters")
    func namesKeptExactly() throws {
        let name = "evil\u{1B}[31m\u{202E}" + String(repeating: "n", count: 246)
        #expect(name.count == 256)
        let document = JSONValue.object([
            "accounts": [["accountId": .string(Self.first), "accountName": .string(name), "clusters": ["c3"]]]
        ])
        let evidence = try read(["accounts.json": document.serialized()])
        #expect(evidence[2].record.accountName == name)
    }

    static let hostile: [(file: String, expected: String)] = [
        ("[]", #"expected an object with an "accounts" array"#),
        (#"{"accounts":{"5100000000000001":["c1"]}}"#, #"expected an object with an "accounts" array"#),
        (#"{"accounts":["5100000000000001"]}"#, "accounts item 1 is not an object"),
        (#"{"accounts":[{"clusters":["c1"]}]}"#, #"accounts item 1 has no "accountId" string"#),
        (#"{"accounts":[{"accountId":5100000000000001}]}"#, #"accounts item 1 has no "accountId" string"#),
        (#"{"accounts":[{"accountId":"510000000000001"}]}"#, "is not 16 decimal digits"),
        (#"{"accounts":[{"accountId":"../../5100000000001"}]}"#, "is not 16 decimal digits"),
        (#"{"accounts":[{"accountId":"51000000000000\u001b1"}]}"#, #""51000000000000\u{1b}1" is not 16"#),
        (#"{"accounts":[{"accountId":"５100000000000001"}]}"#, "is not 16 decimal digits"),
        (
            #"{"accounts":[{"accountId":"5100000000000001"},{"accountId":"5100000000000001"}]}"#,
            "account 5100000000000001 appears twice (accounts items 1 and 2)"
        ),
        (#"{"accounts":[{"accountId":"5100000000000001","accountName":7}]}"#, #""accountName" is not a string"#),
        (
            #"{"accounts":[{"accountId":"5100000000000001","accountName":"\#(String(repeating: "x", count: 257))"}]}"#,
            "is longer than 256 characters"
        ),
        (#"{"accounts":[{"accountId":"5100000000000001","clusters":"c1"}]}"#, #""clusters" is not an array"#),
        (#"{"accounts":[{"accountId":"5100000000000001","clusters":[1]}]}"#, "other than a cluster id string"),
        (
            #"{"accounts":[{"accountId":"5100000000000001","clusters":["c9"]}]}"#,
            #"cluster "c9" is not a cluster of the folder"#
        ),
        (
            #"{"accounts":[{"accountId":"5100000000000001","clusters":["c1\n\u001b[2J"]}]}"#,
            #"cluster "c1\n\u{1b}[2J" is not a cluster of the folder"#
        ),
        (
            #"{"accounts":[{"accountId":"5100000000000001","clusters":["c1","c1"]}]}"#,
            "cluster c1 is listed twice (account 5100000000000001 twice)"
        ),
        (
            #"{"accounts":[{"accountId":"5100000000000001","clusters":["c1"]},{"accountId":"5100000000000002","clusters":["c1"]}]}"#,
            "cluster c1 is listed twice (accounts 5100000000000001 and 5100000000000002)"
        ),
        (#"{"accounts":[{"accountId":"5100000000000001","clusters":["c1"]}"#, "accounts.json:1:"),
    ]

    @Test("a hostile accounts.json is refused in one line naming the file", arguments: hostile)
    func hostileFile(_ file: String, _ expected: String) throws {
        let error = #expect(throws: EvidenceFileError.self) { try read(["accounts.json": file]) }
        let text = error?.description ?? ""
        #expect(text.contains("accounts.json"), "\(text)")
        #expect(text.contains(expected), "\(text)")
        #expect(!text.contains("\n") && !text.unicodeScalars.contains { InertText.isActive($0) }, "\(text)")
    }

    @Test("an accounts.json beyond the parse limits, or a folder at its place, is refused naming it")
    func limits() throws {
        let many = (1...50).map { #"{"accountId":"51000000000000\#($0 < 10 ? "0" : "")\#($0)"}"# }
        let big = #"{"accounts":[\#(many.joined(separator: ","))]}"#
        let tight = ParseLimits(maximumInputSize: 1024)
        let error = #expect(throws: EvidenceFileError.self) { try read(["accounts.json": big], limits: tight) }
        #expect(error?.description.contains("accounts.json: cannot be read: larger than") == true, "\(error!)")
        #expect(try read(["accounts.json": big]).count == 3, "the same file within the default limits reads")

        let folder = try TemporaryFolder(prefix: "ackguard-accounts")
        defer { folder.remove() }
        try folder.write(["clusters.json": Self.listing])
        _ = try folder.makeFolder("accounts.json")
        let folderError = #expect(throws: EvidenceFileError.self) {
            try SavedEvidenceReader(directory: folder.path).read()
        }
        #expect(folderError?.description.hasSuffix("accounts.json: cannot be read: a folder, not a file") == true)
    }

    // MARK: - Writing

    func documents(_ id: String, account: String?, name: String? = nil) -> ClusterDocuments {
        var documents = ClusterDocuments(
            clusterId: id, descriptions: [(["cluster_id": .string(id), "region_id": "cn-hangzhou"], "clusters.json")])
        documents.accountId = account
        documents.accountName = name
        return documents
    }

    func page(_ ids: [String]) -> JSONValue {
        .object([
            "clusters": .array(ids.map { .object(["cluster_id": .string($0), "region_id": "cn-hangzhou"]) }),
            "page_info": ["page_number": 1, "page_size": 50, "total_count": .number(Double(ids.count))],
        ])
    }

    @Test("collect writes accounts.json when clusters have accounts, sorted; it reads back to the same accounts")
    func writesAccounts() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-accounts")
        defer { folder.remove() }
        let writer = SavedEvidenceWriter(directory: folder.path("out"))
        try writer.prepare()
        try writer.write(documents("c3", account: Self.second))
        try writer.write(documents("c2", account: Self.first, name: "member-01"))
        try writer.write(documents("c1", account: Self.first, name: "member-01"))
        try writer.write(documents("c4", account: nil))
        try writer.writeListing(pages: [page(["c1", "c2", "c3", "c4"])])
        let saved = try String(contentsOfFile: folder.path("out/accounts.json"), encoding: .utf8)
        let expected: JSONValue = [
            "accounts": [
                ["accountId": .string(Self.first), "accountName": "member-01", "clusters": ["c1", "c2"]],
                ["accountId": .string(Self.second), "clusters": ["c3"]],
            ]
        ]
        #expect(try JSONValue.parse(saved) == expected)
        let evidence = try SavedEvidenceReader(directory: folder.path("out")).read()
        #expect(
            accounts(evidence) == [
                "c1 \(Self.first) member-01", "c2 \(Self.first) member-01", "c3 \(Self.second) -", "c4 - -",
            ])
    }

    @Test("a run without accounts writes no accounts.json")
    func noAccountsNoFile() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-accounts")
        defer { folder.remove() }
        let writer = SavedEvidenceWriter(directory: folder.path("out"))
        try writer.prepare()
        try writer.write(documents("c1", account: nil))
        try writer.writeListing(pages: [page(["c1"])])
        #expect(!FileManager.default.fileExists(atPath: folder.path("out/accounts.json")))
        #expect(FileManager.default.fileExists(atPath: folder.path("out/clusters.json")))
    }

    @Test("collect refuses an account the file could not hold, writing nothing for that cluster")
    func writerRefuses() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-accounts")
        defer { folder.remove() }
        let writer = SavedEvidenceWriter(directory: folder.path("out"))
        try writer.prepare()
        var withAddon = documents("c1", account: "acs:ram::1:role/x")
        withAddon.addons = ["terway-eniip": ["name": "terway-eniip"]]
        let bad = #expect(throws: EvidenceFileError.self) { try writer.write(withAddon) }
        #expect(bad?.description.contains("is not 16 decimal digits") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out/addons")))

        let long = String(repeating: "x", count: 257)
        #expect(throws: EvidenceFileError.self) { try writer.write(documents("c1", account: Self.first, name: long)) }

        try writer.write(documents("c1", account: Self.first, name: "one"))
        let twice = #expect(throws: EvidenceFileError.self) {
            try writer.write(documents("c1", account: Self.second))
        }
        #expect(twice?.description.contains("accounts \(Self.first) and \(Self.second)") == true, "\(twice!)")
        let renamed = #expect(throws: EvidenceFileError.self) {
            try writer.write(documents("c2", account: Self.first, name: "other"))
        }
        #expect(renamed?.description.contains("has two names") == true)
        try writer.write(documents("c1", account: Self.first, name: "one"))  // the same cluster again: as before
    }
}
