/// Why an `EmulatorState` operation failed.
public enum EmulatorStateError: Error, Equatable, CustomStringConvertible {
    case unknownCluster(String)

    public var description: String {
        switch self {
        case .unknownCluster(let id): "emulator state: no cluster \(id)"
        }
    }
}
