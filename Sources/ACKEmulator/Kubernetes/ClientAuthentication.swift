/// The outcome of checking a client certificate against an emulated cluster.
public enum ClientAuthentication: Sendable, Equatable {
    /// The certificate is valid for the cluster; `user` is its common name, `groups` its organizations.
    case authenticated(user: String, groups: [String])
    /// The certificate is refused (the reason is for logs; the client only sees `401 Unauthorized`).
    case rejected(String)
}
