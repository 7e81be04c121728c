import ACKEmulator
import ArgumentParser
import Foundation
import JSON

/// `ackguard-emulator`: a local Alibaba Cloud ACK control plane (CS API) with per-cluster Kubernetes APIs.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ackguard-emulator",
        abstract: "Serve an emulated Alibaba Cloud ACK control plane (CS API) and per-cluster Kubernetes APIs.",
        discussion: """
            The first line on stdout is `listening on http://HOST:PORT` (the CS endpoint). Without --access-key the \
            demo AccessKey `ackguard-demo-key` / `ackguard-demo-secret` is accepted (and printed).
            STS: `GET|POST /?Action=AssumeRole` (or `/sts`), RPC-signed, issues `STS.` keys with a security token.
            With --members: ResourceManager `ListAccounts`, `ListAccountsForParent`, `ListFoldersForParent` \
            (RPC, on `/`) for the management account's key, and AssumeRole into members' roles.
            Admin (unauthenticated): `GET /_emulator/requests` (request counts per API), `POST /_emulator/reset-log`.
            Kubernetes APIs: `https://127.0.0.1:KPORT/clusters/<cluster_id>`; fetch a kubeconfig with \
            DescribeClusterUserKubeconfig.
            """)

    @OptionGroup var options: EmulatorOptions

    mutating func run() async throws {
        let configuration = try options.emulatorConfiguration()
        if let directory = options.writeEvidence {
            do {
                let fleet = try configuration.makeFleet()
                try FleetExporter.write(fleet, to: URL(fileURLWithPath: directory))
                printError("wrote \(fleet.clusters.count) clusters to \(directory)")
            } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
            return
        }
        if options.listFleet {
            do {
                let fleet = try configuration.makeFleet()
                for cluster in fleet.clusters {
                    let fields = cluster.detail
                    let situations = cluster.situations.sorted().map(\.rawValue).joined(separator: ",")
                    print(
                        [
                            cluster.id, cluster.name, fields["region_id"]?.stringValue ?? "",
                            fields["cluster_type"]?.stringValue ?? "", fields["state"]?.stringValue ?? "",
                            situations,
                        ].joined(separator: "\t"))
                }
            } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
            return
        }
        let emulator: Emulator
        do {
            emulator = try await Emulator.start(configuration)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        var lines = ["listening on \(emulator.endpoint.absoluteString)"]
        lines.append("kubernetes on \(emulator.kubernetesEndpoint.absoluteString)/clusters/<cluster_id>")
        if options.accessKeys.isEmpty {
            let key = EmulatorAccessKey.demo
            lines.append("demo access key: \(key.id) secret: \(key.secret)")
        } else {
            lines.append("access keys: \(emulator.accessKeys.map(\.id).joined(separator: ", "))")
        }
        lines.append("clusters: \(emulator.fleet.clusters.count) in \(emulator.fleet.regions.joined(separator: ","))")
        if let organisation = configuration.organisation {
            lines.append(
                "organisation: \(organisation.resourceDirectoryId), management account \(configuration.accountId), "
                    + "\(organisation.members.count) members (ResourceManager ListAccounts on the CS endpoint)")
        }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3_600))
        }
        await emulator.stop()
    }

    func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
