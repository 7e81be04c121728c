import Foundation
import Service
import Testing

@Suite("serve: schedules")
struct ScheduleTests {
    @Test("--every takes s, m, h, d and their sums; refuses the rest in one line naming it")
    func every() throws {
        #expect(try Schedule.every("30s") == .every(seconds: 30))
        #expect(try Schedule.every("15m") == .every(seconds: 900))
        #expect(try Schedule.every("1h") == .every(seconds: 3600))
        #expect(try Schedule.every("2h30m") == .every(seconds: 9000))
        #expect(try Schedule.every("45") == .every(seconds: 45))
        for bad in ["", "0s", "1x", "h", "-5s", "99999999999999999999s", "32d", "1h\u{1b}[2J"] {
            #expect(throws: ScheduleError.self, "\(bad)") { try Schedule.every(bad) }
        }
        let error = #expect(throws: ScheduleError.self) { try Schedule.every("1h\u{1b}") }
        #expect(error?.description.contains("\u{1b}") == false)
    }

    @Test("an interval counts from the start of the previous scan; a long scan is followed at once")
    func intervalFromStart() {
        let start = Date(timeIntervalSince1970: 1000)
        let schedule = Schedule.every(seconds: 60)
        #expect(schedule.next(afterStart: start, end: start.addingTimeInterval(5)) == start.addingTimeInterval(60))
        #expect(schedule.next(afterStart: start, end: start.addingTimeInterval(90)) == start.addingTimeInterval(90))
    }

    @Test("cron: steps, ranges, lists and the next matching minute in UTC")
    func cron() throws {
        // 2026-12-02 10:07:30 UTC, a Wednesday.
        let now = Date(timeIntervalSince1970: 1_796_206_050)
        let quarter = try CronExpression("*/15 * * * *")
        #expect(quarter.next(after: now) == Date(timeIntervalSince1970: 1_796_206_500))  // 10:15
        let monday = try CronExpression("0 3 * * 1")
        // Monday 2026-12-07 03:00 UTC.
        #expect(monday.next(after: now) == Date(timeIntervalSince1970: 1_796_612_400))
        let list = try CronExpression("5,35 9-17 * * *")
        #expect(list.next(after: now) == Date(timeIntervalSince1970: 1_796_207_700))  // 10:35
        #expect(try CronExpression("0 0 30 2 *").next(after: now) == nil)  // February 30th never comes
    }

    @Test("cron: bad fields are refused, bounded")
    func badCron() {
        for bad in [
            "* * * *", "61 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *",
            "5-1 * * * *", "MON * * * *", "1,,2 * * * *", String(repeating: "1,", count: 150) + "1 * * * *",
        ] {
            #expect(throws: ScheduleError.self, "\(bad)") { try CronExpression(bad) }
        }
    }
}
