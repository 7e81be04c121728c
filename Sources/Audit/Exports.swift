// The rule engine speaks JSON (evidence documents, findings' evidence): whoever imports Audit sees `JSONValue`.
// The clients (AlibabaCloud, KubernetesAPI) import JSON alone and know nothing of the rules.
@_exported import JSON
