import AlibabaCloudSigning
import AsyncHTTPClient
import BoundedConcurrency
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Sends signed CS requests: per-attempt deadlines, bounded bodies, retries with backoff and full jitter, adaptive
/// rate limiting per action, a fresh date and nonce on every attempt, and typed errors.
struct ACSTransport: Sendable {
    let httpClient: HTTPClient
    let credentials: any CredentialProvider
    let options: CSClientOptions
    let logger: Logger
    let state: CSClientState

    /// Sends `operation` until it succeeds (2xx) or the retry policy gives up, within the policy's time budget.
    func send(_ operation: ACSOperation) async throws -> ACSHTTPResponse {
        let progress = CallProgress()
        guard let budget = options.retry.maxElapsed else { return try await attempt(operation, progress: progress) }
        let transport = self
        do {
            return try await withTimeLimit(budget, orThrow: AttemptFailure.timeout) {
                try await transport.attempt(operation, progress: progress)
            }
        } catch AttemptFailure.timeout {
            let (attempts, lastError) = progress.snapshot
            throw CSClientError.budgetExhausted(
                action: operation.action, seconds: seconds(budget), attempts: attempts, lastError: lastError)
        }
    }

    /// The attempts of one call, with retries; `progress` records them for the budget's error message.
    private func attempt(_ operation: ACSOperation, progress: CallProgress) async throws -> ACSHTTPResponse {
        let endpoint = try ACSEndpoint.resolve(configured: options.endpoint, region: operation.region)
        let policy = options.retry
        let limiter = await state.limiter(for: operation.action)
        let started = options.runtime.monotonicNow()
        /// Whether a retry after `delay` could still finish within the budget (a next attempt needs some time).
        func withinBudget(after delay: Duration) -> Bool {
            guard let budget = policy.maxElapsed else { return true }
            return started.duration(to: options.runtime.monotonicNow()) + delay < budget
        }
        var attempts = 0
        var transientRetries = 0
        var throttledRetries = 0
        while true {
            try Task.checkCancellation()
            attempts += 1
            progress.attempted()
            await state.countAttempt(operation.action)
            let ticket = try await limiter?.acquire()
            let url = endpoint.urlPrefix + operation.pathname
            let outcome: ACSHTTPResponse
            do {
                let credential = try await credentials.credential()
                let request = signedRequest(operation, endpoint: endpoint, credential: credential)
                outcome = try await perform(request, url: url, action: operation.action)
            } catch {
                // No answer the rate can learn from, but the call's place in the limiter must be given back.
                if let ticket { await limiter?.recordFailure(ticket) }
                guard let failure = error as? AttemptFailure else { throw error }
                let clientError = failure.clientError(
                    action: operation.action, url: url, attempts: attempts, options: options)
                progress.failed("\(clientError)")
                await state.recordError(operation.action, "\(clientError)", answered: false)
                let delay = policy.backoff(retry: transientRetries, unitRandom: options.runtime.unitRandom())
                guard failure.isRetryable, operation.idempotent, transientRetries + 1 < policy.maxAttempts,
                    attempts < policy.maxTotalAttempts, withinBudget(after: delay)
                else { throw clientError }
                transientRetries += 1
                logRetry(operation, attempt: attempts, reason: "\(clientError)", delay: delay, requestId: nil)
                try await options.runtime.sleep(delay)
                continue
            }

            if (200..<300).contains(outcome.status) {
                if let ticket { await limiter?.recordSuccess(ticket) }
                logger.debug(
                    "CS call succeeded",
                    metadata: metadata(
                        operation, requestId: outcome.requestId, status: outcome.status, attempt: attempts))
                return outcome
            }

            let error = outcome.serviceError(action: operation.action)
            progress.failed("\(error.code) (HTTP \(error.httpStatus))")
            await state.recordError(
                operation.action, "\(error.code) (HTTP \(error.httpStatus))", throttled: error.isThrottling)
            let retryAfter = retryAfter(outcome, policy: policy)
            if error.isThrottling {
                if let ticket { await limiter?.recordThrottle(ticket) }
                // With a limiter the pacing is the backoff; without one, back off with jitter.
                let delay =
                    retryAfter
                    ?? (limiter == nil
                        ? policy.backoff(retry: throttledRetries, unitRandom: options.runtime.unitRandom()) : .zero)
                guard attempts < policy.maxTotalAttempts, withinBudget(after: delay) else {
                    throw CSClientError.throttled(action: operation.action, attempts: attempts, lastError: error)
                }
                throttledRetries += 1
                logRetry(operation, attempt: attempts, reason: error.code, delay: delay, requestId: error.requestId)
                if delay > .zero { try await options.runtime.sleep(delay) }
                continue
            }
            // The server answered at this rate without throttling: that counts as success for the limiter. A 5xx
            // says nothing about the rate.
            if let ticket {
                if error.httpStatus < 500 {
                    await limiter?.recordSuccess(ticket)
                } else {
                    await limiter?.recordFailure(ticket)
                }
            }
            let serverDidNotAct = error.code.contains("ServiceUnavailable") || error.httpStatus == 503
            let delay = retryAfter ?? policy.backoff(retry: transientRetries, unitRandom: options.runtime.unitRandom())
            guard error.isTransient, operation.idempotent || serverDidNotAct,
                transientRetries + 1 < policy.maxAttempts, attempts < policy.maxTotalAttempts,
                withinBudget(after: delay)
            else {
                logger.debug(
                    "CS call failed",
                    metadata: metadata(
                        operation, requestId: error.requestId, status: error.httpStatus, attempt: attempts))
                throw error
            }
            transientRetries += 1
            logRetry(operation, attempt: attempts, reason: error.code, delay: delay, requestId: error.requestId)
            try await options.runtime.sleep(delay)
        }
    }

