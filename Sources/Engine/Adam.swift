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
/// One flat loop over every parameter: no per-tensor special cases.
struct Adam {
    let config: AdamConfig

    struct Coefficients {
        let oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bias2Sqrt, epsilon: Float
    }

    func coefficients(step t: Int) -> Coefficients {
        let c = config
        return Coefficients(
            oneMinusBeta1: Float(1 - c.beta1), beta2: Float(c.beta2), oneMinusBeta2: Float(1 - c.beta2),
            stepSize: Float(c.learningRate / (1 - Self.power(c.beta1, t))),
            bias2Sqrt: Float((1 - Self.power(c.beta2, t)).squareRoot()), epsilon: Float(c.epsilon))
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
    static func update(_ range: Range<Int>, _ k: Coefficients, params: UnsafeMutablePointer<Float>,
                       grads: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>) {
        for i in range {
            let g = grads[i]
            m[i] += k.oneMinusBeta1 * (g - m[i])
            v[i] = v[i] * k.beta2 + k.oneMinusBeta2 * (g * g)
            let denominator = v[i].squareRoot() / k.bias2Sqrt + k.epsilon
            params[i] -= k.stepSize * (m[i] / denominator)
        }
    }
}
