/// Which kind of infrastructure code a resource was read from (decides how fixes are written).
enum IaCSourceKind: String, Sendable, Hashable {
    case terraform
    case terraformPlan = "terraform-plan"
    case ros

    /// How messages say that a value is decided later.
    var notKnownYet: String {
        self == .ros ? "is not known before the stack is created" : "is not known before apply"
    }
}
