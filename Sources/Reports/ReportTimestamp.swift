import Audit

/// The RFC 3339 parser moved to Audit's ``Timestamp`` (one timestamp format for reports, history and remediation);
/// this name remains only until the renderers that still say `ReportTimestamp` are switched over.
typealias ReportTimestamp = Timestamp
