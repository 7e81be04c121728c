public import Foundation

/// Kubeconfigs for emulated clusters, shaped like the ones `DescribeClusterUserKubeconfig` returns: one cluster
/// `kubernetes` with the CA inline, one user with an inline client certificate and key, one context
/// `<user>-<cluster id>` that is also the current context.
public enum EmulatorKubeconfig {
    /// The kubeconfig YAML for `clusterId`. `server` is the cluster's base URL, for example
    /// `https://127.0.0.1:6443/clusters/c1234`; the client certificate expires at `expiration`.
    public static func make(
        clusterId: String, clusterName: String, server: String, authority: EmulatorCertificateAuthority,
        userName: String, expiration: Date
    ) throws -> String {
        try make(
            clusterId: clusterId, clusterName: clusterName, server: server, authority: authority, userName: userName,
            notValidBefore: Date().addingTimeInterval(-300), expiration: expiration)
    }

    /// As ``make(clusterId:clusterName:server:authority:userName:expiration:)`` with an explicit start of validity.
    public static func make(
        clusterId: String, clusterName: String, server: String, authority: EmulatorCertificateAuthority,
        userName: String, notValidBefore: Date, expiration: Date
    ) throws -> String {
        let issued = try authority.issueClientCertificate(
            clusterId: clusterId, userName: userName, notValidBefore: notValidBefore, notValidAfter: expiration)
        let context = "\(userName)-\(clusterId)"
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        return """
            apiVersion: v1
            clusters:
            - cluster:
                server: \(quoted(server))
                certificate-authority-data: \(base64(authority.caCertificatePEM))
              name: kubernetes
            contexts:
            - context:
                cluster: kubernetes
                user: \(quoted(userName))
              name: \(quoted(context))
            current-context: \(quoted(context))
            kind: Config
            preferences: {}
            users:
            - name: \(quoted(userName))
              user:
                client-certificate-data: \(base64(issued.certificatePEM))
                client-key-data: \(base64(issued.privateKeyPEM))

            """
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\u%04X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
