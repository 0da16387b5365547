import Dispatch

/// Runs `body` for 0..<count on the machine's cores and returns the results in order.
///
/// Each call writes only its own slot of a buffer allocated for the purpose, so the calls
/// share nothing mutable.
package func parallelMap<T>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0 ..< count).map { body($0) } }
    let slots = ResultSlots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
    return slots.take()
}

/// The number of pieces to split parallel work into.
package var processorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

private final class ResultSlots<T>: @unchecked Sendable {
    // Safe because each index is written by exactly one call of parallelMap's body, and read
    // only after concurrentPerform has returned.
    private let base: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }

    func set(_ i: Int, _ value: T) { base[i] = value }

    func take() -> [T] {
        // Safe because concurrentPerform returns only after every slot was set.
        (0 ..< count).map { base[$0].take()! }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

import Foundation
