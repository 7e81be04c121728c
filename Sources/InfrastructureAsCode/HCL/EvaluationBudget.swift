/// Bounds Terraform evaluation, which the files drive: 40 `locals` each doubling the last stand for a terabyte
/// string, and nested `for` expressions multiply their collections. Parsing limits (`ParseLimits`) cannot see this,
/// because the input is small; the evaluator counts its own work instead.
///
/// Each top-level evaluation (an attribute of a resource, module call or provider; nested references included)
/// gets `maximumSteps` steps: one per expression evaluated, plus the size of every value a reference hands over
/// (a value is shared, not copied, so this is what keeps repeated references from multiplying). A value larger than
/// `maximumValueSize` (one per value plus its strings' UTF-8 bytes) is not built. Either way the result is an
/// unknown value, so the finding that needs it is UNKNOWN (`value-unknown`) rather than a guess, the local whose
/// evaluation stopped is named in a note, and the rest of the code is still checked.
final class EvaluationBudget {
    static let defaultMaximumSteps = 1_000_000
    static let defaultMaximumValueSize = 1 << 20

    let maximumSteps: Int
    let maximumValueSize: Int
    private var steps = 0
    private var nesting = 0
    /// Why evaluation stopped most recently, until a `local` claims it for its note.
    var unclaimedStop: String?

    init(maximumSteps: Int = defaultMaximumSteps, maximumValueSize: Int = defaultMaximumValueSize) {
        self.maximumSteps = maximumSteps
        self.maximumValueSize = maximumValueSize
    }

    /// Starts an evaluation; the outermost one gets a fresh allowance of steps.
    func begin() {
        if nesting == 0 { steps = 0 }
        nesting += 1
    }

    func end() {
        nesting -= 1
    }

    /// Spends `count` steps; an unknown value once the allowance is spent.
    func spend(_ count: Int = 1) -> IaCValue? {
        steps += count
        guard steps > maximumSteps else { return nil }
        let reason = "evaluation stopped after \(maximumSteps) steps (limit maximumSteps)"
        // Only the step that crossed the limit is reported: what is evaluated after it stops at once.
        return steps - count <= maximumSteps ? stop(reason) : .unknown(reason)
    }

    /// A string of `length` UTF-8 bytes: an unknown value when it is larger than a value may be.
    func admit(stringOfLength length: Int) -> IaCValue? {
        guard length > maximumValueSize else { return nil }
        return stop("a string longer than \(maximumValueSize) bytes (limit maximumValueSize)")
    }

    /// A value handed over by a reference: its size (counted up to the limit) is spent as steps; an unknown value
    /// when it is too large or the allowance is spent.
    func admit(_ value: IaCValue) -> IaCValue? {
        var size = 0
        guard Self.measure(value, size: &size, limit: maximumValueSize) else {
            _ = spend(maximumValueSize / 16)
            return stop("a value larger than \(maximumValueSize) (values plus string bytes; limit maximumValueSize)")
        }
        return spend(1 + size / 16)
    }

    /// Adds the size of `value` to `size`; false as soon as it passes `limit`.
    private static func measure(_ value: IaCValue, size: inout Int, limit: Int) -> Bool {
        size += 1
        switch value {
        case .string(let text): size += text.utf8.count
        case .list(let items):
            for item in items where !measure(item, size: &size, limit: limit) { return false }
        case .object(let members):
            for (key, member) in members {
                size += key.utf8.count
                if !measure(member, size: &size, limit: limit) { return false }
            }
        case .unknown(let unknown): size += unknown.reason.utf8.count
        default: break
        }
        return size <= limit
    }

    private func stop(_ reason: String) -> IaCValue {
        unclaimedStop = reason
        return .unknown(reason)
    }
}
