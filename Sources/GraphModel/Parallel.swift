#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` for 0..<count on the machine's cores and returns the results in order.
///
/// Each call writes only its own slot of a buffer allocated for the purpose, so the calls
/// share nothing mutable. The work runs on POSIX threads that are joined before the results
/// are read: the join is the synchronization, plain for a reader and for ThreadSanitizer.
package func parallelMap<T>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0 ..< count).map { body($0) } }
    let slots = ResultSlots<T>(count: count)
    withoutActuallyEscaping(body) { body in
        let unchecked = UncheckedBody(body: body)
        let threads = (1 ..< count).map { i in WorkerThread { slots.set(i, unchecked.body(i)) } }
        slots.set(0, body(0))
        for t in threads { t.join() }
    }
    return slots.take()
}

/// Runs `a` and `b` side by side (on two cores when there are), and returns both results.
package func parallelPair<A, B>(_ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
    let results = parallelMap(count: 2) { k -> Either<A, B> in k == 0 ? .first(a()) : .second(b()) }
    guard case let .first(x) = results[0], case let .second(y) = results[1] else {
        fatalError("parallelMap returns its results in order")
    }
    return (x, y)
}

private enum Either<A, B> {
    case first(A)
    case second(B)
}

/// Runs `body` on runs of `range` that together cover it, one run per core (one run in all
/// when the range holds fewer than `minimumPerRun` items a core), and returns when all have.
package func parallelRuns(_ range: Range<Int>, minimumPerRun: Int = 65_536, _ body: @Sendable (Range<Int>) -> Void) {
    let runs = max(1, min(processorCount, range.count / max(1, minimumPerRun)))
    let cuts = (0 ... runs).map { range.lowerBound + range.count * $0 / runs }
    _ = parallelMap(count: runs) { k in body(cuts[k] ..< cuts[k + 1]) }
}

/// Cuts `0 ..< count` into `parts` runs of about equal weight for a parallel loop: cut k is
/// the first index whose `offset` (a running total of the weight before or through it,
/// nondecreasing) reaches k / parts of `total`. Returns `parts + 1` bounds, 0 first and
/// `count` last; a run may be empty.
///
/// - Complexity: O(parts × log count), a binary search per cut.
package func balancedCuts(count: Int, parts: Int, total: Int, offset: (Int) -> UInt32) -> [Int] {
    var cuts = [0]
    for k in 1 ..< max(1, parts) {
        let target = UInt32(UInt64(total) * UInt64(k) / UInt64(parts))
        // Safe because `cuts` starts with one element and only grows.
        var lo = cuts.last!, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if offset(mid) < target { lo = mid + 1 } else { hi = mid }
        }
        cuts.append(lo)
    }
    cuts.append(count)
    return cuts
}

/// A buffer that the runs of a parallel loop write at indices no other run writes, read only
/// once they have all been joined. The caller keeps the buffer alive (inside its
/// `withUnsafeMutableBufferPointer`) until then.
package struct DisjointWrites<Element>: @unchecked Sendable {
    // Safe because each index is written by one run only, and read after the join, which
    // orders the writes before the reads.
    @usableFromInline let buffer: UnsafeMutableBufferPointer<Element>

    package init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }

    /// Writes `value` at `i` (checked against the buffer's count).
    @inlinable @inline(__always)
    package func write(_ value: Element, at i: Int) {
        precondition(i >= 0 && i < buffer.count, "a parallel write out of its buffer")
        // Safe because i is inside the buffer, checked just above.
        buffer.baseAddress![i] = value
    }
}

/// The number of pieces to split parallel work into.
package var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

/// A POSIX thread running one closure; `join()` waits for it (and must be called).
package final class WorkerThread: @unchecked Sendable {
    // Safe because `thread` is written once, by init, before any other use.
    private var thread = pthread_t()

    package init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ClosureBox(body)).toOpaque()
        let status = pthread_create(&thread, nil, { argument in
            // Safe because the argument is the box passed just below, retained once for us.
            let box = Unmanaged<ClosureBox>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if status != 0 {
            // No thread to be had: run the work here instead.
            Unmanaged<ClosureBox>.fromOpaque(box).takeRetainedValue().body()
            thread = pthread_t()
            joined = true
        }
    }

    private var joined = false

    package func join() {
        guard !joined else { return }
        pthread_join(thread, nil)
        joined = true
    }
}

private final class ClosureBox: @unchecked Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// A non-escaping body handed to threads that are joined before it goes out of scope.
private struct UncheckedBody<T>: @unchecked Sendable {
    let body: (Int) -> T
}

private final class ResultSlots<T>: @unchecked Sendable {
    // Safe because each index is written by exactly one call of parallelMap's body, and read
    // only after every thread that writes has been joined.
    private let base: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }

    func set(_ i: Int, _ value: T) { base[i] = value }

    func take() -> [T] {
        // Safe because every slot was set before the threads were joined.
        (0 ..< count).map { base[$0].take()! }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
