import ArgumentParser

@main
struct ACKGuard: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ackguard",
        abstract: "Audit and fix Alibaba Cloud ACK clusters for NetworkPolicy support (ACK-007, CIS Alibaba 7.7).",
        discussion: """
            Exit codes: 0 no FAIL and no UNKNOWN; 1 at least one FAIL; 2 configuration, credential or input error;
            3 no FAIL but at least one UNKNOWN (incomplete audit); 64 command-line syntax error.
            """,
        version: version,
        subcommands: [
            AuditCommand.self, CollectCommand.self, FixCommand.self, IaCCommand.self, HistoryCommand.self,
            DiffCommand.self,
        ],
        defaultSubcommand: AuditCommand.self
    )

    /// Parses and runs the command; every error that is not argument-parser's own (usage errors exit 64, help and
    /// `--version` 0) or an exit code the command chose becomes one line and exit 2 (``CommandFailure``).
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                var synchronous = command
                try synchronous.run()
            }
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error as CleanExit {
            exit(withError: error)
        } catch let error as ValidationError {
            exit(withError: error)
        } catch {
            let failure = CommandFailure.classify(error)
            failure.report()
            exit(withError: ExitCode(failure.exitCode))
        }
    }
}
