import Foundation

/// The statistics the claims are judged with, each the textbook form, at the
/// 95% level throughout.
enum Statistics {
    static let z95 = 1.959963984540054

    /// Wilson's score interval for a proportion of `successes` in `n` (e.g.
    /// test accuracy on n images): better than p ± z·se near 0 or 1.
    static func wilson(_ successes: Int, _ n: Int) -> ClosedRange<Double> {
        guard n > 0 else { return 0...1 }
        let p = Double(successes) / Double(n), nn = Double(n), z2 = z95 * z95
        let center = (p + z2 / (2 * nn)) / (1 + z2 / nn)
        let half = z95 / (1 + z2 / nn) * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        return max(0, center - half)...min(1, center + half)
    }

    /// Two-sided exact binomial test of `a` against `b` successes under p = 1/2:
    /// McNemar's exact test when a and b are the discordant pairs of two
    /// classifiers on the same images (a: only the first right, b: only the
    /// second right), and the sign test when they count wins. 1 when a + b = 0.
    static func binomialTwoSided(_ a: Int, _ b: Int) -> Double {
        let n = a + b
        guard n > 0 else { return 1 }
        let k = min(a, b)
        // Sum C(n, i) / 2^n for i <= k in log space: no overflow for any n.
        let logAll = lgamma(Double(n + 1)) - Double(n) * log(2.0)
        let logTerms: [Double] = (0...k).map { i in
            let logChoose: Double = logAll - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
            return logChoose
        }
        let top = logTerms.max() ?? 0
        let tail = exp(top) * logTerms.reduce(0) { $0 + exp($1 - top) }
        return min(1, 2 * tail)
    }

    /// The discordant pairs of two classifiers' predictions on the same labels:
    /// (images only the first gets right, images only the second gets right).
    /// The three must have one entry per test image; callers check the counts first.
    static func discordant(_ first: [UInt8], _ second: [UInt8], labels: [UInt8]) -> (onlyFirst: Int, onlySecond: Int) {
        precondition(first.count == labels.count && second.count == labels.count, "predictions and labels of different lengths")
        var onlyFirst = 0, onlySecond = 0
        for i in labels.indices {
            let a = first[i] == labels[i], b = second[i] == labels[i]
            if a && !b { onlyFirst += 1 } else if b && !a { onlySecond += 1 }
        }
        return (onlyFirst, onlySecond)
    }

    /// McNemar's exact test of two classifiers' final predictions on the same
    /// test images: the discordant pairs and the two-sided p.
    struct McNemar {
        let onlyFirst: Int
        let onlySecond: Int
        let p: Double
    }

    /// The one way the report pairs two models' predictions (claims, the paired
    /// table, the seed study): nil when the labels or either set of predictions
    /// is missing or not one per test image.
    static func mcnemar(_ first: [UInt8]?, _ second: [UInt8]?, labels: [UInt8]?) -> McNemar? {
        guard let labels, let first, let second, first.count == labels.count, second.count == labels.count else { return nil }
        let d = discordant(first, second, labels: labels)
        return McNemar(onlyFirst: d.onlyFirst, onlySecond: d.onlySecond, p: binomialTwoSided(d.onlyFirst, d.onlySecond))
    }

    /// Student's t quantile t(0.975, df): a table to six decimals for df 1...30
    /// (every study of up to 31 seeds), and beyond it the Cornish-Fisher
    /// expansion in 1/df around the normal quantile (Abramowitz and Stegun
    /// 26.7.5, four terms: within 5e-8 of the exact value from df 31 on).
    /// Callers have df >= 1 (two seeds or more).
    static func t975(_ df: Int) -> Double {
        let table = [12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
                     2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
                     2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272]
        guard df > table.count else { return table[max(df, 1) - 1] }
        let z = z95, z2 = z * z, v = Double(df)
        let g1 = z * (z2 + 1) / 4
        let g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
        let g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
        let g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
    }

    /// The 95% t interval of the mean of paired differences (one per seed); nil for fewer than two.
    static func meanInterval(_ values: [Double]) -> (mean: Double, interval: ClosedRange<Double>)? {
        guard values.count >= 2 else { return nil }
        let n = Double(values.count), mean = values.reduce(0, +) / n
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let half = t975(values.count - 1) * sd / n.squareRoot()
        return (mean, (mean - half)...(mean + half))
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// Sample standard deviation (n - 1); 0 for fewer than two values.
    static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
}
