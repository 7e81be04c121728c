import AlibabaCloud
import Audit

/// Reads and changes the `NetworkPolicy` key of a cluster's `terway-eniip` add-on config (ACK-API.md §2.6, §2.7):
/// ModifyClusterAddon merges the submitted keys into the stored config (an empty value removes a key), then
/// DescribeClusterAddonsUpgradeStatus is polled until the change reports `Success`, and the config is read back.
struct AddonConfigChange: Sendable {
    static let addonName = "terway-eniip"
    static let target = "terway-eniip add-on config"

    let context: RemediationContext
    let clusterId: String
    let regionId: String

    struct Reading: Sendable {
        var config: AddonConfig
        var state: String?
        var version: String?
    }

    /// GetClusterAddonInstance `terway-eniip`.
    func read() async throws -> Reading {
        let instance: CSResponse<CSAddonInstance>?
        do {
            instance = try await context.client.getClusterAddonInstance(
                clusterId: clusterId, name: Self.addonName, region: regionId)
        } catch {
            throw RemediationError.stepFailed(
                clusterId: clusterId, step: "GetClusterAddonInstance terway-eniip", detail: "\(error)")
        }
        guard let instance else { throw RemediationError.addonNotInstalled(clusterId: clusterId) }
        return Reading(
            config: AddonConfig(instance: instance.raw), state: instance.value.state, version: instance.value.version)
    }

    /// Sets `NetworkPolicy` to `value` (`nil` removes the key), waits for the change and checks it by reading the
    /// config back. Returns the write.
    func setNetworkPolicy(_ value: String?, before: AddonConfig) async throws -> WriteRecord {
        let submitted = JSONValue.object([AddonConfig.networkPolicyKey: .string(value ?? "")]).serialized()
        let requestId: String?
        do {
            requestId = try await context.client.modifyClusterAddon(
                clusterId: clusterId, componentId: Self.addonName, config: submitted, region: regionId)
        } catch {
            throw RemediationError.stepFailed(
                clusterId: clusterId, step: "ModifyClusterAddon terway-eniip \(submitted)", detail: "\(error)")
        }
        await context.progress(
            clusterId,
            "ModifyClusterAddon terway-eniip \(submitted) accepted"
                + (requestId.map { " (request id \($0))" } ?? "") + "; waiting for the change")
        let after = try await waitForChange(expected: value)
        return WriteRecord(
            clusterId: clusterId, regionId: regionId, api: "ModifyClusterAddon", target: Self.target,
            before: before.text, after: after.text, requestId: requestId, at: context.timestamp(),
            note: "submitted \(submitted)")
    }

    /// Polls DescribeClusterAddonsUpgradeStatus until the change is done and the add-on reads `expected`.
    func waitForChange(expected: String?) async throws -> AddonConfig {
        let done: AddonConfig? = try await context.poll(timeout: context.timing.addonTimeout) {
            let response: CSResponse<JSONValue>
            do {
                response = try await context.client.describeClusterAddonsUpgradeStatus(
                    clusterId: clusterId, componentIds: [Self.addonName], region: regionId)
            } catch {
                throw RemediationError.stepFailed(
                    clusterId: clusterId, step: "DescribeClusterAddonsUpgradeStatus terway-eniip", detail: "\(error)")
            }
            let task = response.value[Self.addonName]?["tasks"]
            let status = task?["status"]?.stringValue?.lowercased() ?? ""
            switch status {
            case "failed", "fail", "failure", "canceled", "cancelled":
                let message = [
                    task?["message"]?.scalarText, task?["error"]?.scalarText ?? task?["error"]?.serialized(),
                ]
                .compactMap { $0 }.filter { !$0.isEmpty && $0 != "null" }.joined(separator: "; ")
                throw RemediationError.addonUpdateFailed(
                    clusterId: clusterId, detail: "task status \(status)" + (message.isEmpty ? "" : ": \(message)"))
            case "success", "":
                // Done (or no task reported): the add-on itself must now read the value and be active. A "Success"
                // left over from an earlier change is not enough.
                let current = try await read()
                let active = (current.state ?? "active").lowercased() == "active"
                return active && current.config.networkPolicy == expected ? current.config : nil
            default:
                return nil
            }
        }
        guard let done else {
            throw RemediationError.addonUpdateTimedOut(
                clusterId: clusterId, seconds: context.timing.addonTimeout.wholeSeconds)
        }
        return done
    }
}
