import ArgumentParser
import Audit
import AuditRun
import Foundation
import Reports

struct IaCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iac",
        abstract: "Check Terraform configurations, Terraform plans and ROS templates before the clusters exist.",
        discussion: """
            Each path is a file or a folder, scanned recursively (hidden folders and .terraform/ are skipped): \
            Terraform *.tf files (each folder is a module, with its terraform.tfvars and *.auto.tfvars; local child \
            modules are followed), plans (terraform show -json plan.out > plan.json), ROS templates (*.json, *.yaml, \
            *.yml) and *.tfvars files (applied as with --var-file).

            Findings point at file:line:column. A file that does not parse is reported on stderr with its position; \
            the other files are still checked and the exit code is 2.

            Example: ackguard iac infra/ --var-file prod.tfvars --format sarif --output iac.sarif
            """
    )

    @Argument(help: ArgumentHelp("Files or folders to scan.", valueName: "path"))
    var paths: [String]

    @Option(
        name: .customLong("var-file"),
        help: ArgumentHelp("A .tfvars or .tfvars.json file for the root modules (repeatable).", valueName: "file"))
    var variableFiles: [String] = []

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp(
            "A variable value for the root modules, as terraform -var (repeatable).", valueName: "name=value"))
    var variables: [String] = []

    @Flag(help: "Turn every warning into a FAIL.")
    var strict = false

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder to scan") }
        for assignment in variables where IaCRun.variables(fromAssignments: [assignment]) == nil {
            throw ValidationError("--var takes NAME=VALUE, got '\(assignment)'")
        }
    }

    func run() async throws {
        let outcome = IaCRun(
            paths: paths, variableFiles: variableFiles, variables: IaCRun.variables(fromAssignments: variables) ?? [:],
            strict: strict, toolVersion: ACKGuard.version
        ).run()
        for diagnostic in outcome.diagnostics { Terminal.error(diagnostic) }
        // Nothing was found because nothing parsed: the errors on stderr say so; a table saying "No resources
        // found." on stdout would read as a clean result.
        if !(outcome.report.findings.isEmpty && !outcome.diagnostics.isEmpty && outputOptions.format == .table) {
            try outputOptions.printer.print(
                outcome.report, exitCode: outcome.exitCode, environment: ProcessInfo.processInfo.environment)
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
