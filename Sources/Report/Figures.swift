import Charts
import Engine
import RunArchive
import Support
import Training

/// The figures of the report, as chart data built from a run.
public enum Figures {
    public struct Named: Sendable {
        /// File name under figures/, without extension.
        public let name: String
        public let figure: Figure
    }

    /// One curve set: a model and its metrics per epoch.
    public typealias Curves = (spec: ModelSpec, metrics: [EpochMetrics])

    public static func all(_ models: [Curves]) -> [Named] {
        let perModel = models.map { model in
            Named(name: model.spec.id, figure: Figure(panels: [
                .line(LineChart(title: "\(model.spec.title): train loss", xLabel: "epoch", yLabel: "mean batch loss",
                                series: [Series("train loss", perEpoch: model.metrics.map(\.trainLoss))])),
                .line(LineChart(title: "\(model.spec.title): test accuracy", xLabel: "epoch", yLabel: "test accuracy (%)",
                                series: [Series("test accuracy", perEpoch: model.metrics.map { 100 * $0.testAccuracy })])),
            ]))
        }
        let accuracies = models.flatMap { $0.metrics.map { 100 * $0.testAccuracy } }
        let zoomFloor = max(0, min(97, ((accuracies.min() ?? 97) * 2).rounded(.down) / 2))
        let comparison = Named(name: "comparison", figure: Figure(panels: [
            .line(LineChart(title: "Train loss (log scale)", xLabel: "epoch", yLabel: "mean batch loss",
                            series: models.map { Series($0.spec.title, perEpoch: $0.metrics.map(\.trainLoss)) }, logY: true)),
            .line(LineChart(title: "Test accuracy (zoomed)", xLabel: "epoch", yLabel: "test accuracy (%)",
                            series: models.map { Series($0.spec.title, perEpoch: $0.metrics.map { 100 * $0.testAccuracy }) },
                            yRange: zoomFloor...100)),
        ]))
        let timings = Named(name: "timings", figure: Figure(panels: [
            .bar(BarChart(title: "Training time per epoch", yLabel: "seconds (mean over epochs)",
                          bars: models.map { ($0.spec.title, mean($0.metrics.map(\.trainSeconds))) }, valueSuffix: " s")),
        ], panelWidth: 420))
        return perModel + [comparison, timings]
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
