/// Where two float arrays first differ in their bits (nil when they are equal),
/// so a failed bit-for-bit check names an index instead of printing both arrays.
func firstBitDifference(_ a: [Float], _ b: [Float]) -> Int? {
    guard a.count == b.count else { return min(a.count, b.count) }
    return a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
}