    /// The signed request for one attempt: a fresh date and nonce each time.
    func signedRequest(_ operation: ACSOperation, endpoint: ACSEndpoint, credential: ACSCredential) -> SigningRequest {
        if let version = operation.rpcVersion {
            return rpcSignedRequest(operation, version: version, endpoint: endpoint, credential: credential)
        }
        var headers = [
            "host": endpoint.hostHeader,
            "accept": "application/json",
            "user-agent": options.userAgent,
            "x-acs-action": operation.action,
            "x-acs-version": ACSOperation.apiVersion,
        ]
        if operation.body != nil { headers["content-type"] = "application/json; charset=utf-8" }
        var request = SigningRequest(
            method: operation.method, pathname: endpoint.basePath + operation.pathname, query: operation.query,
            headers: headers, body: operation.body ?? [])
        let date = options.runtime.now()
        let nonce = options.runtime.makeNonce()
        switch options.signatureVersion {
        case .v3:
            ACS3Signer.sign(&request, credential: credential.signingCredential, date: date, nonce: nonce)
        case .roa:
            ROASigner.sign(&request, credential: credential.signingCredential, date: date, nonce: nonce)
        }
        return request
    }

    /// An RPC-style request as the SDKs' RPC signature 1.0 sends it: every parameter (the call's, `Action`,
    /// `Version`, `Format` and the signature's own) in the query of a GET, signed with `RPCSigner`.
    private func rpcSignedRequest(
        _ operation: ACSOperation, version: String, endpoint: ACSEndpoint, credential: ACSCredential
    ) -> SigningRequest {
        var parameters = operation.query
        parameters["Action"] = operation.action
        parameters["Version"] = version
        parameters["Format"] = "JSON"
        RPCSigner.sign(
            method: operation.method, parameters: &parameters, credential: credential.signingCredential,
            date: options.runtime.now(), nonce: options.runtime.makeNonce())
        let headers = ["host": endpoint.hostHeader, "accept": "application/json", "user-agent": options.userAgent]
        return SigningRequest(
            method: operation.method, pathname: endpoint.basePath + operation.pathname, query: parameters,
            headers: headers, body: [])
    }

