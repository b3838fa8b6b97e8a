/// log-softmax followed by negative log-likelihood, fused: the gradient
/// softmax(z) - onehot(label) is exact and never divides by a tiny probability.
/// e^x and ln x are the kernels' own (Kernels.h), not the C library's, whose
/// results differ between systems.
struct LogSoftmaxNLL {
    let classes: Int

    /// Per-sample losses in `losses` [n], and `dLogits` [n, classes] =
    /// (softmax - onehot) * gradientScale; the argmax of each sample in
    /// `predictions` [n] when given (the first of equal scores); returns how many argmaxes were right.
    func callAsFunction(logits: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, n: Int,
                        gradientScale: Float, losses: UnsafeMutablePointer<Float>,
                        dLogits: UnsafeMutablePointer<Float>?, predictions: UnsafeMutablePointer<UInt8>? = nil) -> Int {
        var correct = 0
        for s in 0..<n {
            let z = logits + s * classes
            var best = 0
            for k in 1..<classes where z[k] > z[best] { best = k }
            let label = Int(labels[s])
            predictions?[s] = UInt8(best)
            if best == label { correct += 1 }
            let top = z[best]
            var sum: Float = 0
            for k in 0..<classes { sum += exponential(z[k] - top) }
            let logSum = top + logarithm(sum)
            losses[s] = logSum - z[label]
            if let dLogits {
                let d = dLogits + s * classes
                for k in 0..<classes { d[k] = exponential(z[k] - logSum) * gradientScale }
                d[label] -= gradientScale
            }
        }
        return correct
    }
}
