import History

extension ScanPart {
    /// Why `runId` is not a run id (1-128 of `A-Z a-z 0-9 . _ -`), or `nil`.
    public static func problem(withRunId runId: String) -> String? {
        let allowed = runId.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard (1...128).contains(runId.utf8.count), allowed else {
            return "\(String(reflecting: String(runId.prefix(80)))) is not 1-128 letters, digits, '.', '_' or '-'"
        }
        return nil
    }

    /// The run id a shard uses when `--run-id` is not given: `JOB_NAME` when set (checked like `--run-id`: an
    /// invalid one is an error, not silently replaced, or the shards of one Job would not meet), else a fresh UUID.
    public static func defaultRunId(environment: [String: String], fresh: () -> String) -> String {
        if let job = environment["JOB_NAME"], !job.isEmpty { return job }
        return fresh()
    }
}
