import GraphModel

/// What one frame of the dominator flame graph stands for: the dominators' type, class and
/// allocation site, or only their class, site or gem.
public enum FlameView: String, CaseIterable, Sendable {
    /// Type, class and allocation site: `HASH Cache (app/cache.rb:12)`.
    case object
    /// Type and class.
    case `class`
    /// Allocation site.
    case site
    /// The gem (or Ruby, or the app) whose file allocated it. Consecutive dominators of one
    /// gem are one frame: a gem's objects holding each other is one step of the story.
    case gem
}

/// A frame of the flame graph.
public enum FlameFrame: Hashable, Sendable {
    /// Dominators alike in what the view looks at; the fields the view does not use are `nil`
    /// (as are those the dump does not give: read them with the tree's ``FlameTree/view``).
    /// The site is a file and line (its `method` is `nil`), as frames are named.
    /// `gem` is given in the object and site views too, derived from the site.
    case objects(type: ObjectType?, className: ClassName?, site: SourceSite?, gem: Gem?)
    /// Everything deeper than `depth` frames below the roots, cut there: a chain a million
    /// objects long is one frame, not a million.
    case deeper(than: Int)
    /// The subtrees folded into one because each was small (see ``FlameTree/folded``).
    case other(subtrees: Int)
}

/// The dominator tree aggregated by frame: every distinct path of frames from the roots
/// down, with the memsize and number of the objects whose dominator chain reads that way.
/// The source of `top --format folded` (one line per path) and of the report's icicle.
///
/// Nodes are in preorder, children largest first (an `other` frame last): node 0 is the roots as a whole (no
/// frame), a node's subtree is `node ..< subtreeEnd[node]`, and `parent[node] < node`.
public struct FlameTree: Sendable {
    public let view: FlameView
    /// The depth at which paths were cut (see ``FlameFrame/deeper(than:)``).
    public let maxDepth: Int
    /// The distinct frames of the nodes kept; `frame[node]` indexes it (node 0 has none).
    public private(set) var frames: [FlameFrame] = []
    public private(set) var frame: [UInt32] = []
    public private(set) var parent: [UInt32] = []
    public private(set) var subtreeEnd: [UInt32] = []
    /// The memsize and count of the objects whose path ends at the node.
    public private(set) var selfSize: [UInt64] = []
    public private(set) var selfCount: [UInt64] = []
    /// The same for the node's whole subtree: what these dominators retain.
    public private(set) var totalSize: [UInt64] = []
    public private(set) var totalCount: [UInt64] = []
    /// What ``FlameTree/init(_:_:view:maxDepth:minimumShare:maximumChildren:)`` folded into
    /// `other` frames: how many paths, and their memsize.
    public private(set) var folded: (paths: Int, size: UInt64) = (0, 0)
    /// The objects below the depth cut, and their memsize.
    public private(set) var cut: (count: UInt64, size: UInt64) = (0, 0)

    public var count: Int { parent.count }

    /// Builds the tree; with `minimumShare` above 0 or a finite `maximumChildren`, a node's
    /// children that retain less than that share of the whole, or beyond the largest
    /// `maximumChildren`, are folded into one `other` child (for the report, whose size
    /// must not grow with the dump). Every object's memsize is counted exactly once:
    /// the nodes' `selfSize` add up to the memsize of everything a root reaches.
    ///
    /// One pass over the dominator tree in its preorder (every object after its immediate
    /// dominator), each object joining its dominator's path node as a child keyed by its
    /// frame (two hash lookups), then one pass up the paths for the totals and one down for
    /// the layout.
    ///
    /// - Complexity: O(V + P log P) time for V objects and P distinct paths (the sort of
    ///   each node's children), O(V) space while it runs and O(P) kept.
    public init(_ graph: HeapGraph, _ tree: DominatorTree, view: FlameView, maxDepth: Int = 64,
                minimumShare: Double = 0, maximumChildren: Int = .max) {
        self.view = view
        self.maxDepth = max(1, maxDepth)
        let paths = FlamePaths(graph, tree, view: view, maxDepth: self.maxDepth)
        frames = paths.frames
        cut = paths.cut
        layOut(paths, minimumShare: minimumShare, maximumChildren: max(1, maximumChildren))
    }

    /// The path's frames from the top (the roots' children) down to `node`.
    public func path(to node: Int) -> [FlameFrame] {
        var out: [FlameFrame] = []
        var v = node
        while v != 0 {
            out.append(frames[Int(frame[v])])
            v = Int(parent[v])
        }
        return out.reversed()
    }

