import ArgumentParser
import Audit

/// Prints a one-line error on stderr and yields the exit code of an input/configuration error (RULE.md: 2).
func inputError(_ message: String) -> ExitCode {
    Terminal.error(message)
    return ExitCode(ExitStatus.inputError)
}
