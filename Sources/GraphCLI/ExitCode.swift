/// Exit codes, documented in `retention --help` and the README.
enum ExitCode: Int32 {
    case success = 0
    /// The dump could not be read (missing, empty, not a dump, `--strict` and a bad line).
    case failure = 1
    /// `leaks --fail-above`: what leaked retains more than the limit (the report is printed).
    case leakAboveLimit = 2
    /// Results were printed, but part of the input could not be read: lines skipped, or the
    /// dump was cut off. The result may be incomplete.
    case incompleteInput = 3
    /// The command line was wrong.
    case usage = 64
}
