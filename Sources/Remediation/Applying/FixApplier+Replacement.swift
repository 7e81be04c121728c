import AlibabaCloud
import Audit

extension FixApplier {
    /// Submits the replacement of a Flannel / exclusive-ENI cluster (CreateCluster) and follows its task
    /// (DescribeTaskInfo) until the cluster runs; then audits the new cluster. The old cluster is not touched.
    func createReplacement(_ plan: ClusterPlan) async -> ClusterOutcome {
        var outcome = ClusterOutcome(plan: plan, result: .failed)
        guard let migration = plan.migration else {
            outcome.error = "no migration plan"
            return outcome
        }
        let body = migration.createClusterBody
        let region = body["region_id"]?.stringValue ?? plan.regionId
        let name = body["name"]?.stringValue ?? "replacement"
        do {
            await context.progress(plan.clusterId, "CreateCluster \(name) in \(region)")
            let response: CSResponse<JSONValue>
            do {
                response = try await context.client.createCluster(body: body, region: region)
            } catch {
                throw RemediationError.stepFailed(clusterId: plan.clusterId, step: "CreateCluster", detail: "\(error)")
            }
            let newId = response.value["cluster_id"]?.stringValue ?? ""
            let taskId = response.value["task_id"]?.stringValue ?? ""
            let write = WriteRecord(
                clusterId: plan.clusterId, regionId: region, api: "CreateCluster",
                target: "replacement cluster \(name) in \(region)", before: nil, after: newId,
                requestId: response.requestId ?? response.value["request_id"]?.stringValue, at: context.timestamp(),
                note: "task \(taskId); cluster \(plan.clusterId) is unchanged and was not deleted")
            outcome.writes = [write]
            outcome.replacementClusterId = newId
            outcome.replacementTaskId = taskId
            await context.events(.wrote(write))
            guard !newId.isEmpty, !taskId.isEmpty else {
                throw RemediationError.stepFailed(
                    clusterId: plan.clusterId, step: "CreateCluster",
                    detail: "the answer has no cluster_id or task_id: \(response.raw.serialized())")
            }
            await context.progress(plan.clusterId, "following task \(taskId) of the new cluster \(newId)")
            let finished: Bool? = try await context.poll(timeout: context.timing.createTimeout) {
                let task: CSResponse<JSONValue>
                do {
                    task = try await context.client.describeTaskInfo(taskId: taskId, region: region)
                } catch {
                    throw RemediationError.stepFailed(
                        clusterId: plan.clusterId, step: "DescribeTaskInfo \(taskId)", detail: "\(error)")
                }
                switch task.value["state"]?.stringValue?.lowercased() ?? "" {
                case "success": return true
                case "fail", "failed":
                    let error = task.value["error"]
                    let detail = [error?["code"]?.stringValue, error?["message"]?.stringValue]
                        .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                    throw RemediationError.replacementFailed(
                        clusterId: plan.clusterId, taskId: taskId, detail: detail.isEmpty ? "state fail" : detail)
                default: return nil
                }
            }
            guard finished != nil else {
                throw RemediationError.replacementTimedOut(
                    clusterId: plan.clusterId, taskId: taskId, seconds: context.timing.createTimeout.wholeSeconds)
            }
            outcome.result = .replacementCreated
            outcome.notes.append(
                "new cluster \(newId) runs; move the workloads, then delete \(plan.clusterId) yourself")
            do {
                let detail = try await context.client.describeClusterDetail(clusterId: newId, region: region).raw
                outcome.after = await context.reaudit(detail).finding
            } catch {
                outcome.notes.append("the new cluster could not be audited: \(error)")
            }
        } catch {
            outcome.result = .failed
            outcome.error = "\(error)"
        }
        return outcome
    }
}
