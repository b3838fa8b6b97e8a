import Engine
import Foundation
import RunArchive
import Support
import Training

/// The architecture of each model as it executes, derived from its compiled
/// plan (nothing here is written by hand).
struct ArchitectureSection {
    struct Row { let step, layer, output, parameters: String }
    struct Model { let title: String; let rows: [Row] }

    let models: [Model]

    init(_ plans: [ModelPlan], language: Language) {
        let text = { (message: Message, values: [String: any CatalogValue]) in Catalog.text(message, language, values) }
        func conv(_ c: ModelPlan.Convolution, _ prefix: String = "") -> String {
            prefix + text(.layerConv, ["name": c.parameter.name, "k": String(c.kernel), "stride": String(c.stride), "padding": String(c.padding),
                                       "cin": String(c.cin), "cout": String(c.cout), "relu": c.fusedReLU ? text(.layerThenReLU, [:]) : ""])
        }
        func shape(_ s: Shape) -> String { s.height == 1 && s.width == 1 ? "\(s.channels)" : "\(s.channels)×\(s.height)×\(s.width)" }
        func count(_ n: Int) -> String { TextFormat.thousands(n) }
        models = plans.map { plan in
            var rows: [Row] = [Row(step: "", layer: text(.layerInput, [:]), output: shape(plan.spec.input), parameters: "")]
            for (i, step) in plan.steps.enumerated() {
                let n = String(i + 1)
                switch step.operation {
                case let .conv(c):
                    rows.append(Row(step: n, layer: conv(c), output: shape(step.output), parameters: count(c.parameter.weights + c.parameter.biases)))
                case .relu:
                    rows.append(Row(step: n, layer: "ReLU", output: shape(step.output), parameters: ""))
                case let .maxPool(size):
                    rows.append(Row(step: n, layer: text(.layerMaxPool, ["size": String(size)]), output: shape(step.output), parameters: ""))
                case let .residual(name, c1, c2):
                    rows.append(Row(step: n, layer: text(.layerResidual, ["name": name]), output: shape(step.output),
                                    parameters: count(c1.parameter.weights + c1.parameter.biases + c2.parameter.weights + c2.parameter.biases)))
                    rows.append(Row(step: "", layer: conv(c1, "· "), output: shape(c1.output), parameters: ""))
                    rows.append(Row(step: "", layer: conv(c2, "· "), output: shape(c2.output), parameters: ""))
                case .flatten:
                    rows.append(Row(step: n, layer: text(.layerFlatten, [:]), output: shape(step.output), parameters: ""))
                case let .linear(p, _):
                    rows.append(Row(step: n, layer: text(.layerLinear, ["name": p.name, "input": String(p.weightShape[1]), "output": String(p.weightShape[0])]),
                                    output: shape(step.output), parameters: count(p.weights + p.biases)))
                }
            }
            rows.append(Row(step: "", layer: text(.layerLoss, [:]), output: "", parameters: ""))
            return Model(title: plan.spec.title, rows: rows)
        }
    }
}

/// What each model gets wrong at its final epoch, from the stored test predictions.
struct ErrorsSection {
    static let shown = 24

    /// One digit's row of the per-class table: its test images and each model's accuracy on them.
    struct ClassRow {
        struct Cell { let accuracy: String }
        let digit, count: String
        let cells: [Cell]
    }

    let confusion: [ModelID: [[Int]]]   // by model id: [true class][predicted class]
    let perClass: [ClassRow]
    let confusedMost: String
    /// Test images that the most models get wrong at the final epoch: index, true label, each model's prediction.
    let hardest: [(index: Int, label: UInt8, predicted: [UInt8])]

    init?(models: [UnitRecord], labels: [UInt8]?, language: Language) {
        guard let labels, !models.isEmpty,
              models.allSatisfy({ ($0.predictions.last?.count ?? 0) == labels.count }) else { return nil }
        var confusion: [ModelID: [[Int]]] = [:]
        for model in models {
            var matrix = Array(repeating: Array(repeating: 0, count: 10), count: 10)
            for (label, predicted) in zip(labels, model.predictions.last ?? []) where label < 10 && predicted < 10 {
                matrix[Int(label)][Int(predicted)] += 1
            }
            confusion[model.spec.id] = matrix
        }
        self.confusion = confusion
        perClass = (0..<10).map { digit in
            ClassRow(digit: String(digit), count: String(labels.filter { Int($0) == digit }.count), cells: models.map { model in
                let row = confusion[model.spec.id]?[digit] ?? []
                let total = row.reduce(0, +)
                return ClassRow.Cell(accuracy: total == 0 ? "-" : String(format: "%.2f%%", 100 * Double(row[digit]) / Double(total)))
            })
        }
        var pairs: [(true: Int, predicted: Int, count: Int)] = []
        for t in 0..<10 {
            for p in 0..<10 where p != t {
                pairs.append((t, p, models.reduce(0) { $0 + (confusion[$1.spec.id]?[t][p] ?? 0) }))
            }
        }
        let finals = models.compactMap(\.predictions.last)
        let wrong = labels.indices.map { i in finals.filter { $0[i] != labels[i] }.count }
        hardest = labels.indices.filter { wrong[$0] > 0 }.sorted { (wrong[$0], $1) > (wrong[$1], $0) }.prefix(Self.shown)
            .map { i in (i, labels[i], finals.map { $0[i] }) }
        let top = pairs.sorted { ($0.count, $1.true, $1.predicted) > ($1.count, $0.true, $0.predicted) }.prefix(3)
        confusedMost = top.map { Catalog.text(.confusedItem, language, ["true": String($0.true), "predicted": String($0.predicted), "count": String($0.count)]) }
            .joined(separator: ", ")
    }
}