    /// One HTTP exchange within the attempt deadline, with the body read up to `maxBodyBytes`.
    private func perform(_ signed: SigningRequest, url: String, action: String) async throws -> ACSHTTPResponse {
        let query = ACS3Signer.canonicalQuery(signed.query)
        var request = HTTPClientRequest(url: query.isEmpty ? url : "\(url)?\(query)")
        request.method = HTTPMethod(rawValue: signed.method)
        request.headers = HTTPHeaders(signed.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        if !signed.body.isEmpty || signed.method != "GET" {
            request.body = .bytes(ByteBuffer(bytes: signed.body))
        }
        let prepared = request
        let limit = options.maxBodyBytes
        let budget = options.connectTimeout + options.readTimeout
        let client = httpClient
        let logger = logger
        do {
            // The deadline covers the response head and the body, which AsyncHTTPClient's own deadline does not.
            return try await withTimeLimit(budget, orThrow: AttemptFailure.timeout) {
                let response = try await client.execute(prepared, timeout: timeAmount(budget), logger: logger)
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                    throw AttemptFailure.bodyTooLarge
                }
                let buffer = try await response.body.collect(upTo: limit)
                var headers: [String: String] = [:]
                for (name, value) in response.headers where headers[name.lowercased()] == nil {
                    headers[name.lowercased()] = value
                }
                return ACSHTTPResponse(
                    status: Int(response.status.code), headers: headers, body: Array(buffer.readableBytesView))
            }
        } catch let failure as AttemptFailure {
            throw failure
        } catch is NIOTooManyBytesError {
            throw AttemptFailure.bodyTooLarge
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            throw AttemptFailure.timeout
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            try Task.checkCancellation()
            throw AttemptFailure.network(Self.networkDetail(error))
        }
    }

    /// A network error for people: the system's words for an errno (`Connection refused`), else the error itself.
    static func networkDetail(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return String(describing: error)
    }

    /// `x-acs-retry-after`, read as milliseconds (the official SDK feeds it to a millisecond sleep; the unit is not
    /// documented), capped by the policy.
    private func retryAfter(_ response: ACSHTTPResponse, policy: RetryPolicy) -> Duration? {
        guard let text = response.headers["x-acs-retry-after"], let milliseconds = Int64(text), milliseconds > 0
        else { return nil }
        return min(.milliseconds(milliseconds), policy.maxRetryAfter)
    }

    private func logRetry(
        _ operation: ACSOperation, attempt: Int, reason: String, delay: Duration, requestId: String?
    ) {
        var data = metadata(operation, requestId: requestId, status: nil, attempt: attempt)
        data["acs-retry-reason"] = "\(reason)"
        data["acs-retry-delay-ms"] = "\(Int(seconds(delay) * 1000))"
        logger.debug("CS call retrying", metadata: data)
    }

    private func metadata(
        _ operation: ACSOperation, requestId: String?, status: Int?, attempt: Int
    ) -> Logger.Metadata {
        var data: Logger.Metadata = [
            "acs-operation": "\(operation.action)",
            "acs-request-id": "\(requestId ?? "-")",
            "acs-attempt": "\(attempt)",
        ]
        if let region = operation.region { data["acs-region"] = "\(region)" }
        if let status { data["http-status"] = "\(status)" }
        return data
    }
}

/// What one call has been through so far, for the message when its time budget runs out mid-attempt.
final class CallProgress: Sendable {
    private let state = Mutex<(attempts: Int, lastError: String?)>((0, nil))

    func attempted() { state.withLock { $0.attempts += 1 } }
    func failed(_ error: String) { state.withLock { $0.lastError = error } }
    var snapshot: (attempts: Int, lastError: String?) { state.withLock { $0 } }
}

/// Why one attempt produced no HTTP answer.
enum AttemptFailure: Error, Sendable {
    case timeout
    case bodyTooLarge
    case network(String)

    var isRetryable: Bool {
        switch self {
        case .timeout, .network: return true
        case .bodyTooLarge: return false
        }
    }

    func clientError(action: String, url: String, attempts: Int, options: CSClientOptions) -> CSClientError {
        switch self {
        case .timeout:
            let limit = seconds(options.connectTimeout + options.readTimeout)
            return .timeout(action: action, url: url, seconds: limit, attempts: attempts)
        case .bodyTooLarge:
            return .bodyTooLarge(action: action, limit: options.maxBodyBytes)
        case .network(let detail):
            return .network(action: action, url: url, detail: detail, attempts: attempts)
        }
    }
}

func timeAmount(_ duration: Duration) -> TimeAmount {
    .nanoseconds(Int64(min(seconds(duration), 1e9) * 1e9))
}
