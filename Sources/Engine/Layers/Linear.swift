/// y = x W^T + b, as PyTorch's nn.Linear: weight [out, in] then bias [out].
final class Linear: Layer {
    let inFeatures, outFeatures: Int
    let offset: Int
    let needsInputGradient: Bool
    let gemm: GEMM

    private var x: UnsafeMutablePointer<Float>?  // [n, in] the input, owned by the previous layer
    private let out = Buffer<Float>()            // [n, out]
    private let dInput = Buffer<Float>()         // [n, in]

    init(inFeatures: Int, outFeatures: Int, offset: Int, needsInputGradient: Bool, path: KernelPath = .fastest,
         team: Team = .alone) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.offset = offset
        self.needsInputGradient = needsInputGradient
        gemm = GEMM(path: path, team: team)
    }

    func forward(_ x: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        self.x = x
        let y = out.reserve(n * outFeatures)
        let weight = params + offset, bias = weight + outFeatures * inFeatures
        for s in 0..<n { (y + s * outFeatures).update(from: bias, count: outFeatures) }
        gemm(transB: true, m: n, n: outFeatures, k: inFeatures, a: x, b: weight, accumulate: true, c: y)
        return y
    }

    func backward(_ dy: UnsafeMutablePointer<Float>, n: Int, params: UnsafePointer<Float>,
                  grads: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let dWeight = grads + offset, dBias = dWeight + outFeatures * inFeatures
        for s in 0..<n {
            let row = dy + s * outFeatures
            for o in 0..<outFeatures { dBias[o] += row[o] }
        }
        // dW [out, in] += dy^T [out, n] x x [n, in]
        gemm(transA: true, m: outFeatures, n: inFeatures, k: n, a: dy, b: x!, accumulate: true, c: dWeight)
        guard needsInputGradient else { return nil }
        // dx [n, in] = dy [n, out] x W [out, in]
        let dx = dInput.reserve(n * inFeatures)
        gemm(m: n, n: inFeatures, k: outFeatures, a: dy, b: params + offset, accumulate: false, c: dx)
        return dx
    }
}
