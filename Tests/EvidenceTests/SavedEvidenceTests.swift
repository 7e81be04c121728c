import Audit
import Evidence
import Foundation
import TestSupport
import Testing

@Suite("reading saved evidence")
struct SavedEvidenceTests {
    @Test("meta_data as a JSON string or as an object; detail merges over the listing")
    func metaDataAndMerge() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-saved")
        defer { folder.remove() }
        try folder.write([
            "clusters.json": #"""
            {"clusters":[{"cluster_id":"c1","name":"one","region_id":"cn-hangzhou","state":"running",
              "meta_data":"{\"Addons\":[{\"name\":\"flannel\"}]}"},
             {"cluster_id":"c2","name":"two","region_id":"cn-hangzhou","meta_data":{"Addons":[{"name":"terway-eni"}]}}],
             "page_info":{"page_number":1,"page_size":10,"total_count":2}}
            """#,
            "clusters/c2.json": #"{"cluster_id":"c2","state":"deleting","parameters":{"ALIYUN::AccountId":"42"}}"#,
        ])
        let directory = folder.path
        let evidence = try SavedEvidenceReader(directory: directory).read()
        #expect(evidence.map(\.record.clusterId) == ["c1", "c2"])
        #expect(evidence[0].record.metaData?["Addons"]?[0]?["name"] == "flannel")
        #expect(evidence[1].record.state == "deleting")
        #expect(evidence[1].record.name == "two")
        #expect(evidence[1].record.accountId == "42")
        #expect(evidence[1].record.sources.count == 2)
    }

    @Test("Kubernetes Status files: 404 means not found, other codes mean unreadable")
    func statusFiles() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-saved")
        defer { folder.remove() }
        try folder.write([
            "clusters.json": #"[{"cluster_id":"c1","region_id":"r"}]"#,
            "kubernetes/c1/eni-config.json": #"{"kind":"Status","code":404,"reason":"NotFound"}"#,
            "kubernetes/c1/pods.json": #"{"kind":"Status","code":403,"reason":"Forbidden","message":"no"}"#,
            "kubernetes/c1/nodes.yaml": "kind: NodeList\nitems:\n- kind: Node\n  metadata: {name: n1}\n",
        ])
        let directory = folder.path
        let evidence = try SavedEvidenceReader(directory: directory).read()[0]
        guard case .notFound = evidence.eniConfig else {
            Issue.record("eni-config should be not found")
            return
        }
        guard case .failed(_, let error) = evidence.pods else {
            Issue.record("pods should be failed")
            return
        }
        #expect(error.contains("403"))
        #expect(evidence.nodes.value?.count == 1)
        #expect(evidence.namespaces == .notCollected)
    }

    @Test("YAML uses YAML 1.2 core scalars everywhere, ConfigMap data included (quoted values stay strings)")
    func yamlScalars() throws {
        let value = try EvidenceFile.parse(
            Array(
                "kind: ConfigMap\nsize: 3\nflag: no\ndata:\n  a: no\n  b: 0\n  c: False\n  d: \"False\"\n  e: '0'\n"
                    .utf8),
            displayPath: "x.yaml")
        #expect(value["size"] == 3)
        #expect(value["flag"] == "no")
        #expect(value["data"] == ["a": "no", "b": 0, "c": false, "d": "False", "e": "0"])
    }

    @Test("a broken file names the file, line and column")
    func brokenFile() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-saved")
        defer { folder.remove() }
        try folder.write(["clusters.json": "[\n{\"cluster_id\": \"c1\",}\n]"])
        let directory = folder.path
        #expect(
            throws: EvidenceFileError.syntax(
                path: directory + "/clusters.json", line: 2, column: 21,
                problem: "unexpected '}', expected a member name in double quotes")
        ) {
            try SavedEvidenceReader(directory: directory).read()
        }
    }
}
