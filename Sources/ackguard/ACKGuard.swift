import ArgumentParser
import AuditRun

@main
struct ACKGuard: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ackguard",
        abstract: "Audit and fix Alibaba Cloud ACK clusters for NetworkPolicy support (ACK-007, CIS Alibaba 7.7).",
        discussion: """
            Start with: ackguard audit --demo (no account needed), ackguard audit (your account, every region), \
            ackguard iac PATH (Terraform and ROS before the cluster exists); each command's --help says more.

            Exit codes: 0 no FAIL and no UNKNOWN; 1 at least one FAIL; 2 configuration, credential or input error; \
            3 no FAIL but at least one UNKNOWN (incomplete audit); 64 command-line syntax error.
            """,
        version: version,
        subcommands: [
            AuditCommand.self, CollectCommand.self, FixCommand.self, IaCCommand.self, HistoryCommand.self,
            DiffCommand.self, ServeCommand.self,
        ]
    )

    /// Parses and runs the command; every error that is not argument-parser's own (usage errors exit 64, help and
    /// `--version` 0) or an exit code the command chose becomes one line and exit 2 (``RunFailure``).
    static func main() async {
        // A mistyped command is named as such, with the nearest command, before argument-parser reads it as an
        // unknown argument of the root command.
        let commands = configuration.subcommands.compactMap { $0.configuration.commandName }
        if let message = CommandSuggestion.unknownCommand(
            Array(CommandLine.arguments.dropFirst()), commands: commands, program: "ackguard")
        {
            Terminal.error(message)
            exit(withError: ExitCode.validationFailure)
        }
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
        } catch {
            // Argument-parser's own outcomes keep their meaning; `ackguard audit --help` parses to its help command,
            // whose run() throws the internal CommandError: the help screen to print (exit 0), not a failure.
            if error is ExitCode || error is CleanExit || error is ValidationError
                || String(reflecting: type(of: error)) == "ArgumentParser.CommandError"
            {
                exit(withError: error)
            }
            let failure = RunFailure.classify(error)
            Terminal.error(failure.description)
            exit(withError: ExitCode(failure.exitCode))
        }
    }
}
