extension Emulator {
    /// The member accounts' states (each with its own generated fleet and quota), attached to the management
    /// state, in the organisation's member order, and the state owning each generated member cluster; empty
    /// without an organisation.
    static func memberStates(_ configuration: EmulatorConfiguration, management: EmulatorState) async
        -> (states: [EmulatorState], owners: [String: EmulatorState])
    {
        guard let organisation = configuration.organisation else { return ([], [:]) }
        var states: [EmulatorState] = []
        var byAccount: [String: EmulatorState] = [:]
        var owners: [String: EmulatorState] = [:]
        for member in organisation.members where byAccount[member.accountId] == nil {
            let fleet = FleetGenerator.generate(member.fleet)
            let state = EmulatorState(fleet: fleet, configuration: member.stateConfiguration(from: configuration))
            states.append(state)
            byAccount[member.accountId] = state
            for cluster in fleet.clusters where owners[cluster.id] == nil {
                owners[cluster.id] = state
            }
        }
        await management.attachMemberStates(byAccount)
        return (states, owners)
    }
}
