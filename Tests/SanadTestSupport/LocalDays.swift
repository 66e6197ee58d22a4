internal import Foundation

/// Calendar days where an association is, written as the CLI takes them.
public enum LocalDays {
    /// The day `days` ago (negative: ahead) in `timeZone`, `YYYY-MM-DD`.
    public static func daysAgo(_ days: Int, in timeZone: String = "Asia/Beirut") -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone)!
        let day = calendar.date(byAdding: .day, value: -days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
