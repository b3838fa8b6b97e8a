import Engine

/// The write-up's rows of the parameter table: labels numbered as the
/// original numbers them ("Conv 1", "R.B_Conv 3", "FC 1") and the formulas it
/// writes for each weight count ("32*3*3*64", "64*14*14*64").
struct ParameterRow: Hashable, Sendable {
    let label: String
    let formula: String
    let parameter: ParameterInfo

    static func rows(_ plan: ModelPlan) -> [ParameterRow] {
        var convs = 0, linears = 0
        return plan.parameters.map { p in
            let label: String
            switch p.kind {
            case .conv: convs += 1; label = "Conv \(convs)"
            case .residualConv: convs += 1; label = "R.B_Conv \(convs)"
            case .linear: linears += 1; label = "FC \(linears)"
            }
            let formula = (p.fanInShape + [p.weightShape[0]]).map(String.init).joined(separator: "*")
            return ParameterRow(label: label, formula: formula, parameter: p)
        }
    }
}
