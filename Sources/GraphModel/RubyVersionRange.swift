/// A Ruby release, major and minor (`3.4`, `4.1` for 4.1-dev).
public struct RubyVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }
    public static func < (a: RubyVersion, b: RubyVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
    public var description: String { "\(major).\(minor)" }
}

/// A feature of a dump that only some Ruby versions write (FORMAT.md, FORMAT-3.4-4.0.md).
public enum RubyVersionEvidence: Hashable, Sendable, CaseIterable {
    case fieldsObjects, globalSymbolsRoot, zjitRoot, integerFlags, objectIDShapes, symbolReferences
    case complexShapeKey, freeImmediately, newSlotSizes
    case chilledStrings, yjitRoot, machineContextAfterGlobalTable, invalidParentShapes
    case legacyShapeTypes, tooComplexShapeKey
    case slotSizes
    case finalizersRoot, globalListRoot, objectIDRoot, machineContextBeforeGlobalTable
    case imemoClassWords

    /// The first version that writes it, if it is a lower bound.
    public var lowest: RubyVersion? {
        switch self {
        case .complexShapeKey, .freeImmediately, .newSlotSizes: return RubyVersion(4, 1)
        case .fieldsObjects, .globalSymbolsRoot, .zjitRoot, .integerFlags, .objectIDShapes, .symbolReferences: return RubyVersion(4, 0)
        case .chilledStrings, .yjitRoot, .machineContextAfterGlobalTable, .invalidParentShapes: return RubyVersion(3, 4)
        case .legacyShapeTypes, .tooComplexShapeKey, .slotSizes: return RubyVersion(3, 3)
        case .finalizersRoot, .globalListRoot, .objectIDRoot, .machineContextBeforeGlobalTable, .imemoClassWords: return nil
        }
    }

    /// The last version that writes it, if it is an upper bound.
    public var highest: RubyVersion? {
        switch self {
        case .invalidParentShapes, .legacyShapeTypes: return RubyVersion(3, 4)
        case .tooComplexShapeKey: return RubyVersion(4, 0)
        case .finalizersRoot, .globalListRoot, .objectIDRoot, .machineContextBeforeGlobalTable: return RubyVersion(3, 3)
        case .imemoClassWords: return RubyVersion(3, 2)
        default: return nil
        }
    }

    /// The feature, in words.
    public var text: String {
        switch self {
        case .fieldsObjects: return "fields objects"
        case .globalSymbolsRoot: return "global_symbols root"
        case .zjitRoot: return "ZJIT root"
        case .integerFlags: return "integer flags (age)"
        case .objectIDShapes: return "OBJ_ID shapes"
        case .symbolReferences: return "SYMBOL references"
        case .complexShapeKey: return "complex_shape"
        case .freeImmediately: return "free_immediately"
        case .newSlotSizes: return "slot sizes of 32/64/128"
        case .chilledStrings: return "chilled strings"
        case .yjitRoot: return "YJIT root"
        case .machineContextAfterGlobalTable: return "machine_context root after global_tbl"
        case .invalidParentShapes: return "SHAPE parent_id 4294967295"
        case .legacyShapeTypes: return "FROZEN/T_OBJECT/OBJ_TOO_COMPLEX shapes"
        case .tooComplexShapeKey: return "too_complex_shape"
        case .slotSizes: return "slot_size"
        case .finalizersRoot: return "finalizers root"
        case .globalListRoot: return "global_list root"
        case .objectIDRoot: return "object_id root"
        case .machineContextBeforeGlobalTable: return "machine_context root before global_tbl"
        case .imemoClassWords: return "IMEMO class words"
        }
    }
}

/// The Ruby versions a dump's features imply: the latest lower bound and the earliest upper
/// bound among its evidence, each inclusive. Dumps do not name their Ruby.
public struct RubyVersionRange: Sendable, Hashable, CustomStringConvertible {
    public var lowest: RubyVersion?
    public var highest: RubyVersion?
    /// Every feature seen, in ``RubyVersionEvidence`` order.
    public var evidence: [RubyVersionEvidence]

