import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The small HTTP exchange every network credential source needs: one request with a deadline and a bounded body.
/// Transport failures become `CredentialError.unreachable` naming the source and the endpoint (without query).
struct CredentialHTTP: Sendable {
    struct Response: Sendable {
        var status: Int
        var body: String
    }

    /// Credential responses are a few hundred bytes; anything past this is not a credential.
    static let maxBodyBytes = 256 * 1024

    let client: HTTPClient

    func send(
        _ method: HTTPMethod,
        url: String,
        headers: [(String, String)] = [],
        timeout: TimeAmount,
        source: String
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "ackguard")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: Self.maxBodyBytes)
            return Response(status: Int(response.status.code), body: String(buffer: body))
        } catch let error as CancellationError {
            throw error
        } catch {
            let endpoint = Self.redacted(url)
            let reason = String(describing: error).replacingOccurrences(of: url, with: endpoint)
            throw CredentialError.unreachable(source: source, endpoint: endpoint, reason: reason)
        }
    }

    /// The URL without query or fragment (a query may carry a signature, a token or an OIDC token).
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<invalid URL>" }
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return components.string ?? "<invalid URL>"
    }
}
