import Charts
import Engine
import Foundation
import RunArchive
import Support
import Training

/// The figures of the report, as chart data built from a run, with text in
/// the report's language (Korean figures are drawn with a font that has Hangul).
public enum Figures {
    public struct Named: Sendable {
        /// File name under figures/, without extension.
        public let name: String
        public let figure: Figure
    }

    /// One curve set: a model and its metrics per epoch.
    public typealias Curves = (spec: ModelSpec, metrics: [EpochMetrics])

    /// Noto Sans CJK KR has Hangul and Latin (Debian's fonts-noto-cjk); DejaVu Sans has no Hangul.
    static func font(_ language: Language) -> String { language == .ko ? "Noto Sans CJK KR" : "DejaVu Sans" }

    /// A digit the models missed: its pixels and a caption ("4 → 9/9/4": the true digit, then each model's answer).
    public typealias Missed = (pixels: [UInt8], caption: String)

    /// An accuracy axis fitted to the curves it must show: from half a point
    /// below their lowest value (on a half-point grid) to 100.
    static func fitted(_ percentages: [Double]) -> ClosedRange<Double> {
        max(0, min(99, ((percentages.min() ?? 97) * 2).rounded(.down) / 2 - 0.5))...100
    }

    public static func all(_ models: [Curves], language: Language = .en, confusion: [(title: String, matrix: [[Int]])] = [],
                           missed: [Missed] = []) -> [Named] {
        let font = font(language)
        let text = { (message: Message, values: [String: any CatalogValue]) in Catalog.text(message, language, values) }
        let perModel = models.map { model in
            Named(name: model.spec.id.rawValue, figure: Figure(panels: [
                .line(LineChart(title: text(.figureModelLoss, ["model": model.spec.title]), xLabel: text(.figureEpoch, [:]), yLabel: text(.figureMeanLoss, [:]),
                                series: [Series(text(.figureTrainBatchMean, [:]), perEpoch: model.metrics.map(\.trainLoss)),
                                         Series(text(.figureTest, [:]), perEpoch: model.metrics.map(\.testLoss))], logY: true)),
                .line(LineChart(title: text(.figureModelAccuracy, ["model": model.spec.title]), xLabel: text(.figureEpoch, [:]), yLabel: text(.figureAccuracy, [:]),
                                series: [Series(text(.figureTrain, [:]), perEpoch: model.metrics.map { 100 * $0.trainAccuracy }),
                                         Series(text(.figureTest, [:]), perEpoch: model.metrics.map { 100 * $0.testAccuracy })],
                                yRange: fitted(model.metrics.map { 100 * $0.testAccuracy }))),
            ], font: font))
        }
        let comparison = Named(name: "comparison", figure: Figure(panels: [
            .line(LineChart(title: text(.figureTrainLoss, [:]), xLabel: text(.figureEpoch, [:]), yLabel: text(.figureMeanBatchLoss, [:]),
                            series: models.map { Series($0.spec.title, perEpoch: $0.metrics.map(\.trainLoss)) }, logY: true)),
            .line(LineChart(title: text(.figureTestZoomed, [:]), xLabel: text(.figureEpoch, [:]), yLabel: text(.figureTestAccuracy, [:]),
                            series: models.map { Series($0.spec.title, perEpoch: $0.metrics.map { 100 * $0.testAccuracy }) },
                            yRange: fitted(models.flatMap { $0.metrics.map { 100 * $0.testAccuracy } }))),
        ], font: font))
        let timings = Named(name: "timings", figure: Figure(panels: [
            .bar(BarChart(title: text(.figureTimePerEpoch, [:]), yLabel: text(.figureSecondsMean, [:]),
                          bars: models.map { ($0.spec.title, Statistics.mean($0.metrics.map(\.trainSeconds))) }, valueSuffix: text(.figureSecondsUnit, [:]))),
        ], panelWidth: 420, font: font))
        var figures = perModel + [comparison, timings]
        if !confusion.isEmpty {
            let digits = (0..<10).map(String.init)
            // One colour scale for every panel: the largest error count of any model.
            let top = confusion.flatMap { m in m.matrix.enumerated().flatMap { r, row in row.enumerated().filter { $0.offset != r }.map(\.element) } }.max() ?? 1
            figures.append(Named(name: "confusion", figure: Figure(panels: confusion.map { model in
                .heatMap(HeatMap(title: model.title, xLabel: text(.figurePredicted, [:]), yLabel: text(.figureTrue, [:]),
                                 rowLabels: digits, columnLabels: digits, values: model.matrix.map { $0.map(Double.init) }, scaleTop: Double(max(1, top))))
            }, panelWidth: 330, height: 300, font: font)))
        }
        if !missed.isEmpty {
            figures.append(Named(name: "missed", figure: Figure(panels: [
                .imageGrid(ImageGrid(title: text(.figureMissed, [:]), columns: 8,
                                     cells: missed.map { .init(pixels: $0.pixels, width: 28, height: 28, caption: $0.caption) })),
            ], panelWidth: 760, height: 60 + 74 * Double((missed.count + 7) / 8), font: font)))
        }
        return figures
    }
}