    /// The folded layout: the paths' children sorted largest first, small ones merged.
    private mutating func layOut(_ paths: FlamePaths, minimumShare: Double, maximumChildren: Int) {
        let n = paths.parent.count
        // Totals, up the paths (every path node comes after its parent).
        var total = paths.selfSize, totalN = paths.selfCount
        for v in stride(from: n - 1, to: 0, by: -1) {
            let p = Int(paths.parent[v])
            total[p] &+= total[v]
            totalN[p] &+= totalN[v]
        }
        let (start, children) = CSRBuilder.build(rows: n, count: { rows in
            for v in 1 ..< n { rows.count(Int(paths.parent[v])) }
        }, place: { rows in
            for v in 1 ..< n { rows.place(UInt32(v), in: Int(paths.parent[v])) }
        })
        let smallest = UInt64((Double(total[0]) * minimumShare).rounded(.up))
        // Depth first from the root, children largest first, on an explicit stack of the
        // (old, new) nodes whose children are still to be laid out.
        appendNode(frame: .max, parent: .max, selfSize: paths.selfSize[0], selfCount: paths.selfCount[0],
                   totalSize: total[0], totalCount: totalN[0])
        var stack: [(old: Int, new: Int)] = [(0, 0)]
        var pending: [(old: Int, new: Int)] = []
        while let (old, new) = stack.popLast() {
            var kids = Array(children[Int(start[old]) ..< Int(start[old + 1])])
            kids.sort { a, b in total[Int(a)] != total[Int(b)] ? total[Int(a)] > total[Int(b)] : a < b }
            var other: (paths: Int, size: UInt64, count: UInt64) = (0, 0, 0)
            pending.removeAll(keepingCapacity: true)
            for (k, c) in kids.enumerated() {
                let c = Int(c)
                if k >= maximumChildren || total[c] < smallest {
                    other.paths += 1
                    other.size &+= total[c]
                    other.count &+= totalN[c]
                    continue
                }
                appendNode(frame: paths.frameOf[c], parent: UInt32(new), selfSize: paths.selfSize[c],
                           selfCount: paths.selfCount[c], totalSize: total[c], totalCount: totalN[c])
                pending.append((c, count - 1))
            }
            if other.paths > 0 {
                frames.append(.other(subtrees: other.paths))
                appendNode(frame: UInt32(frames.count - 1), parent: UInt32(new), selfSize: other.size,
                           selfCount: other.count, totalSize: other.size, totalCount: other.count)
                folded.paths += other.paths
                folded.size &+= other.size
            }
            // Pushed in reverse, so that the largest child is laid out (and numbered) first...
            stack.append(contentsOf: pending.reversed())
        }
        // ...but a depth-first stack numbers a node's later children only after the earlier
        // ones' subtrees, so the numbering above is by creation, not preorder: renumber.
        renumberInPreorder()
        keepUsedFrames()
    }

    /// Drops the frames no node kept uses (those of the folded paths), so that the tree's
    /// size follows its nodes, not the dump's distinct frames. O(P).
    private mutating func keepUsedFrames() {
        var newID = [UInt32](repeating: .max, count: frames.count)
        var kept: [FlameFrame] = []
        for v in 1 ..< count {
            let f = Int(frame[v])
            if newID[f] == .max {
                newID[f] = UInt32(kept.count)
                kept.append(frames[f])
            }
            frame[v] = newID[f]
        }
        frames = kept
    }

    private mutating func appendNode(frame f: UInt32, parent p: UInt32, selfSize s: UInt64, selfCount sc: UInt64,
                                     totalSize t: UInt64, totalCount tc: UInt64) {
        frame.append(f); parent.append(p); selfSize.append(s); selfCount.append(sc)
        totalSize.append(t); totalCount.append(tc)
    }

    /// Puts the nodes in preorder (children in the order they were created, which is
    /// largest first) and sets `subtreeEnd`. O(P).
    private mutating func renumberInPreorder() {
        let n = parent.count
        let (start, children) = CSRBuilder.build(rows: n, count: { rows in
            for v in 1 ..< n { rows.count(Int(parent[v])) }
        }, place: { rows in
            for v in 1 ..< n { rows.place(UInt32(v), in: Int(parent[v])) }
        })
        var order: [Int] = []
        order.reserveCapacity(n)
        var stack = [0]
        while let v = stack.popLast() {
            order.append(v)
            stack.append(contentsOf: children[Int(start[v]) ..< Int(start[v + 1])].reversed().map(Int.init))
        }
        var newIndex = [UInt32](repeating: 0, count: n)
        for (k, v) in order.enumerated() { newIndex[v] = UInt32(k) }
        let old = self
        frame = order.map { old.frame[$0] }
        parent = order.map { $0 == 0 ? .max : newIndex[Int(old.parent[$0])] }
        selfSize = order.map { old.selfSize[$0] }
        selfCount = order.map { old.selfCount[$0] }
        totalSize = order.map { old.totalSize[$0] }
        totalCount = order.map { old.totalCount[$0] }
        // Subtree ends, up from the leaves: a node's subtree ends where its last child's does.
        subtreeEnd = (0 ..< n).map { UInt32($0 + 1) }
        for v in stride(from: n - 1, to: 0, by: -1) {
            let p = Int(parent[v])
            subtreeEnd[p] = max(subtreeEnd[p], subtreeEnd[v])
        }
    }
}

/// The distinct frame paths of the dominator tree, in the order the objects reached them.
private struct FlamePaths {
    var frames: [FlameFrame] = []
    /// Per path node: its parent (node 0, the roots, has none), its frame, its own objects.
    var parent: [UInt32] = [.max]
    var frameOf: [UInt32] = [.max]
    var depth: [UInt16] = [0]
    var selfSize: [UInt64] = [0]
    var selfCount: [UInt64] = [0]
    var cut: (count: UInt64, size: UInt64) = (0, 0)

