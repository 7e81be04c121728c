import Foundation

/// Where a call goes: the URL prefix and the `host` header value that is signed.
struct ACSEndpoint: Sendable, Equatable {
    /// `scheme://host[:port][/base/path]`, no trailing slash.
    let urlPrefix: String
    /// `host[:port]` (port only when not the scheme's default), exactly as sent and signed.
    let hostHeader: String
    /// A path prefix of a configured endpoint (e.g. a proxy mount point), part of the signed pathname.
    let basePath: String

    /// The configured endpoint, else `https://cs.<region>.aliyuncs.com` (`https://cs.aliyuncs.com` without region).
    static func resolve(configured: URL?, region: String?) throws -> ACSEndpoint {
        if let configured { return try parse(configured) }
        if let region {
            try validate(region: region)
            return ACSEndpoint(
                urlPrefix: "https://cs.\(region).aliyuncs.com", hostHeader: "cs.\(region).aliyuncs.com", basePath: "")
        }
        return ACSEndpoint(urlPrefix: "https://cs.aliyuncs.com", hostHeader: "cs.aliyuncs.com", basePath: "")
    }

    static func validate(region: String) throws {
        let allowed = region.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
        guard !region.isEmpty, allowed, region.utf8.count <= 64 else { throw CSClientError.invalidRegion(region) }
    }

    static func parse(_ url: URL) throws -> ACSEndpoint {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil, components.user == nil
        else { throw CSClientError.invalidEndpoint(url.absoluteString) }
        let defaultPort = scheme == "https" ? 443 : 80
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var hostHeader = hostPart
        if let port = components.port, port != defaultPort { hostHeader += ":\(port)" }
        var basePath = components.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        return ACSEndpoint(
            urlPrefix: "\(scheme)://\(hostHeader)\(basePath)", hostHeader: hostHeader, basePath: basePath)
    }
}
