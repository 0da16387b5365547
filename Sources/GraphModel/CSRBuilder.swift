/// Builds lists of items per row in compressed sparse row (CSR) form, in the three steps
/// every CSR build takes: count each row's items, turn the counts into row starts (a prefix
/// sum), then place each item at its row's next free slot.
///
/// Row `r`'s items end up in `items[start[r] ..< start[r + 1]]`, in the order they were
/// placed. The graph's reversed edges (`Predecessors`) are built with
/// ``build(rows:count:place:)``; the graph's own edges,
/// laid out in row order as they are resolved, take only ``starts(fromCounts:)``.
///
///     let (start, items) = CSRBuilder.build(rows: n,
///         count: { rows in for (row, _) in pairs { rows.count(row) } },
///         place: { rows in for (row, item) in pairs { rows.place(item, in: row) } })
///
/// The two closures are each called once and do the loops themselves, so the per-item work
/// is an inlined method of a handle, not a closure call. A handle is valid only inside the
/// closure it is given to (as the buffer of `withUnsafeMutableBufferPointer`): never store it.
public enum CSRBuilder {
    /// The first pass's handle: counts items per row.
    public struct Counter {
        @usableFromInline let counts: UnsafeMutableBufferPointer<UInt32>

        @inlinable init(_ counts: UnsafeMutableBufferPointer<UInt32>) { self.counts = counts }

        /// Counts one more item in `row`. A row out of range stops the program (as an array
        /// subscript would).
        @inlinable @inline(__always)
        public func count(_ row: Int) {
            precondition(UInt(bitPattern: row) < UInt(counts.count - 1), "a CSR row out of range")
            // Safe because row + 1 < counts.count, checked just above.
            counts[row + 1] += 1
        }
    }

    /// The second pass's handle: places each item at its row's next free slot.
    public struct Placer {
        @usableFromInline let next: UnsafeMutableBufferPointer<UInt32>
        @usableFromInline let items: UnsafeMutableBufferPointer<UInt32>

        @inlinable init(_ next: UnsafeMutableBufferPointer<UInt32>, _ items: UnsafeMutableBufferPointer<UInt32>) {
            self.next = next
            self.items = items
        }

        /// Places `item` in `row`; each row takes as many items as were counted in it.
        @inlinable @inline(__always)
        public func place(_ item: UInt32, in row: Int) {
            precondition(UInt(bitPattern: row) < UInt(next.count - 1), "a CSR row out of range")
            // Safe because row < next.count - 1, checked just above.
            let slot = Int(next[row])
            // A row given more items than were counted would overwrite the next row's first
            // slots (wrong lists, caught by the graphs' checkInvariants), never memory.
            precondition(slot < items.count, "more items placed in CSR rows than were counted")
            // Safe because slot < items.count, checked just above.
            items[slot] = item
            next[row] = UInt32(slot + 1)
        }
    }

    /// Rows `0 ..< rows` of the items `count` counts and `place` then places, the same ones.
    ///
    /// - Complexity: O(rows + items), plus what the two closures do.
    @inlinable
    public static func build(rows: Int, count: (Counter) -> Void, place: (Placer) -> Void)
        -> (start: [UInt32], items: [UInt32]) {
        var start = [UInt32](repeating: 0, count: rows + 1)
        start.withUnsafeMutableBufferPointer { count(Counter($0)) }
        prefixSum(&start)
        var next = start
        var items = [UInt32](repeating: 0, count: Int(start[rows]))
        next.withUnsafeMutableBufferPointer { next in
            items.withUnsafeMutableBufferPointer { items in place(Placer(next, items)) }
        }
        return (start, items)
    }

    /// Row starts from each row's item count, for items laid out in row order already:
    /// `[0, c0, c0 + c1, …]`, `counts.count + 1` long.
    ///
    /// - Complexity: O(rows).
    @inlinable
    public static func starts(fromCounts counts: [UInt32]) -> [UInt32] {
        var start = [UInt32](repeating: 0, count: counts.count + 1)
        start.withUnsafeMutableBufferPointer { start in
            counts.withUnsafeBufferPointer { counts in
                // Safe because r < counts.count and start has counts.count + 1 entries.
                for r in counts.indices { start[r + 1] = counts[r] }
            }
        }
        prefixSum(&start)
        return start
    }

    /// `start[r] += start[r - 1]` for every r: counts in `start[1...]` become row starts.
    @inlinable
    static func prefixSum(_ start: inout [UInt32]) {
        start.withUnsafeMutableBufferPointer { start in
            var sum: UInt32 = 0
            // Safe because r runs over the buffer's own indices.
            for r in start.indices {
                sum += start[r]
                start[r] = sum
            }
        }
    }
}
