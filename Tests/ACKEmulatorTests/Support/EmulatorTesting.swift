import ACKEmulator
import Foundation

typealias ACKEmulatorTestHandle = Emulator

extension Fleet {
    /// The first cluster showing `situation`.
    func first(_ situation: FleetSituation) -> FleetCluster? {
        clusters(showing: situation).first
    }
}
