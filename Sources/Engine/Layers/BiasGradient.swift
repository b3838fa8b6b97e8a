import Kernels

/// A convolution's bias gradient: each output channel's row of dy [cout, n*H*W]
/// summed (Kernels.h's row sum) and added into dbias [cout]. A team splits the
/// rows; each row is still one sum.
enum BiasGradient {
    static func add(rows: Int, columns: Int, _ dy: UnsafePointer<Float>, into dBias: UnsafeMutablePointer<Float>, path: KernelPath,
                    team: Team) {
        team.elements(rows) { part in
            hw2_add_row_sums(path.cValue, part.count, columns, dy + part.lowerBound * columns, dBias + part.lowerBound)
        }
    }
}
