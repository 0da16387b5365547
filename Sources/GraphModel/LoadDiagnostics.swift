/// A line of the dump that was not valid JSON or not a readable record.
public struct LineIssue: Sendable, Hashable {
    /// The first physical line of the record (1-based).
    public var line: Int
    /// Physical lines the record spans (more than one where Ruby wrote a raw newline).
    public var lineSpan: Int
    /// What is wrong, in words a user can act on.
    public var reason: String
    /// Whether the record was still read (address, type and references intact).
    public var recovered: Bool

    public init(line: Int, lineSpan: Int = 1, reason: String, recovered: Bool) {
        self.line = line
        self.lineSpan = lineSpan
        self.reason = reason
        self.recovered = recovered
    }
}

/// Counts gathered while reading a dump: what was read besides the objects themselves.
public struct LoadCounts: Sendable, Hashable {
    /// Records of every kind, including ROOT, SHAPE, NONE and ZOMBIE.
    public var records = 0
    public var rootRecords = 0
    public var shapeRecords = 0
    public var shapeMemsize: UInt64 = 0
    /// Empty slots (`NONE`) of a `full: true` dump: not objects.
    public var emptySlots = 0
    /// `ZOMBIE` slots (objects waiting for their finalizer): not objects.
    public var zombies = 0
    /// Objects that carry allocation information (`file`/`line` or `generation`).
    public var objectsWithAllocationInfo = 0
    /// Lines that were not valid JSON but whose record was still read.
    public var recoveredLines = 0
    /// Lines that could not be read at all.
    public var skippedLines = 0
    /// Format features seen, for ``RubyVersionRange``.
    public var features: DumpFeatures = []

    mutating func add(_ other: LoadCounts) {
        records += other.records
        rootRecords += other.rootRecords
        shapeRecords += other.shapeRecords
        shapeMemsize &+= other.shapeMemsize
        emptySlots += other.emptySlots
        zombies += other.zombies
        objectsWithAllocationInfo += other.objectsWithAllocationInfo
        recoveredLines += other.recoveredLines
        skippedLines += other.skippedLines
        features.formUnion(other.features)
    }
}

/// Everything the reader noticed about a dump, for `summary` and for warnings.
public struct LoadDiagnostics: Sendable {
    /// At most this many line issues are kept with their text; the rest are counted.
    public static let keptIssueLimit = 100

    /// The name the user gave for the dump (a path, or `-` for standard input).
    public var source: String
    public var counts = LoadCounts()
    /// The first few problem lines, in line order.
    public var issues: [LineIssue] = []
    /// Physical lines read.
    public var lineCount = 0
    /// Bytes of dump text read (after decompression).
    public var byteCount: UInt64 = 0
    /// Set when the dump ends in the middle of a record, or a gzip stream ends early.
    public var truncation: String? = nil
    /// The last line, when the dump ends without a newline (kept apart from `issues`, which
    /// hold only the first few).
    public var cutOff: LineIssue? = nil
    /// References to addresses that are not in the dump (edges dropped), and how many
    /// distinct addresses they name.
    public var danglingReferences = 0
    public var danglingTargets = 0
    /// ROOT references to addresses that are not in the dump.
    public var danglingRootReferences = 0
    /// Records whose address was already taken by an earlier record (the later one is kept
    /// as a node but cannot be found by address).
    public var duplicateAddresses = 0
    /// Objects whose `class` is not in the dump, or is not a class (IMEMO excluded).
    public var unresolvedClasses = 0

    /// Ruby 4.0+ IMEMO `fields` objects folded into their owners (see ``FieldsFold``), and
    /// those left as nodes because they have no owner in the dump (garbage, or bad input).
    public var foldedFields = 0
    public var fieldsWithoutOwner = 0

    /// ROOT records whose category no known Ruby writes (kept as roots all the same).
    public var unknownRootRecords = 0
    /// Hidden finalizer Arrays given the inferred finalizer root (see ``FinalizerRoots``).
    public var inferredFinalizerArrays = 0

    public init(source: String) { self.source = source }

    /// Whether some of the dump could not be read: the result is incomplete.
    public var isIncomplete: Bool { truncation != nil || counts.skippedLines > 0 }
    /// Whether the dump has ROOT records (a `since:` dump has none).
    public var hasRoots: Bool { counts.rootRecords > 0 }
}
