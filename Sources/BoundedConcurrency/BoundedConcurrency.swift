/// The project's structured-concurrency helpers, in one place: a deadline race and a bounded fan-out. Clients,
/// collection and remediation use these instead of writing their own task groups.

/// Runs `operation` and gives its result, or `nil` when it did not finish within `limit` (it is then cancelled and
/// awaited: no task outlives the call). A limit of zero or less gives `nil` without starting `operation`.
public func result<T: Sendable>(
    within limit: Duration, of operation: @escaping @Sendable () async -> T
) async -> T? {
    guard limit > .zero else { return nil }
    return await withTaskGroup(of: T?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = await group.next()!
        group.cancelAll()
        return first
    }
}

/// Runs `operation`, throwing `timeout()` when it takes longer than `limit` (real time); its own errors pass through.
/// When the calling task is cancelled first, `CancellationError` is thrown.
public func throwing<T: Sendable>(
    within limit: Duration, timeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        guard let value = first else { throw timeout() }
        return value
    }
}

/// Runs `body` on every element of `items` with at most `width` at once (at least one), and gives the results in
/// the order they finished. Elements are started in order as earlier ones finish, so a long list never holds more
/// than `width` tasks (and what each holds: a client, a connection).
public func boundedFanOut<Item: Sendable, Output: Sendable>(
    _ items: [Item], width: Int, _ body: @escaping @Sendable (Item) async -> Output
) async -> [Output] {
    await withTaskGroup(of: Output.self) { group in
        var next = 0
        func startNext() {
            guard next < items.count else { return }
            let item = items[next]
            next += 1
            group.addTask { await body(item) }
        }
        for _ in 0..<min(max(1, width), items.count) { startNext() }
        var outputs: [Output] = []
        outputs.reserveCapacity(items.count)
        while let output = await group.next() {
            outputs.append(output)
            startNext()
        }
        return outputs
    }
}

/// ``boundedFanOut(_:width:_:)`` for work that may fail: the first error cancels the rest and is thrown.
/// `makeItem` is called only when an element is started, so a caller can keep elements in a compact form until then.
public func boundedFanOut<Output: Sendable>(
    count: Int, width: Int, makeItem: (Int) -> @Sendable () async throws -> Output
) async throws -> [Output] {
    try await withThrowingTaskGroup(of: Output.self) { group in
        var next = 0
        func startNext() {
            guard next < count else { return }
            let work = makeItem(next)
            next += 1
            group.addTask { try await work() }
        }
        for _ in 0..<min(max(1, width), count) { startNext() }
        var outputs: [Output] = []
        outputs.reserveCapacity(count)
        while let output = try await group.next() {
            outputs.append(output)
            startNext()
        }
        return outputs
    }
}

/// A duration as seconds, for messages (`30`, `1.5`).
public func secondsText(_ duration: Duration) -> String {
    let parts = duration.components
    let value = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    var text = String(value)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}
