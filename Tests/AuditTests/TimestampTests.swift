import CivilTime
import Testing

@testable import Audit

@Suite struct TimestampTests {
    @Test(
        "RFC 3339 timestamps become Unix milliseconds",
        arguments: [
            ("1970-01-01T00:00:00Z", Int64(0)),
            ("2025-05-01T08:00:42.250Z", Int64(1_746_086_442_250)),
            ("2025-05-01T09:30:01+08:00", Int64(1_746_063_001_000)),
            ("2000-02-29T23:59:59.9-01:30", Int64(951_874_199_900)),
            ("1969-12-31T23:59:59Z", Int64(-1000)),
        ])
    func timestamps(_ text: String, _ milliseconds: Int64) {
        #expect(Timestamp.epochMilliseconds(text) == milliseconds)
    }

    @Test(
        "malformed timestamps are refused",
        arguments: [
            "2025-02-29T00:00:00Z", "2025-05-01", "2025-05-01T08:00:00", "2025-13-01T00:00:00Z",
            "2025-05-01T08:00:00.Z",
            "2025-05-01T08:00:00Z trailing",
        ])
    func malformed(_ text: String) {
        #expect(Timestamp.epochMilliseconds(text) == nil)
    }

    @Test(
        "Unix seconds become RFC 3339 in UTC and the compact stamp of file names",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00Z", "19700101T000000Z"),
            (Int64(1_746_086_442), "2025-05-01T08:00:42Z", "20250501T080042Z"),
            (Int64(951_782_400), "2000-02-29T00:00:00Z", "20000229T000000Z"),
            (Int64(-1), "1969-12-31T23:59:59Z", "19691231T235959Z"),
            (Int64(4_102_444_799), "2099-12-31T23:59:59Z", "20991231T235959Z"),
            (Int64(-62_135_596_800), "0001-01-01T00:00:00Z", "00010101T000000Z"),
        ])
    func formatting(_ seconds: Int64, _ rfc3339: String, _ compact: String) {
        #expect(Timestamp.rfc3339(epochSeconds: seconds) == rfc3339)
        #expect(Timestamp.compact(epochSeconds: seconds) == compact)
    }

    @Test("formatting and parsing agree on every day of four centuries")
    func roundTrip() {
        // 1900-01-01 through 2299-12-31, one instant a day at a time of day that moves.
        let first = Int64(CivilTime.daysFromCivil(year: 1900, month: 1, day: 1)) * 86400
        let last = Int64(CivilTime.daysFromCivil(year: 2299, month: 12, day: 31)) * 86400
        var seconds = first
        var step = Int64(0)
        while seconds <= last {
            let instant = seconds + step % 86400
            #expect(Timestamp.epochMilliseconds(Timestamp.rfc3339(epochSeconds: instant)) == instant * 1000)
            seconds += 86400
            step += 3607
        }
    }
}
