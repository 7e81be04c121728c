import Audit
import Evidence
import Foundation
import TestSupport
import Testing

/// `accounts.json`'s `skipped`: the accounts a collection did not audit, with the reason, so that `--from` is not
/// silently incomplete; a file without it reads as before; a hostile one is refused in one line naming the file.
@Suite("saved evidence: the accounts not audited")
struct SavedSkippedAccountsTests {
    static let first = "5100000000000001"
    static let second = "5100000000000002"
    static let third = "5100000000000003"
    static let listing = #"""
        [{"clusters":[{"cluster_id":"c1","name":"one","region_id":"cn-hangzhou"},
          {"cluster_id":"c2","name":"two","region_id":"cn-hangzhou"}],
          "page_info":{"page_number":1,"page_size":50,"total_count":2}}]
        """#

    /// The folder `files` describe (with the listing above unless they replace it), read.
    func read(_ files: [String: String]) throws -> SavedEvidenceReader.Folder {
        let folder = try TemporaryFolder(prefix: "ackguard-skipped")
        defer { folder.remove() }
        try folder.write(["clusters.json": Self.listing].merging(files) { _, new in new })
        return try SavedEvidenceReader(directory: folder.path).readFolder()
    }

    @Test("skipped accounts are read with their id, name and reason, exactly and in the file's order")
    func readsSkipped() throws {
        let reason = "cannot assume ResourceDirectoryAccountAccessRole: \u{1B}[2J EntityNotExist.Role\nnext"
        let document: JSONValue = [
            "accounts": [["accountId": .string(Self.first), "accountName": "member-01", "clusters": ["c1"]]],
            "skipped": [
                ["accountId": .string(Self.third), "reason": "its status is PendingRemove"],
                ["accountId": .string(Self.second), "accountName": "member\u{202E}02", "reason": .string(reason)],
            ],
        ]
        let folder = try read(["accounts.json": document.serialized()])
        #expect(
            folder.skippedAccounts == [
                .init(accountId: Self.third, reason: "its status is PendingRemove"),
                .init(accountId: Self.second, accountName: "member\u{202E}02", reason: reason),
            ])
        #expect(folder.clusters.map(\.clusterId) == ["c1", "c2"])
        #expect(folder.clusters.map { $0.accountId ?? "-" } == [Self.first, "-"])
    }

    @Test("a folder without accounts.json, or a file without skipped (or null), has no account skipped")
    func withoutSkipped() throws {
        #expect(try read([:]).skippedAccounts.isEmpty)
        let plain = #"{"accounts":[{"accountId":"5100000000000001","clusters":["c2"]}]}"#
        let folder = try read(["accounts.json": plain])
        #expect(folder.skippedAccounts.isEmpty)
        #expect(folder.clusters.map { $0.accountId ?? "-" } == ["-", Self.first])
        let null = #"{"accounts":[],"skipped":null}"#
        #expect(try read(["accounts.json": null]).skippedAccounts.isEmpty)
    }

    @Test("accounts.yaml holds skipped accounts as accounts.json does")
    func yaml() throws {
        let yaml = "accounts: []\nskipped:\n- accountId: '\(Self.second)'\n  accountName: two\n  reason: gone\n"
        #expect(
            try read(["accounts.yaml": yaml]).skippedAccounts == [
                .init(accountId: Self.second, accountName: "two", reason: "gone")
            ])
    }

    @Test("a reason of exactly 1,024 characters is read; a name of 256 too")
    func limitsAccepted() throws {
        let reason = String(repeating: "r", count: 1_023) + "\u{1B}"
        let name = String(repeating: "n", count: 256)
        let document: JSONValue = [
            "accounts": [],
            "skipped": [["accountId": .string(Self.second), "accountName": .string(name), "reason": .string(reason)]],
        ]
        let skipped = try read(["accounts.json": document.serialized()]).skippedAccounts
        #expect(skipped.first?.reason == reason && skipped.first?.accountName == name)
    }

    static let longReason = String(repeating: "x", count: 1_025)
    static let hostile: [(file: String, expected: String)] = [
        (#"{"accounts":[],"skipped":{"5100000000000002":"gone"}}"#, #""skipped" is not an array"#),
        (#"{"accounts":[],"skipped":"5100000000000002"}"#, #""skipped" is not an array"#),
        (#"{"accounts":[],"skipped":["5100000000000002"]}"#, "skipped item 1 is not an object"),
        (#"{"accounts":[],"skipped":[{"reason":"gone"}]}"#, #"skipped item 1 has no "accountId" string"#),
        (#"{"accounts":[],"skipped":[{"accountId":5100000000000002,"reason":"gone"}]}"#, #"has no "accountId""#),
        (#"{"accounts":[],"skipped":[{"accountId":"51000000000002","reason":"gone"}]}"#, "is not 16 decimal digits"),
        (
            #"{"accounts":[],"skipped":[{"accountId":"510000000000000\u001b","reason":"gone"}]}"#,
            #"account id "510000000000000\u{1b}" is not 16 decimal digits"#
        ),
        (
            #"{"accounts":[],"skipped":[{"accountId":"5100000000000002","reason":"a"},{"accountId":"5100000000000002","reason":"b"}]}"#,
            "account 5100000000000002 appears twice (skipped items 1 and 2)"
        ),
        (
            #"{"accounts":[{"accountId":"5100000000000002","clusters":["c1"]}],"skipped":[{"accountId":"5100000000000002","reason":"gone"}]}"#,
            "account 5100000000000002 is both audited (accounts item 1) and not audited (skipped item 1)"
        ),
        (
            #"{"accounts":[{"accountId":"5100000000000001"},{"accountId":"5100000000000002"}],"skipped":[{"accountId":"5100000000000002","reason":"gone"}]}"#,
            "account 5100000000000002 is both audited (accounts item 2) and not audited (skipped item 1)"
        ),
        (
            #"{"accounts":[],"skipped":[{"accountId":"5100000000000002","accountName":["x"],"reason":"gone"}]}"#,
            #"account 5100000000000002: "accountName" is not a string"#
        ),
        (
            #"{"accounts":[],"skipped":[{"accountId":"5100000000000002","accountName":"\#(String(repeating: "n", count: 257))","reason":"gone"}]}"#,
            "is longer than 256 characters"
        ),
        (
            #"{"accounts":[],"skipped":[{"accountId":"5100000000000002"}]}"#,
            #"account 5100000000000002: "reason" is missing, empty or not a string"#
        ),
        (
            #"{"accounts":[],"skipped":[{"accountId":"5100000000000002","reason":""}]}"#,
            #""reason" is missing, empty or not a string"#
        ),
        (
            #"{"accounts":[],"skipped":[{"accountId":"5100000000000002","reason":{"text":"gone"}}]}"#,
            #""reason" is missing, empty or not a string"#
        ),
        (
            #"{"accounts":[],"skipped":[{"accountId":"5100000000000002","reason":"\#(longReason)"}]}"#,
            #"account 5100000000000002: "reason" is longer than 1024 characters"#
        ),
        (#"{"accounts":[],"skipped":[{"accountId":"5100000000000002","reason":"gone"}"#, "accounts.json:1:"),
    ]

    @Test("a hostile skipped list is refused in one line naming the file", arguments: hostile)
    func hostileFile(_ file: String, _ expected: String) throws {
        let error = #expect(throws: EvidenceFileError.self) { try read(["accounts.json": file]) }
        let text = error?.description ?? ""
        #expect(text.contains("accounts.json"), "\(text)")
        #expect(text.contains(expected), "\(text)")
        #expect(!text.contains("\n") && !text.unicodeScalars.contains { InertText.isActive($0) }, "\(text)")
        #expect(text.count < 400, "one short line: \(text)")
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

    func withWriter(_ body: (SavedEvidenceWriter, TemporaryFolder) throws -> Void) throws {
        let folder = try TemporaryFolder(prefix: "ackguard-skipped")
        defer { folder.remove() }
        let writer = SavedEvidenceWriter(directory: folder.path("out"))
        try writer.prepare()
        try body(writer, folder)
    }

    @Test("collect writes the skipped accounts, sorted by id, and they read back the same")
    func writesSkipped() throws {
        try withWriter { writer, folder in
            try writer.write(documents("c1", account: Self.first, name: "member-01"))
            try writer.write(documents("c2", account: nil))
            try writer.recordSkipped(.init(accountId: Self.third, accountName: "gone\u{1B}]0;t\u{07}", reason: "r3"))
            try writer.recordSkipped(.init(accountId: Self.second, reason: "cannot assume\nthe role"))
            try writer.writeListing(pages: [page(["c1", "c2"])])
            let saved = try String(contentsOfFile: folder.path("out/accounts.json"), encoding: .utf8)
            let expected: JSONValue = [
                "accounts": [["accountId": .string(Self.first), "accountName": "member-01", "clusters": ["c1"]]],
                "skipped": [
                    ["accountId": .string(Self.second), "reason": "cannot assume\nthe role"],
                    ["accountId": .string(Self.third), "accountName": "gone\u{1B}]0;t\u{07}", "reason": "r3"],
                ],
            ]
            #expect(try JSONValue.parse(saved) == expected)
            let read = try SavedEvidenceReader(directory: folder.path("out")).readFolder()
            #expect(
                read.skippedAccounts == [
                    .init(accountId: Self.second, reason: "cannot assume\nthe role"),
                    .init(accountId: Self.third, accountName: "gone\u{1B}]0;t\u{07}", reason: "r3"),
                ])
            #expect(read.clusters.map { $0.accountId ?? "-" } == [Self.first, "-"])
        }
    }

    @Test("a run whose every account was skipped still writes accounts.json; one without skips no skipped member")
    func onlySkipped() throws {
        try withWriter { writer, folder in
            try writer.recordSkipped(.init(accountId: Self.second, accountName: "member-02", reason: "gone"))
            try writer.writeListing(pages: [])
            let read = try SavedEvidenceReader(directory: folder.path("out")).readFolder()
            #expect(read.clusters.isEmpty)
            #expect(read.skippedAccounts == [.init(accountId: Self.second, accountName: "member-02", reason: "gone")])
        }
        try withWriter { writer, folder in
            try writer.write(documents("c1", account: Self.first))
            try writer.writeListing(pages: [page(["c1"])])
            let saved = try JSONValue.parse(
                try String(contentsOfFile: folder.path("out/accounts.json"), encoding: .utf8))
            #expect(saved["skipped"] == nil, "a folder with no skipped account is written as before")
        }
    }

    @Test("a reason longer than the file holds is cut to 1,024 characters, marked, and reads back")
    func longReasonCut() throws {
        try withWriter { writer, folder in
            try writer.recordSkipped(.init(accountId: Self.second, reason: String(repeating: "e", count: 5_000)))
            try writer.recordSkipped(.init(accountId: Self.third, reason: "first"))
            try writer.recordSkipped(.init(accountId: Self.third, reason: "second"))
            try writer.writeListing(pages: [])
            let read = try SavedEvidenceReader(directory: folder.path("out")).readFolder().skippedAccounts
            #expect(read.first?.reason.count == SavedAccounts.maxReasonLength)
            #expect(read.first?.reason.hasSuffix("e…") == true)
            #expect(read.last?.reason == "first; second", "a second reason is kept, not dropped")
        }
    }

    @Test("collect refuses a skipped account the file could not hold, and one that also has saved clusters")
    func writerRefuses() throws {
        try withWriter { writer, folder in
            let bad = #expect(throws: EvidenceFileError.self) {
                try writer.recordSkipped(.init(accountId: "acs:ram::1:role/x", reason: "gone"))
            }
            #expect(bad?.description.contains("is not 16 decimal digits") == true, "\(bad!)")
            let long = String(repeating: "n", count: 257)
            #expect(throws: EvidenceFileError.self) {
                try writer.recordSkipped(.init(accountId: Self.second, accountName: long, reason: "gone"))
            }

            try writer.write(documents("c1", account: Self.second, name: "member-02"))
            try writer.recordSkipped(.init(accountId: Self.second, accountName: "member-02", reason: "write failed"))
            let both = #expect(throws: EvidenceFileError.self) { try writer.writeListing(pages: [page(["c1"])]) }
            let text = both?.description ?? ""
            #expect(text.contains("account \(Self.second): 1 of its clusters were saved"), "\(text)")
            #expect(text.contains(folder.path("out")), "\(text)")
            // Nothing that looks complete is left: no listing, no accounts.json.
            #expect(!FileManager.default.fileExists(atPath: folder.path("out/clusters.json")))
            #expect(!FileManager.default.fileExists(atPath: folder.path("out/accounts.json")))
        }
    }
}
