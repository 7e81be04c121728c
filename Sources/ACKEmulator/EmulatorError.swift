/// Why the emulator could not start.
public enum EmulatorError: Error, Equatable, CustomStringConvertible {
    case serverDidNotStart(host: String, port: Int, reason: String)
    case reservePortFailed(reason: String)

    public var description: String {
        switch self {
        case .serverDidNotStart(let host, let port, let reason):
            "emulator CS server could not listen on \(host):\(port): \(reason)"
        case .reservePortFailed(let reason):
            "emulator could not reserve a closed loopback port for refusing clusters: \(reason)"
        }
    }
}
