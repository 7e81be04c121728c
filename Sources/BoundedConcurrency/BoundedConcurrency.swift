/// The project's structured-concurrency helpers, in one place: a time limit on one operation, and a fan-out that
/// never runs more than a given number of tasks at once. Clients, collection and remediation use these instead of
/// writing their own task groups. No task outlives a call: what is still running when a call returns (the loser of
/// a race, the rest of a fan-out after an error) is cancelled and awaited first.

/// Runs `operation` and gives its result, or `nil` when it did not finish within `limit` (real time); it is then
/// cancelled and awaited. A limit of zero or less gives `nil` without starting `operation`.
public func withTimeLimit<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async -> T
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

/// Runs `operation`, throwing `timeout` when it takes longer than `limit` (real time); its own errors pass through.
/// When the calling task is cancelled first, `CancellationError` (or the error `operation` throws on cancellation)
/// is thrown.
public func withTimeLimit<T: Sendable>(
    _ limit: Duration, orThrow timeout: any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        // Two tasks were added: `next()` gives one of them (or throws), never `nil`.
        guard let value = try await group.next()! else { throw timeout }
        return value
    }
}

/// Runs `body` on every element of `items`, at most `width` at once (at least one), and gives the outputs in the
/// order of `items`. Elements are started in order as earlier ones finish, so a long list never holds more than
/// `width` tasks (nor what each holds: a client, a connection).
public func boundedFanOut<Item: Sendable, Output: Sendable>(
    _ items: [Item], width: Int, _ body: @escaping @Sendable (Item) async -> Output
) async -> [Output] {
    await withTaskGroup(of: (Int, Output).self) { group in
        var next = 0
        func startNext() {
            guard next < items.count else { return }
            let index = next
            let item = items[index]
            next += 1
            group.addTask {
                // Into a local first: an `await` inside the tuple literal is miscompiled in release builds (Swift
                // 6.3): the group then hands the waiting task a corrupt result.
                let output = await body(item)
                return (index, output)
            }
        }
        for _ in 0..<min(max(1, width), items.count) { startNext() }
        var outputs = [Output?](repeating: nil, count: items.count)
        while let (index, output) = await group.next() {
            outputs[index] = output
            startNext()
        }
        return outputs.map { $0! }
    }
}

/// ``boundedFanOut(_:width:_:)`` over `count` elements for work that may fail: the first error cancels the others,
/// is awaited with them, and is thrown. `makeWork(index)` is called only when element `index` is started, so a
/// caller can keep elements in a compact form, or release them, until then.
public func boundedFanOut<Output: Sendable>(
    count: Int, width: Int, makeWork: (_ index: Int) -> @Sendable () async throws -> Output
) async throws -> [Output] {
    try await withThrowingTaskGroup(of: (Int, Output).self) { group in
        var next = 0
        func startNext() {
            guard next < count else { return }
            let index = next
            let work = makeWork(index)
            next += 1
            group.addTask {
                let output = try await work()  // into a local first, as above
                return (index, output)
            }
        }
        for _ in 0..<min(max(1, width), count) { startNext() }
        var outputs = [Output?](repeating: nil, count: max(0, count))
        while let (index, output) = try await group.next() {
            outputs[index] = output
            startNext()
        }
        return outputs.map { $0! }
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
