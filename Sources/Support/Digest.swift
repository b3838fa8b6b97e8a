import Crypto

/// SHA-256 as lowercase hex: the one digest of data files, weights, run
/// files and ids.
public enum Digest {
    public static func sha256(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
    }

    /// The raw 32 bytes, for trailers inside binary files.
    public static func sha256Bytes(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(bytes)))
    }
}
