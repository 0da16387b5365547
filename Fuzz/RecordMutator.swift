// Structured mutations for the record fuzz target: half of the mutations are libFuzzer's own
// (bytes, and the words of Fuzz/records.dict); the other half treat the input's first record
// as Ruby writes it (`{` fields joined by ", " `}`) and drop, repeat or reorder fields, split
// or cut the record, put raw bytes into string values as Ruby does in `file`,
// `real_class_name` and `method`, or swap in a value form from the list below.
@_silgen_name("LLVMFuzzerMutate")
func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

@_cdecl("LLVMFuzzerCustomMutator")
public func recordMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    var rng = SplitMix(seed: UInt64(seed))
    if size == 0 || rng.below(2) == 0 { return LLVMFuzzerMutate(data, size, maxSize) }
    var bytes = RecordMutator.mutate(Array(UnsafeBufferPointer(start: data, count: size)), &rng)
    if bytes.count > maxSize { bytes.removeLast(bytes.count - maxSize) }
    bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: $0.count) }
    return bytes.count
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

enum RecordMutator {
    /// Raw byte runs Ruby writes into `file`, `real_class_name` and `method` (FORMAT.md).
    static let rawRuns: [[UInt8]] = [
        [0x22], [0x5C], [0x0A], [0x00], [0xFF], [0xC3], [0xC3, 0xA9], [0x80], [0x0D], [0x09], [0x7F], [0x1B],
        Array("\\u00ff".utf8) + [0x00], Array("\", \"line\":".utf8), Array("\", \"memsize\":".utf8),
        Array("\\".utf8) + [0x22], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98, 0x80], Array("\\ud83d\\ude00".utf8),
        Array("\\ud800".utf8), Array("\\u0000".utf8), Array("\\/".utf8),
    ]

    /// Whole fields in the forms the dumps hold, and a few they never do.
    static let fields: [String] = [
        "\"address\":\"0x7f4d6f91bd38\"", "\"address\":\"0x00007f4d6f91bd38\"", "\"address\":\"7F4D6F91BD38\"",
        "\"address\":\"0xffffffffffffffff\"", "\"address\":\"0x10000000000000000\"", "\"address\":\"0x\"",
        "\"address\":\"0x0000000000000000000001\"", "\"address\":12", "\"class\":\"0x8\"", "\"class\":null",
        "\"type\":\"STRING\"", "\"type\":\"IMEMO\"", "\"type\":\"ROOT\"", "\"type\":\"SHAPE\"", "\"type\":\"NONE\"",
        "\"type\":\"CLASS\"", "\"type\":\"FLOAT\"", "\"type\":\"ZOMBIE\"", "\"type\":\"STR\\u0049NG\"", "\"type\":\"WHAT\"",
        "\"root\":\"vm\"", "\"root\":\"machine_context\"", "\"references\":[]", "\"references\":[\"0x1\", \"0x1\"]",
        "\"references\":[\"0x7f00\", 5]", "\"references\":\"0x1\"",
        "\"memsize\":18446744073709551615", "\"memsize\":18446744073709551616", "\"memsize\":-0", "\"memsize\":-1",
        "\"memsize\":1.5", "\"memsize\":1e3", "\"memsize\":123456789012345678901234567890", "\"bytesize\":4294967295",
        "\"line\":4294967294", "\"line\":4294967295", "\"line\":-3", "\"generation\":4294967296", "\"size\":99999999999",
        "\"length\":3", "\"ivars\":2", "\"file\":\"app.rb\"", "\"file\":\"a\\\"b.rb\"", "\"file\":\"<internal:timev>\"",
        "\"file\":3", "\"line\":\"3\"", "\"method\":\"pr\\u00ff\\u0000cis\"", "\"method\":null", "\"generation\":12",
        "\"value\":\"\\ud83d\\ude00\"", "\"value\":\"\\u00e9\\n\\t\\\\\\\"\"", "\"value\":5", "\"value\":[1,{\"a\":\"]\"}]",
        "\"value\":\"0123456789012345678901234567890123456789012345\\u0041\"",
        "\"value\":\"012345678901234567890123456789012345678901234\\u00e9\"", "\"value\":\"NaN\"",
        "\"flags\":{\"wb_protected\":true, \"old\":true, \"uncollectible\":true, \"marked\":true}",
        "\"flags\":{\"age\":2, \"object_id\":16, \"old\":false}", "\"flags\":{}", "\"flags\":{\"old\":1}", "\"flags\":true",
        "\"frozen\":true", "\"frozen\":1", "\"shared\":true", "\"fstring\":false", "\"singleton\":true",
        "\"name\":\"Foo::Bar\"", "\"real_class_name\":\"tmp\\\"cls\"", "\"real_class_name\":4",
        "\"imemo_type\":\"fields\"", "\"struct\":\"VM/cc_table\"", "\"slot_size\":40", "\"slot_size\":\"40\"",
        "\"parent_id\":4294967295", "\"shape_type\":\"OBJ_ID\"", "\"shape_type\":7", "\"chilled\":true",
        "\"embedded\":true", "\"coderange\":\"7bit\"", "\"mid\":\"foo\"", "\"typ\\u0065\":\"NIL\"", "\"\":1",
    ]

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        // The first record: up to the first newline followed by `{`.
        var end = input.count
        for i in 0 ..< input.count where input[i] == 0x0A && i + 1 < input.count && input[i + 1] == UInt8(ascii: "{") {
            end = i + 1
            break
        }
        let rest = Array(input[end...])
        var record = Array(input[..<end])
        var tail: [UInt8] = []
        while let last = record.last, last == 0x0A || last == 0x20 { tail.insert(record.removeLast(), at: 0) }
        guard record.first == UInt8(ascii: "{"), record.last == UInt8(ascii: "}") else {
            // Not a record in Ruby's shape: put a raw run somewhere.
            var out = input
            out.insert(contentsOf: rng.pick(rawRuns), at: rng.below(out.count + 1))
            return out
        }
        var parts = split(Array(record.dropFirst().dropLast()))
        switch rng.below(10) {
        case 0 where !parts.isEmpty: parts.remove(at: rng.below(parts.count))
        case 1 where !parts.isEmpty: parts.insert(rng.pick(parts), at: rng.below(parts.count + 1))
        case 2 where parts.count > 1: parts.swapAt(rng.below(parts.count), rng.below(parts.count))
        case 3: parts.shuffle(using: &rng)
        case 4, 5:
            // Raw bytes into a string value, as Ruby writes them.
            let strings = parts.indices.filter { i in
                if let colon = parts[i].firstIndex(of: UInt8(ascii: ":")), colon + 1 < parts[i].count {
                    return parts[i][colon + 1] == UInt8(ascii: "\"")
                }
                return false
            }
            if let i = strings.isEmpty ? nil : rng.pick(strings) {
                // Safe because the filter found a colon followed by a quote.
                let colon = parts[i].firstIndex(of: UInt8(ascii: ":"))!
                let at = colon + 2 + rng.below(max(parts[i].count - colon - 2, 1))
                parts[i].insert(contentsOf: rng.pick(rawRuns), at: min(at, parts[i].count))
            }
        case 6:
            let f = Array(rng.pick(fields).utf8)
            let key = f.prefix { $0 != UInt8(ascii: ":") }
            if let i = parts.firstIndex(where: { $0.starts(with: key + [UInt8(ascii: ":")]) }) {
                parts[i] = f
            } else {
                parts.insert(f, at: rng.below(parts.count + 1))
            }
        case 7:
            parts.insert(Array(rng.pick(fields).utf8), at: rng.below(parts.count + 1))
        default:
            var out = join(parts) + tail
            if rng.below(2) == 0 {
                out.insert(0x0A, at: rng.below(out.count + 1))  // split the record
            } else {
                out.removeLast(rng.below(out.count))  // cut it
            }
            return out + rest
        }
        return join(parts) + tail + rest
    }

    /// Splits the inside of a record at its top-level commas (quotes and nesting followed
    /// loosely: the text may be broken).
    static func split(_ b: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var inString = false, depth = 0, i = 0
        while i < b.count {
            let c = b[i]
            if inString {
                if c == UInt8(ascii: "\\"), i + 1 < b.count { current += [c, b[i + 1]]; i += 2; continue }
                if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
            } else if c == UInt8(ascii: ","), depth == 0 {
                parts.append(current)
                current = []
                i += 1
                while i < b.count, b[i] == 0x20 { i += 1 }
                continue
            }
            current.append(c)
            i += 1
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    static func join(_ parts: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, p) in parts.enumerated() {
            if i > 0 { out += Array(", ".utf8) }
            out += p
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension SplitMix: RandomNumberGenerator {}
