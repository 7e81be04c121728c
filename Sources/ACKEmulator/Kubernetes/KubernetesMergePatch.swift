import Audit

/// The two patch formats the emulated API server applies.
enum KubernetesMergePatch {
    /// RFC 7386 JSON merge patch: objects merge recursively, `null` deletes a member, anything else replaces.
    static func merge(_ target: JSONValue?, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var members: [String: JSONValue] = [:]
        if case .object(let existing)? = target { members = existing }
        for (key, value) in patchMembers {
            if value.isNull {
                members[key] = nil
            } else {
                members[key] = merge(members[key], value)
            }
        }
        return .object(members)
    }

    /// A strategic merge patch, reduced to what the emulated kinds need: maps merge like a JSON merge patch
    /// (`null` deletes), lists of objects that all carry a `name` merge by name (the patch merge key of
    /// `containers`, `initContainers`, `volumes`, `env`), other lists are replaced, and `$`-directives such as
    /// `$setElementOrder/…` and `$retainKeys` are dropped. A `"$patch": "replace"` object replaces its target;
    /// `"$patch": "delete"` in a list entry removes the entry with that name.
    static func strategic(_ target: JSONValue?, _ patch: JSONValue) -> JSONValue {
        switch patch {
        case .object(var patchMembers):
            let directive = patchMembers["$patch"]?.stringValue
            patchMembers = patchMembers.filter { !$0.key.hasPrefix("$") }
            if directive == "replace" { return .object(patchMembers) }
            var members: [String: JSONValue] = [:]
            if case .object(let existing)? = target { members = existing }
            for (key, value) in patchMembers {
                if value.isNull {
                    members[key] = nil
                } else {
                    members[key] = strategic(members[key], value)
                }
            }
            return .object(members)
        case .array(let patchItems):
            guard case .array(let existingItems)? = target, !patchItems.isEmpty,
                patchItems.allSatisfy({ $0["name"]?.stringValue != nil }),
                existingItems.allSatisfy({ $0["name"]?.stringValue != nil })
            else {
                return .array(patchItems.map { strategic(nil, $0) })
            }
            var items = existingItems
            for item in patchItems {
                let name = item["name"]?.stringValue
                let index = items.firstIndex { $0["name"]?.stringValue == name }
                if item["$patch"]?.stringValue == "delete" {
                    if let index { items.remove(at: index) }
                } else if let index {
                    items[index] = strategic(items[index], item)
                } else {
                    items.append(strategic(nil, item))
                }
            }
            return .array(items)
        default:
            return patch
        }
    }
}
