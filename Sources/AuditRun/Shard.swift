import AlibabaCloud
public import History

extension ScanPart {
    /// The run id a shard uses when `--run-id` is not given: `JOB_NAME` when set (checked like `--run-id`: an
    /// invalid one is an error, not silently replaced, or the shards of one Job would not meet), else a fresh UUID.
    public static func defaultRunId(environment: [String: String], fresh: () -> String) -> String {
        if let job = environment["JOB_NAME"], !job.isEmpty { return job }
        return fresh()
    }

    /// `--shard` as `K/N`: `index/N` takes K from a Kubernetes Indexed Job's 0-based `JOB_COMPLETION_INDEX` (so
    /// the Job needs no shell to add one).
    public static func shardText(_ shard: String, environment: [String: String]) throws(RunFailure) -> String {
        guard shard.hasPrefix("index/") else { return shard }
        let count = shard.dropFirst("index/".count)
        guard let text = environment["JOB_COMPLETION_INDEX"], !text.isEmpty, text.count <= 4,
            text.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(text)
        else {
            throw RunFailure(
                "--shard \(shard) needs JOB_COMPLETION_INDEX (0-based, set by a Kubernetes Indexed Job) in the "
                    + "environment")
        }
        return "\(index + 1)/\(count)"
    }

    /// The part a `--shard`/`--run-id` command line asks for (`nil` without `--shard`), or the one-line reason it
    /// cannot be: a shard that is not K/N, a run id without a shard, an invalid run id or `JOB_NAME`.
    public static func resolve(
        shard: String?, runId: String?, environment: [String: String], fresh: () -> String
    ) throws(RunFailure) -> ScanPart? {
        guard let shard else {
            if runId != nil { throw RunFailure("--run-id names the run of a --shard; give --shard K/N") }
            return nil
        }
        let parsed: (index: Int, count: Int)
        do {
            parsed = try AccountShard.parse(try shardText(shard, environment: environment))
        } catch let error as ShardParseError {
            throw RunFailure(error.description)
        } catch {
            throw RunFailure("\(error)")
        }
        if let runId, let problem = runIdProblem(runId) { throw RunFailure("--run-id: \(problem)") }
        let id = runId ?? defaultRunId(environment: environment, fresh: fresh)
        if runId == nil, let problem = runIdProblem(id) {
            throw RunFailure("JOB_NAME (the default --run-id): \(problem); give --run-id")
        }
        return ScanPart(runId: id, index: parsed.index, count: parsed.count)
    }
}
