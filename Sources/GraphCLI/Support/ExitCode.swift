/// Exit codes, documented in `retention --help` and the README: each means one thing.
package enum ExitCode: Int32, CaseIterable, Sendable {
    case success = 0
    /// The dump could not be read (missing, empty, not a dump, `--strict` and a bad line).
    case failure = 1
    /// `leaks --fail-above`: what leaked retains more than the limit (the report is printed).
    case leakAboveLimit = 2
    /// Results were printed, but part of the input could not be read: lines skipped, or the
    /// dump was cut off. The result may be incomplete.
    case incompleteInput = 3
    /// `why` or `dot`: the dump was read, but holds no object at the address (or none that
    /// matches the selection).
    case notFound = 4
    /// The command line was wrong.
    case usage = 64

    /// What the code means, for `--help` and the README.
    var meaning: String {
        switch self {
        case .success: return "Success."
        case .failure: return "A dump could not be read, or the dumps cannot be diffed (out of order, different processes); nothing was printed to standard output."
        case .leakAboveLimit: return "leaks --fail-above: what leaked retains more than the limit (the report is printed)."
        case .incompleteInput: return "Results were printed, but part of a dump could not be read (lines skipped, or the dump was cut off)."
        case .notFound: return "why, dot: the dump holds no object at that address (or none that matches the selection)."
        case .usage: return "The command line was wrong."
        }
    }
}
