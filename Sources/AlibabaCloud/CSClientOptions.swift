public import Foundation

/// How a `CSClient` reaches and calls the CS API.
public struct CSClientOptions: Sendable {
    /// One base URL for every CS call (`--endpoint` / `ACKGUARD_CS_ENDPOINT`); http is allowed (emulator).
    /// `nil` means `https://cs.<region>.aliyuncs.com` (and `https://cs.aliyuncs.com` for `DescribeRegions`).
    public var endpoint: URL?
    /// Time to establish a connection; part of each attempt's deadline. Configure the `HTTPClient` with
    /// `CSClient.httpClientConfiguration(for:)` so the connection pool honours it too.
    public var connectTimeout: Duration = .seconds(5)
    /// Time allowed for a response (head and body) after connecting; part of each attempt's deadline.
    public var readTimeout: Duration = .seconds(10)
    /// Largest response body accepted.
    public var maxBodyBytes: Int = 32 << 20
    /// Connections kept open to one CS endpoint (the `HTTPClient` pool from `CSClient.httpClientConfiguration`).
    /// HTTP/1.1 carries one call at a time per connection, so this caps calls in flight per endpoint: with 100 ms
    /// round trips, 8 connections (AsyncHTTPClient's default) would cap a region at 80 calls per second, below the
    /// rate limits the adaptive limiters are there to reach.
    public var maxConnectionsPerHost: Int = 256
    /// Exponential backoff, full jitter.
    public var retry: RetryPolicy = .default
    public var signatureVersion: SignatureVersion = .v3
    /// Guard against a server that never ends a listing.
    public var maxPages: Int = 1000
    public var userAgent: String
    /// Adaptive (AIMD) rate limiting per API action, starting with a slow-start window of 32 calls in flight (enough
    /// for every region's listing at once); `nil` disables it.
    public var rateLimiting: AdaptiveRateLimiter.Configuration? = AdaptiveRateLimiter.Configuration(initialWindow: 8)
    /// Clock, sleep and randomness.
    public var runtime: ClientRuntime = .system

    public init() {
        userAgent = "ackguard/1 (AlibabaCloud CS 2015-12-15)"
    }
}
