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

    public static func all(_ models: [Curves], language: Language = .en, confusion: [(title: String, matrix: [[Int]])] = [],
                           missed: [Missed] = []) -> [Named] {
        let ko = language == .ko
        let font = font(language)
        // One accuracy range for every per-model figure, with headroom, so they compare by eye.
        let accuracies = models.flatMap { $0.metrics.flatMap { [100 * $0.testAccuracy, 100 * $0.trainAccuracy] } }
        // Headroom below the lowest point, so no point sits on the frame.
        let floor = max(0, min(97, ((accuracies.min() ?? 97) * 2).rounded(.down) / 2 - 0.5))
        let sharedRange = floor...100.0
        let perModel = models.map { model in
            Named(name: model.spec.id.rawValue, figure: Figure(panels: [
                .line(LineChart(title: ko ? "\(model.spec.title): loss (log 축)" : "\(model.spec.title): loss (log scale)",
                                xLabel: "epoch", yLabel: ko ? "loss" : "mean loss",
                                series: [Series(ko ? "train (batch 평균)" : "train (batch mean)", perEpoch: model.metrics.map(\.trainLoss)),
                                         Series("test", perEpoch: model.metrics.map(\.testLoss))], logY: true)),
                .line(LineChart(title: ko ? "\(model.spec.title): accuracy" : "\(model.spec.title): accuracy", xLabel: "epoch",
                                yLabel: "accuracy (%)",
                                series: [Series("train", perEpoch: model.metrics.map { 100 * $0.trainAccuracy }),
                                         Series("test", perEpoch: model.metrics.map { 100 * $0.testAccuracy })],
                                yRange: sharedRange)),
            ], font: font))
        }
        let testAccuracies = models.flatMap { $0.metrics.map { 100 * $0.testAccuracy } }
        let zoomFloor = max(0, min(97, ((testAccuracies.min() ?? 97) * 2).rounded(.down) / 2))
        let comparison = Named(name: "comparison", figure: Figure(panels: [
            .line(LineChart(title: ko ? "Train loss (log 축)" : "Train loss (log scale)", xLabel: "epoch", yLabel: ko ? "batch 평균 loss" : "mean batch loss",
                            series: models.map { Series($0.spec.title, perEpoch: $0.metrics.map(\.trainLoss)) }, logY: true)),
            .line(LineChart(title: ko ? "Test accuracy (확대)" : "Test accuracy (zoomed)", xLabel: "epoch", yLabel: "test accuracy (%)",
                            series: models.map { Series($0.spec.title, perEpoch: $0.metrics.map { 100 * $0.testAccuracy }) },
                            yRange: zoomFloor...100)),
        ], font: font))
        let timings = Named(name: "timings", figure: Figure(panels: [
            .bar(BarChart(title: ko ? "Epoch당 학습 시간" : "Training time per epoch", yLabel: ko ? "초 (epoch 평균)" : "seconds (mean over epochs)",
                          bars: models.map { ($0.spec.title, Statistics.mean($0.metrics.map(\.trainSeconds))) }, valueSuffix: " s")),
        ], panelWidth: 420, font: font))
        var figures = perModel + [comparison, timings]
        if !confusion.isEmpty {
            let digits = (0..<10).map(String.init)
            figures.append(Named(name: "confusion", figure: Figure(panels: confusion.map { model in
                .heatMap(HeatMap(title: model.title, xLabel: ko ? "예측" : "predicted", yLabel: ko ? "정답" : "true",
                                 rowLabels: digits, columnLabels: digits, values: model.matrix.map { $0.map(Double.init) }))
            }, panelWidth: 330, height: 300, font: font)))
        }
        if !missed.isEmpty {
            figures.append(Named(name: "missed", figure: Figure(panels: [
                .imageGrid(ImageGrid(title: ko ? "가장 많은 모델이 틀린 test 이미지" : "Test images most models get wrong", columns: 8,
                                     cells: missed.map { .init(pixels: $0.pixels, width: 28, height: 28, caption: $0.caption) })),
            ], panelWidth: 760, height: 60 + 74 * Double((missed.count + 7) / 8), font: font)))
        }
        return figures
    }
}
