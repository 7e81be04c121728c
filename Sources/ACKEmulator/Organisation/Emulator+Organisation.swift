extension Emulator {
    /// The member accounts' states (each with its own generated fleet and quota), attached to the management
    /// state; in the organisation's member order, empty without an organisation.
    static func memberStates(_ configuration: EmulatorConfiguration, management: EmulatorState) async
        -> [EmulatorState]
    {
        guard let organisation = configuration.organisation else { return [] }
        var states: [EmulatorState] = []
        var byAccount: [String: EmulatorState] = [:]
        for member in organisation.members where byAccount[member.accountId] == nil {
            let state = EmulatorState(
                fleet: FleetGenerator.generate(member.fleet),
                configuration: member.stateConfiguration(from: configuration))
            states.append(state)
            byAccount[member.accountId] = state
        }
        await management.attachMemberStates(byAccount)
        return states
    }
}