    public init(evidence: [RubyVersionEvidence]) {
        self.evidence = RubyVersionEvidence.allCases.filter(Set(evidence).contains)
        lowest = self.evidence.compactMap(\.lowest).max()
        highest = self.evidence.compactMap(\.highest).min()
    }

    /// The range `graph`'s features imply.
    ///
    /// - Complexity: O(R) for R root records.
    public init(_ graph: HeapGraph) {
        let f = graph.diagnostics.counts.features
        var e: [RubyVersionEvidence] = []
        let pairs: [(DumpFeatures, RubyVersionEvidence)] = [
            (.fieldsObjects, .fieldsObjects), (.integerFlags, .integerFlags), (.objectIDShapes, .objectIDShapes),
            (.symbolReferences, .symbolReferences), (.complexShapeKey, .complexShapeKey), (.freeImmediately, .freeImmediately),
            (.newSlotSizes, .newSlotSizes), (.chilledStrings, .chilledStrings), (.invalidParentShapes, .invalidParentShapes),
            (.legacyShapeTypes, .legacyShapeTypes), (.tooComplexShapeKey, .tooComplexShapeKey), (.slotSizes, .slotSizes),
            (.imemoClassWords, .imemoClassWords),
        ]
        for (feature, evidence) in pairs where f.contains(feature) { e.append(evidence) }
        var machineContext: Int? = nil, globalTable: Int? = nil
        for (r, kind) in graph.rootKind.enumerated() {
            switch kind {
            case .globalSymbols: e.append(.globalSymbolsRoot)
            case .zjit: e.append(.zjitRoot)
            case .yjit: e.append(.yjitRoot)
            case .finalizers: e.append(.finalizersRoot)
            case .globalList: e.append(.globalListRoot)
            case .objectID: e.append(.objectIDRoot)
            case .machineContext: machineContext = machineContext ?? r
            case .globalTable: globalTable = globalTable ?? r
            default: break
            }
        }
        // gc.c walks machine_context before global_tbl up to 3.3, after it from 3.4 on.
        if let m = machineContext, let g = globalTable {
            e.append(m > g ? .machineContextAfterGlobalTable : .machineContextBeforeGlobalTable)
        }
        self.init(evidence: e)
    }

    /// Whether the features contradict each other (a hand-made or edited dump).
    public var isConflicting: Bool {
        guard let lo = lowest, let hi = highest else { return false }
        return lo > hi
    }

    /// Whether the dump comes from a Ruby that writes no `finalizers` ROOT (3.4+).
    public var omitsFinalizerRoots: Bool { !isConflicting && lowest.map { $0 >= RubyVersion(3, 4) } == true }

    /// Whether the dump comes from a Ruby that lists its finalizers as a ROOT (3.3 and earlier).
    public var listsFinalizerRoots: Bool { !isConflicting && highest.map { $0 <= RubyVersion(3, 3) } == true }

    /// The evidence that sets the bounds (what a reader needs to see why).
    public var deciding: [RubyVersionEvidence] {
        evidence.filter { ($0.lowest != nil && $0.lowest == lowest) || ($0.highest != nil && $0.highest == highest) }
    }

    /// "Ruby 4.0 or later", "Ruby 3.4", "Ruby 3.3 or earlier", "Ruby 3.3 to 4.0"…
    public var versions: String {
        func name(_ v: RubyVersion) -> String { v == RubyVersion(4, 1) ? "4.1-dev" : v.description }
        if isConflicting { return "Ruby version unclear (the features conflict)" }
        switch (lowest, highest) {
        case (nil, nil): return "Ruby version unknown"
        case let (lo?, nil): return "Ruby \(name(lo)) or later"
        case let (nil, hi?): return "Ruby \(name(hi)) or earlier"
        case let (lo?, hi?): return lo == hi ? "Ruby \(name(lo))" : "Ruby \(name(lo)) to \(name(hi))"
        }
    }

    /// The versions and the features that decide them, e.g. "Ruby 4.0 or later: fields
    /// objects, global_symbols root".
    public var description: String {
        let why = (isConflicting ? evidence : deciding).map(\.text)
        return why.isEmpty ? versions : versions + ": " + why.joined(separator: ", ")
    }
}
