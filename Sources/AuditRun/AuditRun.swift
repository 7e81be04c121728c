/// The whole run as a library (see ``AuditRun``).
public enum AuditRunPlaceholder {}
