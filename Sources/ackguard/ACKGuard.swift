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
}
