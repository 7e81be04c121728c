import Audit

/// Renders a CreateCluster body as Terraform for the `aliyun/alicloud` provider: one `alicloud_cs_managed_kubernetes`
/// resource with the `terway-eniip` add-on, and one `alicloud_cs_kubernetes_node_pool` per node pool (ACK-API.md §7.1).
enum TerraformBlockRenderer {
    static func render(_ body: JSONValue, replacing oldId: String) -> String {
        let name = body["name"]?.stringValue ?? "replacement"
        let resource = identifier(name)
        var lines: [String] = []
        lines.append(
            "# Replaces ACK cluster \(oldId) (never deleted by ackguard): Terway shared ENI, NetworkPolicy on.")
        if let region = body["region_id"]?.stringValue {
            lines.append("# The provider must target the same region: provider \"alicloud\" { region = \"\(region)\" }")
        }
        lines.append("resource \"alicloud_cs_managed_kubernetes\" \"\(resource)\" {")
        var attributes: [(String, String)] = [("name", string(name))]
        func add(_ attribute: String, _ key: String) {
            guard let value = body[key], !value.isNull else { return }
            attributes.append((attribute, expression(value)))
        }
        add("cluster_spec", "cluster_spec")
        add("version", "kubernetes_version")
        add("vswitch_ids", "vswitch_ids")
        add("pod_vswitch_ids", "pod_vswitch_ids")
        add("service_cidr", "service_cidr")
        add("proxy_mode", "proxy_mode")
        add("security_group_id", "security_group_id")
        add("is_enterprise_security_group", "is_enterprise_security_group")
        add("resource_group_id", "resource_group_id")
        add("timezone", "timezone")
        add("deletion_protection", "deletion_protection")
        let width = attributes.map(\.0.count).max() ?? 0
        for (attribute, value) in attributes {
            lines.append("  " + TextTable.padded(attribute, to: width) + " = " + value)
        }
        let tags = (body["tags"]?.arrayValue ?? []).compactMap { tag -> (String, String)? in
            guard let key = tag["key"]?.stringValue else { return nil }
            return (key, tag["value"]?.stringValue ?? "")
        }
        if !tags.isEmpty {
            lines.append("")
            lines.append("  tags = {")
            let keyWidth = tags.map { string($0.0).count }.max() ?? 0
            for (key, value) in tags {
                lines.append(
                    "    " + TextTable.padded(string(key), to: keyWidth) + " = "
                        + string(value))
            }
            lines.append("  }")
        }
        for addon in body["addons"]?.arrayValue ?? [] {
            guard let addonName = addon["name"]?.stringValue else { continue }
            lines.append("")
            lines.append("  addons {")
            lines.append("    name   = " + string(addonName))
            lines.append("    config = " + configExpression(addon["config"]?.stringValue ?? ""))
            lines.append("  }")
        }
        lines.append("}")
        for pool in body["nodepools"]?.arrayValue ?? [] {
            guard let poolName = pool["nodepool_info"]?["name"]?.stringValue else { continue }
            lines.append("")
            lines.append("resource \"alicloud_cs_kubernetes_node_pool\" \"\(resource)_\(identifier(poolName))\" {")
            var poolAttributes: [(String, String)] = [
                ("cluster_id", "alicloud_cs_managed_kubernetes.\(resource).id"), ("node_pool_name", string(poolName)),
            ]
            let group = pool["scaling_group"]
            for key in [
                "vswitch_ids", "instance_types", "desired_size", "instance_charge_type",
                "system_disk_category", "system_disk_size",
            ] {
                if let value = group?[key], !value.isNull { poolAttributes.append((key, expression(value))) }
            }
            let config = pool["kubernetes_config"]
            for key in ["runtime_name", "runtime_version"] {
                let source = key == "runtime_name" ? "runtime" : key
                if let value = config?[source], !value.isNull { poolAttributes.append((key, expression(value))) }
            }
            let poolWidth = poolAttributes.map(\.0.count).max() ?? 0
            for (attribute, value) in poolAttributes {
                lines.append("  " + TextTable.padded(attribute, to: poolWidth) + " = " + value)
            }
            for label in config?["labels"]?.arrayValue ?? [] {
                guard let key = label["key"]?.stringValue else { continue }
                lines.append("")
                lines.append("  labels {")
                lines.append("    key   = " + string(key))
                lines.append("    value = " + string(label["value"]?.stringValue ?? ""))
                lines.append("  }")
            }
            lines.append("}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `jsonencode({ NetworkPolicy = "true" })` for a flat object of strings; the quoted string otherwise.
    static func configExpression(_ config: String) -> String {
        guard !config.isEmpty, let object = AddonConfig(text: config).values,
            object.values.allSatisfy({ $0.stringValue != nil })
        else { return string(config) }
        let members = object.keys.sorted().map { key -> String in
            let name = isIdentifier(key) ? key : string(key)
            return "\(name) = \(string(object[key]!.stringValue!))"
        }
        return "jsonencode({ " + members.joined(separator: ", ") + " })"
    }

    static func expression(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return string(text)
        case .bool(let flag): return flag ? "true" : "false"
        case .number: return value.serialized()
        case .null: return "null"
        case .array(let items): return "[" + items.map(expression).joined(separator: ", ") + "]"
        case .object(let members):
            let parts = members.keys.sorted().map { "\(string($0)) = \(expression(members[$0]!))" }
            return "{ " + parts.joined(separator: ", ") + " }"
        }
    }

    /// A quoted HCL string: `"` and `\` escaped, control characters escaped, `${` and `%{` doubled so nothing is
    /// interpolated.
    static func string(_ text: String) -> String {
        var output = "\""
        var previous: Character?
        for character in text {
            switch character {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "{" where previous == "$" || previous == "%":
                output.removeLast()
                output += "\(previous!)\(previous!){"
            default: output.append(character)
            }
            previous = character
        }
        return output + "\""
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || (48...57).contains($0.value) || $0 == "_" || $0 == "-"
        }
    }

    /// A Terraform resource name: letters, digits, `_` and `-`, starting with a letter or `_`.
    static func identifier(_ text: String) -> String {
        var output = String(
            text.lowercased().unicodeScalars.map { scalar -> Character in
                let ok = (97...122).contains(scalar.value) || (48...57).contains(scalar.value) || scalar == "_"
                return ok ? Character(scalar) : "_"
            })
        if let first = output.unicodeScalars.first, (48...57).contains(first.value) { output = "_" + output }
        return output.isEmpty ? "replacement" : output
    }
}
