import Foundation

/// How many seeded random cases a test runs: all of them in the plain run, a quarter under
/// a sanitizer.
///
/// `.ci/run` sets `RETENTION_SANITIZED` for its AddressSanitizer and ThreadSanitizer runs,
/// which are four to ten times slower. What they look for (a bad access, a race) depends on
/// the code paths a case takes, not on how many cases there are; the plain run, which checks
/// the answers, runs them all.
public enum TestScale {
    public static let sanitized = ProcessInfo.processInfo.environment["RETENTION_SANITIZED"] != nil

    /// Seeds `1 ... count`, or `1 ... count / 4` under a sanitizer.
    public static func seeds(_ count: UInt64) -> ClosedRange<UInt64> {
        1 ... (sanitized ? max(1, count / 4) : count)
    }
}
