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

    @Test("a cluster unfinished.json names is UNKNOWN collection-failed with the saved reason; its regions are read")
    func readsUnfinished() throws {
        let reason = "the cluster was not read within the run's time limit (--max-duration 5 s)\u{1B}[2J"
        let document: JSONValue = ["clusters": [["clusterId": "c2", "reason": .string(reason)]]]
        let evidence = try read(["unfinished.json": document.serialized()])
        #expect(evidence.map(\.collectionError) == [nil, reason])
        let findings = evidence.flatMap { AuditEngine.evaluate($0, options: AuditOptions()) }
        #expect(findings.last?.status == .unknown && findings.last?.reason == .collectionFailed)
        #expect(findings.first?.reason != .collectionFailed)
        #expect(try read([:]).allSatisfy { $0.collectionError == nil }, "a folder without the file reads as before")
        #expect(try read(["unfinished.json": "{}"]).allSatisfy { $0.collectionError == nil })
        let yaml = "clusters:\n- clusterId: c1\n  reason: cut\n"
        #expect(try read(["unfinished.yaml": yaml]).map(\.collectionError) == ["cut", nil])
        let folder = try TemporaryFolder(prefix: "ackguard-unfinished")
        defer { folder.remove() }
        try folder.write([
            "clusters.json": Self.listing,
            "unfinished.json": #"{"regions":[{"regionId":"ap-southeast-1","reason":"ListClusters: HTTP 503"}]}"#,
        ])
        let regions = try SavedEvidenceReader(directory: folder.path).readFolder().unfinishedRegions
        #expect(regions == ["ap-southeast-1": "ListClusters: HTTP 503"])
    }

    static let hostile: [(file: String, expected: String)] = [
        ("[]", #"expected an object with "regions" and "clusters" arrays"#),
        (#"{"clusters":{"c1":"cut"}}"#, #""clusters" is not an array"#),
        (#"{"regions":"cn-hangzhou"}"#, #""regions" is not an array"#),
        (#"{"regions":[{"reason":"cut"}]}"#, #"regions item 1 has no "regionId" string"#),
        (
            #"{"regions":[{"regionId":"../etc","reason":"cut"}]}"#,
            #"regions item 1: region id "../etc" is not a region id"#
        ),
        (
            #"{"regions":[{"regionId":"cn-beijing","reason":"a"},{"regionId":"cn-beijing","reason":"b"}]}"#,
            "region cn-beijing appears twice (regions items 1 and 2)"
        ),
        (#"{"regions":[{"regionId":"cn-beijing","reason":7}]}"#, #"region cn-beijing: "reason" is missing, empty"#),
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

    @Test("collect writes the regions not listed and the clusters cut short (reasons ≤ 1,024); none, no file")
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
        try writer.recordUnfinishedRegion("cn-beijing", reason: "DescribeClustersV1 failed with HTTP 503\nnext")
        let badRegion = #expect(throws: EvidenceFileError.self) {
            try writer.recordUnfinishedRegion("../../etc", reason: "x")
        }
        #expect(badRegion?.description.contains("is not") == true, "\(badRegion!)")
        try writer.writeListing(pages: [page])
        let read = try SavedEvidenceReader(directory: folder.path("out")).readFolder()
        let evidence = try read.clusters.map { try $0.evidence() }
        #expect(evidence.first?.collectionError == nil)
        #expect(evidence.last?.collectionError?.count == SavedUnfinished.maxReasonLength)
        #expect(read.unfinishedRegions == ["cn-beijing": "DescribeClustersV1 failed with HTTP 503\nnext"])

        let complete = SavedEvidenceWriter(directory: folder.path("complete"))
        try complete.prepare()
        try complete.write(documents("c1", error: nil))
        try complete.writeListing(pages: [page])
        #expect(!FileManager.default.fileExists(atPath: folder.path("complete/unfinished.json")))
    }
}
