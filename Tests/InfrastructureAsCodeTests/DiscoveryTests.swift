import Audit
import Foundation
import TestSupport
import Testing

@testable import InfrastructureAsCode

/// Folder walking.
@Suite struct DiscoveryTests {
    @Test func aSymbolicLinkToAParentFolderDoesNotLoop() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("infra/main.tf", ScannerBehaviourTests.passingCluster)
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/infra/loop", withDestinationPath: folder.path)
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(result.findings.map(\.clusterId) == ["alicloud_cs_managed_kubernetes.p"])
        #expect(result.diagnostics.isEmpty)
    }
}
