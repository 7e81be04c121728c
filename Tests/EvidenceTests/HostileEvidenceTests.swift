import Audit
import Evidence
import Foundation
import TestSupport
import Testing

extension TemporaryFolder {
    /// A saved-evidence folder holding `files` (relative path: text).
    init(evidence files: [String: String] = [:]) throws {
        self = try TemporaryFolder(prefix: "ackguard-h")
        try write(files)
    }

    func makeParent(_ relative: String) throws {
        try makeFolder((relative as NSString).deletingLastPathComponent)
    }

    func read() throws(EvidenceFileError) -> [ClusterEvidence] {
        try SavedEvidenceReader(directory: path).read()
    }
}

let terwayListing = #"""
    {"clusters":[{"cluster_id":"c1","region_id":"cn-hangzhou","cluster_type":"ManagedKubernetes","state":"running",
      "meta_data":"{\"Addons\":[{\"name\":\"terway-eniip\",\"config\":\"{\\\"NetworkPolicy\\\":\\\"true\\\"}\"}]}"}]}
    """#

@Suite("saved evidence: unreadable files are errors, never \"not collected\"")
struct UnreadableEvidenceTests {
    enum Kind: String, CaseIterable, Sendable {
        case danglingLink, linkLoop, folder, fifo, characterDevice, socket, permissionDenied
    }

    /// Makes `relative` the hostile kind; returns the words the error must carry.
    static func make(_ kind: Kind, at relative: String, in folder: TemporaryFolder) throws -> String {
        try folder.makeParent(relative)
        let path = folder.path(relative)
        let manager = FileManager.default
        switch kind {
        case .danglingLink:
            try manager.createSymbolicLink(atPath: path, withDestinationPath: folder.path("nowhere.json"))
            return "dangling symbolic link"
        case .linkLoop:
            try manager.createSymbolicLink(atPath: path, withDestinationPath: path + ".b")
            try manager.createSymbolicLink(atPath: path + ".b", withDestinationPath: path)
            return "symbolic link loop"
        case .folder:
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            return "a folder, not a file"
        case .fifo:
            #expect(mkfifo(path, 0o644) == 0)
            return "a FIFO (named pipe), not a regular file"
        case .characterDevice:
            try manager.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
            return "a character device, not a regular file"
        case .socket:
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            #expect(bytes.count < MemoryLayout.size(ofValue: address.sun_path))
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in bytes.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            #expect(bound == 0)
            close(descriptor)
            return "a socket, not a regular file"
        case .permissionDenied:
            try "{}".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(chmod((path as NSString).deletingLastPathComponent, 0o000) == 0)
            return "permission denied"
        }
    }

    @Test(
        "kubernetes/<id>/eni-config.json that exists but cannot be read stops the audit, naming the file and why",
        arguments: Kind.allCases)
    func eniConfig(_ kind: Kind) throws {
        if kind == .permissionDenied && getuid() == 0 { return }  // root reads through any mode
        let folder = try TemporaryFolder(evidence: ["clusters.json": terwayListing])
        defer { folder.remove() }
        let reason = try Self.make(kind, at: "kubernetes/c1/eni-config.json", in: folder)
        let started = ContinuousClock.now
        let error = #expect(throws: EvidenceFileError.self) { try folder.read() }
        #expect(ContinuousClock.now - started < .seconds(10), "a FIFO must not block")
        let text = error?.description ?? ""
        #expect(text.contains("kubernetes/c1/eni-config.json"), "\(text)")
        #expect(text.contains(reason), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test(
        "every optional file and folder of the layout is checked the same way",
        arguments: [
            "clusters/c1.json", "addons/c1/terway-eniip.json", "kubernetes/c1/nodes.yaml", "kubernetes/c1/pods.yml",
            "kubernetes/c1/namespaces.json", "kubernetes/c1/networkpolicies.json",
        ])
    func everyFile(_ relative: String) throws {
        for kind in [Kind.danglingLink, .fifo, .folder] {
            let folder = try TemporaryFolder(evidence: ["clusters.json": terwayListing])
            defer { folder.remove() }
            let reason = try Self.make(kind, at: relative, in: folder)
            let error = #expect(throws: EvidenceFileError.self) { try folder.read() }
            #expect(error?.description.contains(relative) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        }
    }

    @Test(
        "a folder of the layout that is a file or a dangling link is an error",
        arguments: [
            "clusters", "addons", "addons/c1", "kubernetes", "kubernetes/c1",
        ])
    func folders(_ relative: String) throws {
        let asFile = try TemporaryFolder(evidence: ["clusters.json": terwayListing, relative: "x"])
        defer { asFile.remove() }
        let error = #expect(throws: EvidenceFileError.self) { try asFile.read() }
        #expect(error?.description.contains("\(relative): cannot be read: a file, not a folder") == true)

        let dangling = try TemporaryFolder(evidence: ["clusters.json": terwayListing])
        defer { dangling.remove() }
        _ = try Self.make(.danglingLink, at: relative, in: dangling)
        let linkError = #expect(throws: EvidenceFileError.self) { try dangling.read() }
        #expect(linkError?.description.contains("dangling symbolic link") == true)
    }

    @Test("only a path that does not exist means not collected; a link to a regular file is read")
    func absentAndLinked() throws {
        let folder = try TemporaryFolder(evidence: [
            "clusters.json": terwayListing, "elsewhere/cm.json": #"{"kind":"ConfigMap"}"#,
        ])
        defer { folder.remove() }
        #expect(try folder.read()[0].eniConfig == .notCollected)
        try folder.makeParent("kubernetes/c1/eni-config.json")
        try FileManager.default.createSymbolicLink(
            atPath: folder.path("kubernetes/c1/eni-config.json"), withDestinationPath: folder.path("elsewhere/cm.json"))
        guard case .read = try folder.read()[0].eniConfig else {
            Issue.record("a symbolic link to a regular file is evidence")
            return
        }
    }

    @Test("a file larger than maximumInputSize is refused after reading at most the limit")
    func sizeBound() throws {
        let folder = try TemporaryFolder(evidence: [
            "clusters.json": terwayListing, "kubernetes/c1/eni-config.json": #"{"kind":"ConfigMap","data":{}}"#,
        ])
        defer { folder.remove() }
        var limits = ParseLimits()
        limits.maximumInputSize = 20
        let error = #expect(throws: EvidenceFileError.self) {
            try SavedEvidenceReader(directory: folder.path, limits: limits).read()
        }
        #expect(error?.description.contains("larger than 20 bytes (limit maximumInputSize)") == true)
    }
}

@Suite("saved evidence: YAML aliases are expanded within the limits")
struct YAMLAliasTests {
    /// The issue's bomb: 8 levels, each a sequence of 9 aliases of the level below (413 bytes, 43 million values).
    static func sequenceBomb(levels: Int = 8) -> String {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...levels {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",")
                + "]\n"
        }
        return text + "clusters: []\n"
    }

    static func mappingBomb() -> String {
        var text = "m0: &m0 {a: x, b: x, c: x, d: x, e: x, f: x, g: x, h: x}\n"
        for level in 1...9 {
            let members = (0..<8).map { "k\($0): *m\(level - 1)" }.joined(separator: ", ")
            text += "m\(level): &m\(level) {\(members)}\n"
        }
        return text
    }

    static func blockBomb() -> String {
        var text = "kind: ConfigMap\ndata:\n  base: &b0\n  - x\n  - x\n  - x\n  - x\n"
        for level in 1...12 {
            text += "  l\(level): &b\(level)\n" + String(repeating: "  - *b\(level - 1)\n", count: 4)
        }
        return text
    }

    @Test(
        "alias bombs are refused quickly, naming the file, line, column and the limit",
        arguments: [
            ("sequences", sequenceBomb()), ("mappings", mappingBomb()), ("block style", blockBomb()),
            ("9 levels", sequenceBomb(levels: 9)),
        ])
    func bombs(_ name: String, _ text: String) throws {
        let started = ContinuousClock.now
        let error = #expect(throws: EvidenceFileError.self) {
            try EvidenceFile.parse(Array(text.utf8), displayPath: "clusters.yaml")
        }
        #expect(ContinuousClock.now - started < .seconds(10), "\(name): must not expand")
        guard case .syntax(let path, let line, let column, let problem)? = error else {
            Issue.record("\(name): expected a refusal with a position, got \(String(describing: error))")
            return
        }
        #expect(path == "clusters.yaml")
        #expect(line >= 1 && column >= 1)
        #expect(problem.contains("limit maximumAliasExpansions"))
    }

    @Test("the issue's 413-byte bomb in a saved folder stops the audit")
    func inFolder() throws {
        let folder = try TemporaryFolder(evidence: ["clusters.yaml": Self.sequenceBomb()])
        defer { folder.remove() }
        let error = #expect(throws: EvidenceFileError.self) { try folder.read() }
        #expect(error?.description.hasPrefix(folder.path("clusters.yaml") + ":") == true)
    }

    @Test("ordinary anchors and aliases still read, and expand to what they stand for")
    func ordinaryAliases() throws {
        let text = """
            defaults: &d {region_id: cn-hangzhou, state: running}
            clusters:
            - {cluster_id: c1, meta: *d}
            - {cluster_id: c2, meta: *d}
            """
        let value = try EvidenceFile.parse(Array(text.utf8), displayPath: "clusters.yaml")
        #expect(value["clusters"]?[1]?["meta"]?["region_id"] == "cn-hangzhou")
    }

    @Test("nesting and string limits apply to YAML too")
    func otherLimits() throws {
        var limits = ParseLimits()
        limits.maximumDepth = 5
        let deep = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        let error = #expect(throws: EvidenceFileError.self) {
            try EvidenceFile.parse(Array(deep.utf8), displayPath: "x.yaml", limits: limits)
        }
        #expect(error?.description.contains("limit maximumDepth") == true)
        limits = ParseLimits()
        limits.maximumStringLength = 3
        let long = #expect(throws: EvidenceFileError.self) {
            try EvidenceFile.parse(Array("a: abcd\n".utf8), displayPath: "x.yaml", limits: limits)
        }
        #expect(long?.description == "x.yaml:1:4: a string longer than 3 bytes (limit maximumStringLength)")
    }
}

@Suite("saved evidence: one cluster described twice")
struct DuplicateClusterTests {
    static func cluster(_ id: String, _ plugin: String) -> String {
        #"{"cluster_id":"\#(id)","region_id":"r","state":"running","meta_data":{"Addons":[{"name":"\#(plugin)"}]}}"#
    }

    @Test("the same id described differently on one page is an error naming both places, in either order")
    func samePage() throws {
        for order in [("flannel", "terway-eniip"), ("terway-eniip", "flannel")] {
            let folder = try TemporaryFolder(evidence: [
                "clusters.json":
                    #"{"clusters":[\#(Self.cluster("c0", "flannel")),\#(Self.cluster("c1", order.0)),"#
                    + #"\#(Self.cluster("c1", order.1))]}"#
            ])
            defer { folder.remove() }
            let error = #expect(throws: EvidenceFileError.self) { try folder.read() }
            #expect(
                error?.description
                    == "\(folder.path("clusters.json")): cluster id \"c1\" appears twice, described differently "
                    + "(page 1 item 2 and page 1 item 3)")
        }
    }

    @Test("across pages, and in a bare array")
    func acrossPages() throws {
        let pages = try TemporaryFolder(evidence: [
            "clusters.json":
                #"[{"clusters":[\#(Self.cluster("c0", "flannel")),\#(Self.cluster("c1", "flannel"))]},"#
                + #"{"clusters":[\#(Self.cluster("c1", "terway-eniip"))]}]"#
        ])
        defer { pages.remove() }
        let error = #expect(throws: EvidenceFileError.self) { try pages.read() }
        #expect(error?.description.hasSuffix("(page 1 item 2 and page 2 item 1)") == true)

        let bare = try TemporaryFolder(evidence: [
            "clusters.yaml":
                "- {cluster_id: c1, state: running}\n- {cluster_id: c2}\n- {cluster_id: c1, state: deleted}\n"
        ])
        defer { bare.remove() }
        let bareError = #expect(throws: EvidenceFileError.self) { try bare.read() }
        #expect(bareError?.description.hasSuffix("(item 1 and item 3)") == true)
    }

    @Test("an identical repeat (a region re-listed by collect) is the same evidence and is kept")
    func identicalRepeat() throws {
        let entry = Self.cluster("c1", "flannel")
        let folder = try TemporaryFolder(evidence: [
            "clusters.json": #"[{"clusters":[\#(entry)]},{"clusters":[\#(entry)]}]"#
        ])
        defer { folder.remove() }
        let evidence = try folder.read()
        #expect(evidence.count == 1)
        #expect(NetworkPolicySupportRule.evaluate(evidence[0]).status == .fail)
    }

    @Test("a detail file is the detail layer, not a duplicate; a detail naming another cluster is an error")
    func details() throws {
        let folder = try TemporaryFolder(evidence: [
            "clusters.json": #"{"clusters":[\#(Self.cluster("c1", "flannel"))]}"#,
            "clusters/c1.json": #"{"cluster_id":"c1","name":"detail"}"#,
        ])
        defer { folder.remove() }
        #expect(try folder.read()[0].record.name == "detail")
        try folder.write("clusters/c1.json", #"{"cluster_id":"c2","name":"detail"}"#)
        let error = #expect(throws: EvidenceFileError.self) { try folder.read() }
        #expect(
            error?.description
                == "\(folder.path("clusters/c1.json")): its cluster_id \"c2\" differs from its file name (\"c1\")")
    }
}
