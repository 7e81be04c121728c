import Audit

/// One entry of a cluster's add-on list (`addons { … }` in Terraform, `Properties.Addons[i]` in ROS).
struct PlannedAddon: Sendable, Hashable {
    /// How reports name the entry, e.g. `addons[1]` or `Properties.Addons[1]`.
    var path: String
    var name: IaCValue
    /// `nil` when the entry has no config.
    var config: IaCValue?
    var disabled: IaCValue?
    /// The entry itself (the `addons` block, the list item).
    var location: SourceLocation
    var configLocation: SourceLocation?
    var nameLocation: SourceLocation?
    /// How the config attribute is named in reports, e.g. `addons[1].config`.
    var configPath: String
}

/// A part of a cluster's add-on list that cannot be known before apply (a `dynamic "addons"` block, an `Addons`
/// property built by a function, a list Terraform marks as known after apply).
struct UnknownAddons: Sendable, Hashable {
    var attribute: String
    var reason: String
    var location: SourceLocation
}
