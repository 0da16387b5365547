extension BlockParser {
    /// Appends a record that was read (strictly or by recovery) to the block's columns.
    mutating func store(_ f: RecordFields, referenceStart: Int, line: Int, span: Int) {
        // Safe because readFields and recover both return only records that have a type.
        let type = f.type!
        switch type {
        case .root:
            guard let root = f.root else {
                dropReferences(from: referenceStart)
                out.report(LineIssue(line: line, lineSpan: span,
                                     reason: "a ROOT record without a \"root\" category; record skipped", recovered: false))
                return
            }
            out.counts.rootRecords += 1
            out.rootCategory.append(out.strings.intern(root))
            out.rootTargets.append(contentsOf: out.references[referenceStart...])
            dropReferences(from: referenceStart)
            out.rootEnd.append(UInt32(out.rootTargets.count))
            return
        case .shape:
            out.counts.shapeRecords += 1
            out.counts.shapeMemsize &+= f.memsize
            dropReferences(from: referenceStart)
            return
        case .none:
            out.counts.emptySlots += 1
            dropReferences(from: referenceStart)
            return
        case .zombie:
            out.counts.zombies += 1
            dropReferences(from: referenceStart)
            return
        default:
            break
        }
        guard let address = f.address else {
            dropReferences(from: referenceStart)
            out.report(LineIssue(line: line, lineSpan: span,
                                 reason: "a \(type.name) record without an \"address\"; record skipped", recovered: false))
            return
        }
        out.address.append(address)
        out.type.append(type)
        // An IMEMO's `class` word holds other data (Ruby 3.1 writes it anyway): not a class.
        out.classAddress.append(type == .imemo || type == .node ? 0 : f.classAddress)
        out.memsize.append(f.memsize)
        out.bytesize.append(f.bytesize)
        out.generation.append(f.generation)
        out.flags.append(f.flags)
        out.referenceEnd.append(UInt32(truncatingIfNeeded: out.references.count))

        var siteID = UInt32.max
        if f.file != nil || f.line != nil || f.method != nil || f.unreadableFile {
            let unreadable = Self.unreadable
            let file = f.unreadableFile ? out.strings.intern(unreadable) : f.file.map { out.strings.intern($0) } ?? .none
            let method = f.unreadableMethod ? out.strings.intern(unreadable) : f.method.map { out.strings.intern($0) } ?? .none
            siteID = out.internSite(AllocationSite(file: file, line: f.line ?? 0, method: method))
        }
        out.site.append(siteID)
        if siteID != .max || f.generation != .max { out.counts.objectsWithAllocationInfo += 1 }

        switch ObjectDetail.kind(of: type) {
        case .valueOffset:
            if let value = f.value {
                out.detail.append(UInt32(truncatingIfNeeded: out.values.count))
                let kept = min(value.count, ParsedBlock.valuePrefixLimit)
                out.values.append(UInt8(kept) | (value.count > kept ? 0x80 : 0))
                out.values.append(contentsOf: UnsafeBufferPointer(rebasing: value[..<kept]))
            } else {
                out.detail.append(.max)
            }
        case .string:
            if let s = f.name ?? f.realClassName ?? f.detailString {
                out.detail.append(out.strings.intern(s).rawValue)
            } else {
                out.detail.append(.max)
            }
        case .number:
            out.detail.append(f.number)
        }
    }

    /// The name given to a file or method that a broken line did not let us read.
    static let unreadable: String = "(unreadable)"

    private mutating func dropReferences(from start: Int) {
        if out.references.count > start { out.references.removeSubrange(start...) }
    }
}
