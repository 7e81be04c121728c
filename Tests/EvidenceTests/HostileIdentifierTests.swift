import Audit
import Evidence
import Foundation
import TestSupport
import Testing

/// Identifiers from an API answer or a saved folder are checked where they are decoded, and `collect` never writes
/// outside its folder (issue 14, items 2 and 9).
@Suite("hostile identifiers and the collect folder")
struct HostileIdentifierTests {
    static let hostileIds = ["../../../x", "a/b", "..", "c1\0", "c1\nFAKE ROW PASS", "c\u{1b}[2J", ""]

    /// Every path under `url`, relative, sorted (symbolic links are listed, not followed).
    func tree(_ url: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: url.path) else { return [] }
        return (enumerator.allObjects as? [String] ?? []).sorted()
    }

    func listing(_ ids: [String], region: String = "cn-hangzhou") -> JSONValue {
        .object([
            "clusters": .array(ids.map { ["cluster_id": .string($0), "region_id": .string(region), "name": "n"] }),
            "page_info": ["page_number": 1, "page_size": 10, "total_count": .number(Double(ids.count))],
        ])
    }

    // MARK: - Decoding

    @Test(
        "a listing entry with a hostile cluster_id is an input error naming the value and the source",
        arguments: hostileIds.filter { !$0.isEmpty })
    func hostileListingId(_ id: String) throws {
        let error = #expect(throws: EvidenceFileError.self) {
            try EvidenceDecoding.clusterObjects(
                inListing: listing(["c1", id]), source: "DescribeClustersV1 cn-hangzhou")
        }
        let text = try #require(error).description
        #expect(text.hasPrefix("DescribeClustersV1 cn-hangzhou: cluster_id \"\(InertText.escaped(id))\" is not"))
        #expect(!text.unicodeScalars.contains { InertText.isActive($0) })
    }

    @Test("region_id must be a region id, or a string at all")
    func hostileRegion() throws {
        for region in ["evil.example/", "cn-hangzhou\n", "../x"] {
            #expect(throws: EvidenceFileError.self) {
                try EvidenceDecoding.clusterObjects(inListing: listing(["c1"], region: region), source: "s")
            }
        }
        let numeric: JSONValue = ["clusters": [["cluster_id": "c1", "region_id": 7]]]
        #expect(
            throws: EvidenceFileError.unexpectedContent(path: "s", problem: "cluster c1: \"region_id\" is not a string")
        ) {
            try EvidenceDecoding.clusterObjects(inListing: numeric, source: "s")
        }
        #expect(
            try EvidenceDecoding.clusterObjects(inListing: listing(["c1"], region: "ap-southeast-1"), source: "s").count
                == 1)
    }

    @Test("\"clusters\": null or not an array is an input error; [] is an empty listing")
    func nullClusters() throws {
        let null: JSONValue = ["clusters": .null, "page_info": ["total_count": 0]]
        #expect(
            throws: EvidenceFileError.unexpectedContent(
                path: "clusters.json", problem: "\"clusters\" is null; expected an array of clusters")
        ) { try EvidenceDecoding.clusterObjects(inListing: null, source: "clusters.json") }
        for value: JSONValue in [["clusters": ["c1": 1]], ["clusters": "c1"], [["clusters": .null]]] {
            #expect(throws: EvidenceFileError.self) {
                try EvidenceDecoding.clusterObjects(inListing: value, source: "clusters.json")
            }
        }
        #expect(try EvidenceDecoding.clusterObjects(inListing: ["clusters": []], source: "clusters.json").isEmpty)
    }

    @Test("a saved folder whose clusters.json is {\"clusters\": null} stops the audit, naming the file")
    func nullClustersFolder() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-hostile")
        defer { folder.remove() }
        let directory = folder.url
        try #"{"clusters": null}"#.write(
            to: directory.appendingPathComponent("clusters.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: EvidenceFileError.self) {
            try SavedEvidenceReader(directory: directory.path).read()
        }
        #expect(error?.description.contains("clusters.json") == true)
        #expect(error?.description.contains("null") == true)
    }

    @Test("identifiers are checked on the merged record: a region from parameters, add-on names from file names")
    func documentsChecked() throws {
        var documents = ClusterDocuments(
            clusterId: "c1",
            descriptions: [
                (["cluster_id": "c1", "parameters": ["ALIYUN::Region": "cn-hangzhou;x"]], "clusters/c1.json")
            ])
        #expect(throws: EvidenceFileError.self) { try documents.evidence() }
        documents.descriptions = [(["cluster_id": "c1", "region_id": "cn-hangzhou"], "clusters.json")]
        documents.addons["terway eniip\n"] = ["name": "terway-eniip", "config": "{}"]
        let error = #expect(throws: EvidenceFileError.self) { try documents.evidence() }
        #expect(
            error?.description == #"addons/c1/terway eniip\n.json: cluster c1: add-on name "terway eniip\n" "#
                + "is not \(Identifier.addonName.shape)")
        documents.addons = ["terway-eniip": ["name": "terway-eniip", "config": "{}"]]
        #expect(try documents.evidence().record.clusterId == "c1")
        let hostile = ClusterDocuments(clusterId: "../x", descriptions: [(["cluster_id": "../x"], "clusters.json")])
        #expect(throws: EvidenceFileError.self) { try hostile.evidence() }
    }

    // MARK: - Writing

    @Test(
        "collect refuses a hostile cluster id and writes nothing, inside or outside the folder",
        arguments: hostileIds)
    func writerRefusesHostileId(_ id: String) throws {
        let folder = try TemporaryFolder(prefix: "ackguard-hostile")
        defer { folder.remove() }
        let out = folder.url("a/b/out")
        let writer = SavedEvidenceWriter(directory: out.path)
        try writer.prepare()
        var documents = ClusterDocuments(
            clusterId: id, descriptions: [(["cluster_id": .string(id)], "clusters/\(id).json")],
            addons: ["terway-eniip": ["name": "terway-eniip"]])
        documents.kubernetes = ["eni-config": ["kind": "ConfigMap"], "nodes": ["kind": "NodeList", "items": []]]
        #expect(throws: EvidenceFileError.self) { try writer.write(documents) }
        #expect(tree(folder.url) == ["a", "a/b", "a/b/out"])
    }

    @Test("an add-on name or a Kubernetes file name that is not in the layout is refused")
    func writerRefusesHostileNames() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-hostile")
        defer { folder.remove() }
        let writer = SavedEvidenceWriter(directory: folder.url("out").path)
        try writer.prepare()
        for name in ["../../../x", "..", "a/b"] {
            #expect(throws: EvidenceFileError.self) {
                try writer.write(ClusterDocuments(clusterId: "c1", addons: [name: ["name": "x"]]))
            }
            #expect(throws: EvidenceFileError.self) {
                try writer.write(ClusterDocuments(clusterId: "c1", kubernetes: [name: ["kind": "List"]]))
            }
        }
        #expect(tree(folder.url) == ["out"])
    }

    @Test("a symbolic link planted inside the folder is not followed for writing")
    func writerDoesNotFollowLinks() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-hostile")
        defer { folder.remove() }
        let outside = URL(fileURLWithPath: try folder.makeFolder("outside"))
        let out = folder.url("out")
        let writer = SavedEvidenceWriter(directory: out.path)
        try writer.prepare()
        // A folder of the layout that is a link to somewhere else: refused.
        try FileManager.default.createSymbolicLink(
            at: out.appendingPathComponent("addons"), withDestinationURL: outside)
        let documents = ClusterDocuments(clusterId: "c1", addons: ["terway-eniip": ["name": "terway-eniip"]])
        let error = #expect(throws: EvidenceFileError.self) { try writer.write(documents) }
        #expect(error?.description.contains("symbolic link") == true)
        #expect(tree(outside).isEmpty)
        // A file of the layout that is a link: replaced by the new file, the target untouched.
        let target = outside.appendingPathComponent("victim.json")
        try "keep".write(to: target, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("kubernetes/c1"), withIntermediateDirectories: true)
        let link = out.appendingPathComponent("kubernetes/c1/nodes.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        try writer.write(ClusterDocuments(clusterId: "c1", kubernetes: ["nodes": ["kind": "NodeList", "items": []]]))
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
        let attributes = try FileManager.default.attributesOfItem(atPath: link.path)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(try String(contentsOf: link, encoding: .utf8).contains("NodeList"))
        #expect(tree(outside) == ["victim.json"])
    }

    @Test("a clusters.json that is a dangling link counts as existing: prepare refuses the folder")
    func prepareSeesLinks() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-hostile")
        defer { folder.remove() }
        let out = URL(fileURLWithPath: try folder.makeFolder("out"))
        try FileManager.default.createSymbolicLink(
            at: out.appendingPathComponent("clusters.json"), withDestinationURL: folder.url("gone"))
        #expect(throws: EvidenceFileError.self) { try SavedEvidenceWriter(directory: out.path).prepare() }
    }

    @Test("what collect writes reads back to the same documents; no temporary files are left")
    func roundTrip() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-hostile")
        defer { folder.remove() }
        let out = folder.url("out")
        let writer = SavedEvidenceWriter(directory: out.path)
        try writer.prepare()
        let page = listing(["c7d136a92851f5caa4e6c653528c8abdd"])
        let documents = ClusterDocuments(
            clusterId: "c7d136a92851f5caa4e6c653528c8abdd",
            descriptions: [(page["clusters"]![0]!, "clusters.json")],
            addons: ["terway-eniip": ["name": "terway-eniip", "config": "{\"NetworkPolicy\":\"true\"}"]],
            kubernetes: ["nodes": ["kind": "NodeList", "items": []]])
        try writer.write(documents)
        try writer.writeListing(pages: [page])
        #expect(
            tree(out) == [
                "addons", "addons/c7d136a92851f5caa4e6c653528c8abdd",
                "addons/c7d136a92851f5caa4e6c653528c8abdd/terway-eniip.json", "clusters.json", "kubernetes",
                "kubernetes/c7d136a92851f5caa4e6c653528c8abdd",
                "kubernetes/c7d136a92851f5caa4e6c653528c8abdd/nodes.json",
            ])
        let read = try SavedEvidenceReader(directory: out.path).readDocuments()
        #expect(read.count == 1)
        #expect(read.first?.addons == documents.addons)
        #expect(read.first?.kubernetes == documents.kubernetes)
    }
}