    init(_ graph: HeapGraph, _ tree: DominatorTree, view: FlameView, maxDepth: Int) {
        let gems = SiteGems(graph)
        var frameIDs: [FrameKey: UInt32] = [:]
        // Keys that differ but make one frame (the singleton classes of many classes are
        // each a class node of their own, all named `Class (singleton)`) are one frame: a
        // path is distinct by what it reads, or the folded lines would repeat.
        var frameIDsByValue: [FlameFrame: UInt32] = [:]
        // Objects next to each other in the preorder are often alike (a Hash's entries): the
        // last key and its frame are kept, to skip the lookup.
        var lastKey: FrameKey? = nil, lastID: UInt32 = 0
        func frameID(of i: Int) -> UInt32 {
            let key = FrameKey(graph, i, view: view, gems: gems)
            if let k = lastKey, k == key { return lastID }
            if let id = frameIDs[key] {
                lastKey = key; lastID = id
                return id
            }
            let frame = key.frame(graph, view: view, gems: gems)
            let id = frameIDsByValue[frame] ?? UInt32(frames.count)
            if id == frames.count {
                frames.append(frame)
                frameIDsByValue[frame] = id
            }
            frameIDs[key] = id
            lastKey = key; lastID = id
            return id
        }
        frames.append(.deeper(than: maxDepth))
        let deeper: UInt32 = 0
        var child: [UInt64: UInt32] = [:]          // parent node << 32 | frame -> node
        var lastChildKey = UInt64.max, lastChild: UInt32 = 0
        var nodeOf = [UInt32](repeating: .max, count: graph.count)
        let superRoot = tree.superRoot
        for v32 in tree.preorder {
            let v = Int(v32)
            let d = tree.idom[v]
            let up: UInt32 = d == superRoot ? 0 : nodeOf[Int(d)]
            var node = up
            if frameOf[Int(up)] != deeper {
                var f = frameID(of: v)
                if !(view == .gem && up != 0 && frameOf[Int(up)] == f) {
                    if Int(depth[Int(up)]) >= maxDepth { f = deeper }
                    let key = UInt64(up) << 32 | UInt64(f)
                    if key == lastChildKey {
                        node = lastChild
                    } else if let existing = child[key] {
                        node = existing
                    } else {
                        node = UInt32(parent.count)
                        parent.append(up)
                        frameOf.append(f)
                        depth.append(depth[Int(up)] &+ 1)
                        selfSize.append(0)
                        selfCount.append(0)
                        child[key] = node
                    }
                    lastChildKey = key
                    lastChild = node
                }
            }
            nodeOf[v] = node
            let m = graph.memsize[v]
            selfSize[Int(node)] &+= m
            selfCount[Int(node)] &+= 1
            if frameOf[Int(node)] == deeper {
                cut.count &+= 1
                cut.size &+= m
            }
        }
    }
}

/// What makes two objects' frames the same in a view: their type, class node and site, as
/// the view asks (the gem view keys by the gem's slot).
private struct FrameKey: Hashable {
    var type: UInt8 = 0
    var classNode: UInt32 = .max
    var site: UInt32 = .max

    init(_ graph: HeapGraph, _ i: Int, view: FlameView, gems: SiteGems) {
        switch view {
        case .object:
            type = graph.type[i].rawValue
            classNode = graph.classIndex[i]
            site = graph.site[i].rawValue
        case .class:
            type = graph.type[i].rawValue
            classNode = graph.classIndex[i]
        case .site:
            site = graph.site[i].rawValue
        case .gem:
            site = UInt32(gems.slot(of: graph, i))
        }
        representative = i
    }

    /// An object with this key (not part of the key), to name the frame by.
    var representative = 0
    static func == (a: FrameKey, b: FrameKey) -> Bool {
        a.type == b.type && a.classNode == b.classNode && a.site == b.site
    }
    func hash(into h: inout Hasher) {
        h.combine(type); h.combine(classNode); h.combine(site)
    }

    func frame(_ graph: HeapGraph, view: FlameView, gems: SiteGems) -> FlameFrame {
        let i = representative, object = ObjectIndex(i)
        // A frame's site is its file and line, as frames are named: one line's allocations
        // in two methods (a block, an eval) are one frame, not two of the same name.
        let site = graph.sourceSite(of: object).map { SourceSite(file: $0.file, line: $0.line, method: nil) }
        switch view {
        case .object:
            return .objects(type: graph.type[i], className: graph.classIdentity(of: object),
                            site: site, gem: gems.gem(of: graph, i))
        case .class:
            return .objects(type: graph.type[i], className: graph.classIdentity(of: object), site: nil, gem: nil)
        case .site:
            return .objects(type: nil, className: nil, site: site, gem: gems.gem(of: graph, i))
        case .gem:
            return .objects(type: nil, className: nil, site: nil, gem: gems.gem(of: graph, i))
        }
    }
}
