import Audit
import Evidence
import Foundation
import TestSupport
import Testing

/// `unfinished.json`: the clusters a collection cut short stay UNKNOWN `collection-failed` in `--from`, never decided
/// on their listing entry alone; a folder without it reads as before; a hostile one is one line naming the file.
@Suite("saved evidence: clusters cut short")
struct SavedUnfinishedTests {
    /// c1's listing entry alone decides it (an add-on enabled in its metadata would pass without this file).
    static let listing = #"""
        [{"clusters":[{"cluster_id":"c1","name":"one","region_id":"cn-hangzhou","cluster_type":"ManagedKubernetes"},
          {"cluster_id":"c2","name":"two","region_id":"cn-hangzhou","cluster_type":"ManagedKubernetes"}],
          "page_info":{"page_number":1,"page_size":50,"total_count":2}}]
        """#

    func read(_ files: [String: String]) throws -> [ClusterEvidence] {
        let folder = try TemporaryFolder(prefix: "ackguard-unfinished")
        defer { folder.remove() }
        try folder.write(["clusters.json": Self.listing].merging(files) { _, new in new })
        return try SavedEvidenceReader(directory: folder.path).read()
    }

    @Test("a cluster unfinished.json names is UNKNOWN collection-failed with the saved reason; the others as before")
    func readsUnfinished() throws {
        let reason = "the cluster was not read within the run's time limit (--max-duration 5 s)\u{1B}[2J"
        let document: JSONValue = ["clusters": [["clusterId": "c2", "reason": .string(reason)]]]
        let evidence = try read(["unfinished.json": document.serialized()])
        #expect(evidence.map(\.collectionError) == [nil, reason])
        let findings = evidence.flatMap { AuditEngine.evaluate($0, options: AuditOptions()) }
        #expect(findings.last?.status == .unknown && findings.last?.reason == .collectionFailed)
        #expect(findings.first?.reason != .collectionFailed)
        #expect(try read([:]).allSatisfy { $0.collectionError == nil }, "a folder without the file reads as before")
        let yaml = "clusters:\n- clusterId: c1\n  reason: cut\n"
        #expect(try read(["unfinished.yaml": yaml]).map(\.collectionError) == ["cut", nil])
    }

    static let hostile: [(file: String, expected: String)] = [
        ("[]", #"expected an object with a "clusters" array"#),
        (#"{"clusters":{"c1":"cut"}}"#, #"expected an object with a "clusters" array"#),
        (#"{"clusters":["c1"]}"#, "clusters item 1 is not an object"),
        (#"{"clusters":[{"reason":"cut"}]}"#, #"clusters item 1 has no "clusterId" string"#),
        (#"{"clusters":[{"clusterId":"c9","reason":"cut"}]}"#, #"cluster "c9" is not a cluster of the folder"#),
        (
            #"{"clusters":[{"clusterId":"c1\u001b[2J","reason":"cut"}]}"#,
            #"cluster "c1\u{1b}[2J" is not a cluster of the folder"#
        ),
        (
            #"{"clusters":[{"clusterId":"c1","reason":"a"},{"clusterId":"c1","reason":"b"}]}"#,
            "cluster c1 appears twice (clusters items 1 and 2)"
        ),
        (#"{"clusters":[{"clusterId":"c1"}]}"#, #"cluster c1: "reason" is missing, empty or not a string"#),
        (#"{"clusters":[{"clusterId":"c1","reason":""}]}"#, #""reason" is missing, empty or not a string"#),
        (
            #"{"clusters":[{"clusterId":"c1","reason":"\#(String(repeating: "x", count: 1_025))"}]}"#,
            #"cluster c1: "reason" is longer than 1024 characters"#
        ),
    ]

    @Test("a hostile unfinished.json is refused in one line naming the file", arguments: hostile)
    func hostileFile(_ file: String, _ expected: String) throws {
        let error = #expect(throws: EvidenceFileError.self) { try read(["unfinished.json": file]) }
        let text = error?.description ?? ""
        #expect(text.contains("unfinished.json"), "\(text)")
        #expect(text.contains(expected), "\(text)")
        #expect(!text.contains("\n") && !text.unicodeScalars.contains { InertText.isActive($0) }, "\(text)")
    }

    @Test("collect writes the clusters cut short, their reasons cut to 1,024 characters; none cut, no file")
    func writes() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-unfinished")
        defer { folder.remove() }
        func documents(_ id: String, error: String?) -> ClusterDocuments {
            var documents = ClusterDocuments(
                clusterId: id,
                descriptions: [(["cluster_id": .string(id), "region_id": "cn-hangzhou"], "clusters.json")])
            documents.collectionError = error
            return documents
        }
        let page: JSONValue = [
            "clusters": [
                ["cluster_id": "c1", "region_id": "cn-hangzhou"], ["cluster_id": "c2", "region_id": "cn-hangzhou"],
            ]
        ]
        let writer = SavedEvidenceWriter(directory: folder.path("out"))
        try writer.prepare()
        try writer.write(documents("c1", error: nil))
        try writer.write(documents("c2", error: String(repeating: "e", count: 3_000)))
        try writer.writeListing(pages: [page])
        let evidence = try SavedEvidenceReader(directory: folder.path("out")).read()
        #expect(evidence.first?.collectionError == nil)
        #expect(evidence.last?.collectionError?.count == SavedUnfinished.maxReasonLength)

        let complete = SavedEvidenceWriter(directory: folder.path("complete"))
        try complete.prepare()
        try complete.write(documents("c1", error: nil))
        try complete.writeListing(pages: [page])
        #expect(!FileManager.default.fileExists(atPath: folder.path("complete/unfinished.json")))
    }
}
