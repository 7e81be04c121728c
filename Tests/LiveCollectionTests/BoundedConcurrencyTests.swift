import BoundedConcurrency
import Synchronization
import Testing

@Suite struct BoundedConcurrencyTests {
    struct Timeout: Error, Equatable {}
    struct Failure: Error, Equatable { var index: Int }

    /// Sleeps until cancelled (at most a minute); true when it was cancelled.
    @Sendable static func sleepUntilCancelled() async -> Bool {
        (try? await Task.sleep(for: .seconds(60))) == nil
    }

    // MARK: - Time limit

    @Test("a time limit not hit gives the operation's result")
    func limitNotHit() async throws {
        #expect(await withTimeLimit(.seconds(30), { 42 }) == 42)
        #expect(try await withTimeLimit(.seconds(30), orThrow: Timeout()) { "done" } == "done")
    }

    @Test("a time limit hit gives nil (or the timeout error) and cancels the operation before returning")
    func limitHit() async throws {
        let cancelled = Mutex(false)
        let clock = ContinuousClock()
        let started = clock.now
        let value = await withTimeLimit(.milliseconds(50)) {
            let wasCancelled = await Self.sleepUntilCancelled()
            cancelled.withLock { $0 = wasCancelled }
            return 1
        }
        #expect(value == nil)
        // The operation was cancelled and awaited: its flag is set by the time the call returns.
        #expect(cancelled.withLock { $0 })
        #expect(clock.now - started < .seconds(30))

        await #expect(throws: Timeout()) {
            try await withTimeLimit(.milliseconds(50), orThrow: Timeout()) {
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
    }

    @Test("a limit of zero or less gives nil without starting the operation")
    func zeroLimit() async {
        let ran = Mutex(false)
        #expect(await withTimeLimit(.zero, { ran.withLock { $0 = true } }) == nil)
        #expect(await withTimeLimit(.seconds(-1), { ran.withLock { $0 = true } }) == nil)
        #expect(!ran.withLock { $0 })
    }

    @Test("the operation's own error passes through a time limit")
    func operationError() async {
        await #expect(throws: Failure(index: 7)) {
            try await withTimeLimit(.seconds(30), orThrow: Timeout()) { () async throws -> Int in
                throw Failure(index: 7)
            }
        }
    }

    @Test("cancelling the caller cancels the operation; the throwing form then throws CancellationError")
    func callerCancelled() async {
        let cancelled = Mutex(false)
        let task = Task {
            await withTimeLimit(.seconds(60)) {
                let wasCancelled = await Self.sleepUntilCancelled()
                cancelled.withLock { $0 = wasCancelled }
                return 1
            }
        }
        task.cancel()
        _ = await task.value
        #expect(cancelled.withLock { $0 })

        let throwing = Task {
            try await withTimeLimit(.seconds(60), orThrow: Timeout()) {
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
        throwing.cancel()
        await #expect(throws: CancellationError.self) { try await throwing.value }
    }

    // MARK: - Fan-out

    /// Tracks how many bodies run at once, the order they start in, and how many had finished when each started.
    final class Tracker: Sendable {
        struct State {
            var running = 0
            var most = 0
            var finished = 0
            var started: [Int] = []
            var finishedBefore: [Int: Int] = [:]
        }
        let state = Mutex(State())

        func start(_ index: Int) {
            state.withLock {
                $0.running += 1
                $0.most = max($0.most, $0.running)
                $0.started.append(index)
                $0.finishedBefore[index] = $0.finished
            }
        }

        func end() {
            state.withLock {
                $0.running -= 1
                $0.finished += 1
            }
        }

        /// Element `index` started only once all but `width - 1` of the elements before it had finished: elements
        /// are started in order, each as an earlier one finishes. (Tasks added in order may begin running in another
        /// order, so with a width above one this, not the order of `started`, is what the order of start means.)
        func startedInOrder(width: Int, count: Int) -> Bool {
            state.withLock { state in
                (0..<count).allSatisfy { (state.finishedBefore[$0] ?? -1) >= $0 - width + 1 }
            }
        }

        /// Waits (up to ten seconds) until `count` bodies have run at once: the first `width` elements wait for each
        /// other, so a fan-out that starts them all reaches its width however slowly the machine schedules tasks.
        func waitUntilMost(reaches count: Int) async {
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(10)
            while most < count && clock.now < deadline { try? await Task.sleep(for: .milliseconds(1)) }
        }

        var most: Int { state.withLock { $0.most } }
        var started: [Int] { state.withLock { $0.started } }
    }

    @Test("a fan-out never runs more than its width at once, reaches it, and starts elements in order")
    func width() async throws {
        for width in [1, 3, 8] {
            let tracker = Tracker()
            let items = Array(0..<40)
            let outputs = await boundedFanOut(items, width: width) { item in
                tracker.start(item)
                if item < width { await tracker.waitUntilMost(reaches: width) }
                try? await Task.sleep(for: .milliseconds(1 + item % 3))
                tracker.end()
                return item * 2
            }
            #expect(tracker.most == width)
            #expect(tracker.startedInOrder(width: width, count: items.count))
            if width == 1 { #expect(tracker.started == items) }
            #expect(outputs == items.map { $0 * 2 })

            let throwingTracker = Tracker()
            let made = Mutex<[Int]>([])
            let counted = try await boundedFanOut(count: 40, width: width) { index in
                made.withLock { $0.append(index) }
                return {
                    throwingTracker.start(index)
                    if index < width { await throwingTracker.waitUntilMost(reaches: width) }
                    try await Task.sleep(for: .milliseconds(1 + index % 3))
                    throwingTracker.end()
                    return index
                }
            }
            #expect(throwingTracker.most == width)
            #expect(throwingTracker.startedInOrder(width: width, count: items.count))
            #expect(made.withLock { $0 } == items)
            if width == 1 { #expect(throwingTracker.started == items) }
            #expect(counted == items)
        }
    }

    @Test("outputs come in the order of the elements, whatever order they finish in")
    func outputOrder() async throws {
        let outputs = await boundedFanOut(Array(0..<6), width: 6) { item in
            try? await Task.sleep(for: .milliseconds(10 * (6 - item)))
            return "item \(item)"
        }
        #expect(outputs == (0..<6).map { "item \($0)" })
    }

    @Test("a width below one runs one at a time; no elements give no outputs")
    func edgeWidths() async throws {
        let tracker = Tracker()
        let outputs = await boundedFanOut([1, 2, 3], width: 0) { item in
            tracker.start(item)
            await Task.yield()
            tracker.end()
            return item
        }
        #expect(outputs == [1, 2, 3])
        #expect(tracker.most == 1)
        #expect(await boundedFanOut([Int](), width: 4) { $0 }.isEmpty)
        #expect(try await boundedFanOut(count: 0, width: 4) { _ in { 1 } }.isEmpty)
    }

    @Test("the first error cancels the running elements, starts no more, and is thrown")
    func errorPropagation() async {
        let made = Mutex(0)
        let cancelled = Mutex(0)
        await #expect(throws: Failure(index: 2)) {
            try await boundedFanOut(count: 100, width: 3) { index in
                made.withLock { $0 += 1 }
                return {
                    if index == 2 {
                        try await Task.sleep(for: .milliseconds(20))
                        throw Failure(index: 2)
                    }
                    if await Self.sleepUntilCancelled() { cancelled.withLock { $0 += 1 } }
                    return index
                }
            }
        }
        // Elements 0, 1 and 2 were started; the error came before any of them finished, so no other was.
        #expect(made.withLock { $0 } == 3)
        #expect(cancelled.withLock { $0 } == 2)
    }
}
