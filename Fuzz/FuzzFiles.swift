#if canImport(Glibc)
import Glibc
#endif

/// Fuzz inputs go to files in a RAM-backed directory, since the reader reads files.
enum FuzzFiles {
    static let directory: String = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let dir = "\(base)/retention-fuzz-\(getpid())"
        mkdir(dir, 0o700)
        return dir
    }()

    static func write(_ bytes: UnsafeBufferPointer<UInt8>, index: Int) -> String {
        let path = "\(directory)/input\(index).json"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if fd >= 0 {
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n <= 0 { break }
                done += n
            }
            close(fd)
        }
        return path
    }
}
