import Kernels

/// Adam's settings; the defaults are the homework's (and torch.optim.Adam's).
public struct AdamConfig: Hashable, Codable, Sendable {
    public var learningRate: Double = 1e-3
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Double = 1e-8

    public init() {}
}

/// Adam written as torch.optim.Adam's single-tensor path computes it, so the
/// PyTorch parity test can hold to float rounding:
///   m = lerp(m, g, 1 - beta1);  v = beta2 v + (1 - beta2) g^2
///   p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// One flat loop over every parameter (`hw2_adam` in Sources/Kernels/adam.c,
/// vectorised per kernel path with the same bits): no per-tensor special cases.
struct Adam {
    let config: AdamConfig

    func coefficients(step t: Int) -> hw2_adam_step {
        let c = config
        return hw2_adam_step(
            one_minus_beta1: Float(1 - c.beta1), beta2: Float(c.beta2), one_minus_beta2: Float(1 - c.beta2),
            step_size: Float(c.learningRate / (1 - Self.power(c.beta1, t))),
            bias2_sqrt: Float((1 - Self.power(c.beta2, t)).squareRoot()), epsilon: Float(c.epsilon))
    }

    /// base^exponent by binary exponentiation: a fixed sequence of IEEE double
    /// multiplications, so the same bits on every machine, where a C library's
    /// `pow` differs between systems.
    static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0, square = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= square }
            square *= square
            e >>= 1
        }
        return result
    }

    /// Updates parameters `range` given their summed gradient; independent per
    /// element, so any split of the range across threads gives the same bits.
    @inline(__always)
    static func update(_ range: Range<Int>, _ k: hw2_adam_step, path: KernelPath, params: UnsafeMutablePointer<Float>,
                       grads: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>) {
        var k = k
        let i = range.lowerBound
        hw2_adam(path.cValue, range.count, &k, params + i, grads + i, m + i, v + i)
    }
}
