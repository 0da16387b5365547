/// An object and its retained size, ordered largest first, ties lower index first.
struct Ranked {
    var size: UInt64
    var index: Int

    @inline(__always)
    func isBetter(than other: Ranked) -> Bool {
        size != other.size ? size > other.size : index < other.index
    }
}

/// A binary min-heap of ``Ranked`` objects whose root is the worst: the bounded window of
/// ``TopRetainers/largest(_:count:top:)``.
struct WorstFirstHeap {
    private(set) var elements: [Ranked] = []

    init(capacity: Int) { elements.reserveCapacity(capacity) }

    var count: Int { elements.count }

    /// The worst element; the heap must not be empty.
    var worst: Ranked { elements[0] }

    /// - Complexity: O(log count).
    mutating func insert(_ x: Ranked) {
        elements.append(x)
        var i = elements.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard elements[parent].isBetter(than: elements[i]) else { break }
            elements.swapAt(parent, i)
            i = parent
        }
    }

    /// Replaces the worst element with `x`; the heap must not be empty.
    ///
    /// - Complexity: O(log count).
    mutating func replaceWorst(with x: Ranked) {
        elements[0] = x
        var i = 0
        let n = elements.count
        while true {
            let left = 2 * i + 1, right = left + 1
            var worst = i
            if left < n, elements[worst].isBetter(than: elements[left]) { worst = left }
            if right < n, elements[worst].isBetter(than: elements[right]) { worst = right }
            if worst == i { return }
            elements.swapAt(i, worst)
            i = worst
        }
    }
}
