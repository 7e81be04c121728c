import Synchronization
import Testing

@testable import AuditRun

@Suite struct ProgressBarTests {
    final class Harness: Sendable {
        let time = Mutex(0.0)
        let written = Mutex<[String]>([])

        func bar(isTTY: Bool = true, quiet: Bool = false) -> ProgressBar {
            ProgressBar(
                isTTY: isTTY, quiet: quiet, barWidth: 10, now: { self.time.withLock { $0 } },
                output: { text in self.written.withLock { $0.append(text) } })
        }

        func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
        var output: [String] { written.withLock { $0 } }
    }

    @Test("draws done/total, rate and ETA from the injected clock, in place")
    func draws() {
        let harness = Harness()
        let bar = harness.bar()
        bar.update(done: 0, total: 40)
        harness.advance(4)
        bar.update(done: 10, total: 40)
        harness.advance(2)
        bar.update(done: 40, total: 40)
        bar.finish()
        #expect(
            harness.output == [
                "\r[----------] 0/40 clusters  --/s  ETA --:--",
                "\r[##--------] 10/40 clusters  2.5/s  ETA 0:12",
                "\r[##########] 40/40 clusters  6.7/s  done 0:06",
                "\n",
            ])
    }

    @Test("a shorter line overwrites the rest of the previous one")
    func padding() {
        let harness = Harness()
        let bar = harness.bar()
        harness.advance(1)
        bar.update(done: 0, total: 1000)
        harness.advance(1)
        bar.update(done: 5, total: 10)
        let output = harness.output
        #expect(output.count == 2)
        #expect(output[1].count >= output[0].count)
        #expect(output[1].hasPrefix("\r[#####-----] 5/10 clusters  5.0/s  ETA 0:01"))
    }

    @Test("silent when not a terminal or quiet", arguments: [(false, false), (true, true), (false, true)])
    func silent(isTTY: Bool, quiet: Bool) {
        let harness = Harness()
        let bar = harness.bar(isTTY: isTTY, quiet: quiet)
        bar.update(done: 1, total: 2)
        bar.finish()
        #expect(harness.output.isEmpty)
        #expect(!bar.isEnabled)
    }

    @Test("done never goes backwards and updates after finish are ignored")
    func monotonic() {
        let harness = Harness()
        let bar = harness.bar()
        harness.advance(1)
        bar.update(done: 3, total: 4)
        bar.update(done: 2, total: 4)
        bar.finish()
        bar.update(done: 4, total: 4)
        bar.finish()
        #expect(harness.output.count == 3)
        #expect(harness.output[1].contains(" 3/4 clusters"))
        #expect(harness.output.last == "\n")
    }

    @Test(
        "long ETAs show hours",
        arguments: [
            (1, 3601, 1.0, "ETA 1:00:00"), (1, 100, 0.5, "ETA 0:50"), (30, 31, 60.0, "ETA 0:02"),
        ])
    func eta(done: Int, total: Int, elapsed: Double, expected: String) {
        #expect(ProgressBar.line(done: done, total: total, elapsed: elapsed).hasSuffix(expected))
    }
}
