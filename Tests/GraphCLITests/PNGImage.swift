import CZlib
import Foundation

/// A PNG decoded far enough to count its pixels' colours: 8-bit greyscale, RGB or RGBA (with
/// or without alpha), not interlaced, which is what Chromium's screenshots are. The chunks
/// are read by hand (PNG spec, section 5), the IDAT data inflated with the system's zlib, the
/// scanlines unfiltered (section 9).
struct PNGImage {
    var width: Int
    var height: Int
    /// Each pixel as 0xRRGGBB (alpha dropped).
    var pixels: [UInt32]

    struct DecodeError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw DecodeError("not a PNG signature") }
        func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var at = 8, header: ArraySlice<UInt8>? = nil, compressed: [UInt8] = [], sawEnd = false
        while at + 8 <= bytes.count {
            let length = be32(at), type = String(decoding: bytes[at + 4 ..< at + 8], as: UTF8.self)
            guard at + 12 + length <= bytes.count else { throw DecodeError("chunk \(type) runs past the end") }
            let body = bytes[at + 8 ..< at + 8 + length]
            switch type {
            case "IHDR": header = body
            case "IDAT": compressed += body
            case "IEND": sawEnd = true
            default: break
            }
            at += 12 + length
            if sawEnd { break }
        }
        guard let h = header, h.count == 13, sawEnd else { throw DecodeError("no IHDR or IEND") }
        let hb = Array(h)
        width = Int(hb[0]) << 24 | Int(hb[1]) << 16 | Int(hb[2]) << 8 | Int(hb[3])
        height = Int(hb[4]) << 24 | Int(hb[5]) << 16 | Int(hb[6]) << 8 | Int(hb[7])
        let depth = hb[8], colourType = hb[9], interlace = hb[12]
        let channels: Int
        switch colourType {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: throw DecodeError("colour type \(colourType) (palette) is not read here")
        }
        guard depth == 8, interlace == 0, width > 0, height > 0 else { throw DecodeError("depth \(depth), interlace \(interlace)") }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                // Safe because both buffers live for the call and their counts are passed.
                uncompress(out.baseAddress, &rawLength, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw DecodeError("inflate: zlib status \(status), \(rawLength) of \(raw.count) bytes") }
        // Unfilter in place: each scanline is a filter byte and `stride` bytes.
        var image = [UInt8](repeating: 0, count: stride * height)
        for y in 0 ..< height {
            let filter = raw[y * (stride + 1)], line = y * (stride + 1) + 1, row = y * stride
            for x in 0 ..< stride {
                let a = x >= channels ? Int(image[row + x - channels]) : 0
                let b = y > 0 ? Int(image[row - stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(image[row - stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw DecodeError("filter \(filter) on line \(y)")
                }
                image[row + x] = UInt8(truncatingIfNeeded: Int(raw[line + x]) + predictor)
            }
        }
        pixels = (0 ..< width * height).map { i in
            let p = i * channels
            if channels <= 2 { let g = UInt32(image[p]); return g << 16 | g << 8 | g }
            return UInt32(image[p]) << 16 | UInt32(image[p + 1]) << 8 | UInt32(image[p + 2])
        }
    }
}
