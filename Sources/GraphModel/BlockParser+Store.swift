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
        if type == .imemo {
            if let kind = f.detailString, Self.equals(kind, "fields") {
                // Its `class` is the owner object (Ruby 4.0+), kept for the fold.
                out.counts.features.insert(.fieldsObjects)
                out.fieldsNodes.append(UInt32(truncatingIfNeeded: out.address.count))
                out.fieldsOwners.append(f.classAddress)
            } else if f.classAddress != 0 {
                out.counts.features.insert(.imemoClassWords)
            }
        } else if type == .symbol && f.sawReferences {
            out.counts.features.insert(.symbolReferences)
        }
        out.address.append(address)
        out.type.append(type)
        // An IMEMO's `class` word holds other data (Ruby 3.1 writes it anyway; in 4.0 a
        // fields object's is its owner): not a class.
        out.classAddress.append(type == .imemo || type == .node ? 0 : f.classAddress)
        out.memsize.append(f.memsize)
        out.bytesize.append(f.bytesize)
        out.generation.append(f.generation)
        out.flags.append(f.flags)
        out.referenceEnd.append(UInt32(truncatingIfNeeded: out.references.count))

        var siteID = UInt32.max
        if f.file != nil || f.line != nil || f.method != nil || f.unreadableFile {
            let unreadable = Self.unreadable
            let file: StringID
            if f.unreadableFile {
                file = out.strings.intern(unreadable)
            } else if let raw = f.file, f.rawFile {
                // Recovered bytes, not JSON text: escape them, so the table holds one form.
                file = Self.escaped(raw).withUnsafeBufferPointer { out.strings.intern($0) }
            } else {
                file = f.file.map { lastFile.intern($0, in: &out.strings) } ?? .none
            }
            let method = f.unreadableMethod ? out.strings.intern(unreadable)
                : f.method.map { lastMethod.intern($0, in: &out.strings) } ?? .none
            let site = AllocationSite(file: file, line: f.line ?? 0, method: method)
            siteID = siteCache.id(of: site, in: &out)
        }
        out.site.append(siteID)
        if siteID != .max || f.generation != .max { out.counts.objectsWithAllocationInfo += 1 }

        switch ObjectDetail.kind(of: type) {
        case .valueOffset:
            if let value = f.value {
                out.detail.append(UInt32(truncatingIfNeeded: out.values.count))
                let kept = Self.prefixLength(value, limit: ParsedBlock.valuePrefixLimit)
                out.values.append(UInt8(kept) | (value.count > kept ? ParsedBlock.valueTruncatedBit : 0))
                out.values.append(contentsOf: UnsafeBufferPointer(rebasing: value[..<kept]))
                if value.count > kept {
                    // The rest is dropped; its hash (with the prefix) tells values apart.
                    var h = ParsedBlock.valueHash(value)
                    withUnsafeBytes(of: &h) { out.values.append(contentsOf: $0) }
                }
                if let encoding = f.encoding {
                    if let code = ParsedBlock.encodingCode(encoding) {
                        out.values.append(ParsedBlock.commonEncodingBit | code)
                    } else {
                        let name = UnsafeBufferPointer(rebasing: encoding.prefix(ParsedBlock.encodingLimit))
                        out.values.append(UInt8(name.count))
                        out.values.append(contentsOf: name)
                    }
                } else {
                    out.values.append(0)
                }
            } else {
                out.detail.append(.max)
            }
        case .string:
            if f.name == nil, let raw = f.realClassName, f.rawRealClassName {
                // Recovered bytes, not JSON text, as for `file`.
                out.detail.append(Self.escaped(raw).withUnsafeBufferPointer { out.strings.intern($0) }.rawValue)
            } else if let s = f.name ?? f.realClassName ?? f.detailString {
                out.detail.append(out.strings.intern(s).rawValue)
            } else {
                out.detail.append(.max)
            }
        case .number:
            out.detail.append(f.number)
        }
    }

    /// How many bytes of an escaped JSON string body to keep, at most `limit`, without cutting
    /// an escape sequence or a UTF-8 character in two.
    static func prefixLength(_ value: UnsafeBufferPointer<UInt8>, limit: Int) -> Int {
        guard value.count > limit else { return value.count }
        var i = 0
        while i < limit {
            if value[i] == UInt8(ascii: "\\") {
                let length = i + 1 < value.count && value[i + 1] == UInt8(ascii: "u") ? 6 : 2
                if i + length > limit { return i }
                i += length
            } else {
                i += 1
            }
        }
        var kept = min(i, limit)
        while kept > 0, value[kept] & 0xC0 == 0x80 { kept -= 1 }
        return kept
    }

    /// Raw bytes as the body of a JSON string.
    static func escaped(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + 8)
        let hex = Array("0123456789abcdef".utf8)
        for b in raw {
            switch b {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), b]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0 ..< 0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        return out
    }

    /// The name given to a file or method that a broken line did not let us read.
    static let unreadable: String = "(unreadable)"

    private mutating func dropReferences(from start: Int) {
        if out.references.count > start { out.references.removeSubrange(start...) }
    }
}
