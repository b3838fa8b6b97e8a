/// Charts as plain data: a figure is panels side by side, each a line or bar
/// chart. Rendering is a pure function of these values (see `Renderer`).

public struct Point: Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

public struct Series: Hashable, Sendable {
    public var name: String
    public var points: [Point]
    /// A spread around the line (for example min to max across seeds), drawn
    /// as a translucent band in the series' colour.
    public var band: [Band]

    public struct Band: Hashable, Sendable {
        public var x, low, high: Double
        public init(x: Double, low: Double, high: Double) {
            self.x = x
            self.low = low
            self.high = high
        }
    }

    public init(_ name: String, _ points: [Point], band: [Band] = []) {
        self.name = name
        self.points = points
        self.band = band
    }

    /// y against 1, 2, 3, ... (epochs).
    public init(_ name: String, perEpoch values: [Double]) {
        self.init(name, values.enumerated().map { Point(Double($0.offset + 1), $0.element) })
    }

    /// A mean line with a band from `low` to `high`, against epochs 1, 2, 3, ...
    public init(_ name: String, perEpoch mean: [Double], low: [Double], high: [Double]) {
        self.init(name, mean.enumerated().map { Point(Double($0.offset + 1), $0.element) },
                  band: zip(low, high).enumerated().map { Band(x: Double($0.offset + 1), low: $0.element.0, high: $0.element.1) })
    }
}

public struct LineChart: Hashable, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Logarithmic y axis; non-positive values cannot be drawn on it and are
    /// skipped (and reported), never clamped to a made-up value.
    public var logY = false
    /// A fixed y range (zoom); points outside it are clipped at the plot's edge.
    public var yRange: ClosedRange<Double>?
    /// Ticks on whole numbers only (epochs).
    public var integerX = true

    public init(title: String, xLabel: String, yLabel: String, series: [Series], logY: Bool = false,
                yRange: ClosedRange<Double>? = nil, integerX: Bool = true) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
        self.yRange = yRange
        self.integerX = integerX
    }
}

public struct BarChart: Hashable, Sendable {
    public var title: String
    public var yLabel: String
    public var bars: [(label: String, value: Double)]
    /// Printed above each bar, formatted like "51.2 s".
    public var valueSuffix: String

    public init(title: String, yLabel: String, bars: [(label: String, value: Double)], valueSuffix: String = "") {
        self.title = title
        self.yLabel = yLabel
        self.bars = bars
        self.valueSuffix = valueSuffix
    }

    public static func == (a: BarChart, b: BarChart) -> Bool {
        a.title == b.title && a.yLabel == b.yLabel && a.valueSuffix == b.valueSuffix
            && a.bars.map(\.label) == b.bars.map(\.label) && a.bars.map(\.value) == b.bars.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(title)
        hasher.combine(bars.map(\.label))
        hasher.combine(bars.map(\.value))
    }
}

/// A matrix of counts as coloured cells with the count printed in each, and a
/// colour bar: for example a confusion matrix (rows true class, columns predicted).
public struct HeatMap: Hashable, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// [row][column], non-negative.
    public var values: [[Double]]
    /// Diagonal cells are drawn gray with their count, and the colour scale
    /// covers the other cells only, so small off-diagonal counts stay visible.
    public var separateDiagonal: Bool
    /// The count the colour scale ends at; panels drawn side by side share one
    /// scale when given the same value (nil: this matrix's own largest count).
    public var scaleTop: Double?

    public init(title: String, xLabel: String, yLabel: String, rowLabels: [String], columnLabels: [String],
                values: [[Double]], separateDiagonal: Bool = true, scaleTop: Double? = nil) {
        self.scaleTop = scaleTop
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.separateDiagonal = separateDiagonal
    }
}

/// Small grayscale images in a grid, each with a caption below (for example
/// misclassified digits with their true and predicted labels).
public struct ImageGrid: Hashable, Sendable {
    public struct Cell: Hashable, Sendable {
        /// Row-major, 0 (background) to 255 (full ink), as MNIST stores it; drawn as dark ink on white.
        public var pixels: [UInt8]
        public var width: Int
        public var height: Int
        public var caption: String

        public init(pixels: [UInt8], width: Int, height: Int, caption: String) {
            self.pixels = pixels
            self.width = width
            self.height = height
            self.caption = caption
        }
    }

    public var title: String
    public var columns: Int
    public var cells: [Cell]

    public init(title: String, columns: Int, cells: [Cell]) {
        self.title = title
        self.columns = columns
        self.cells = cells
    }
}

public enum Panel: Hashable, Sendable {
    case line(LineChart)
    case bar(BarChart)
    case heatMap(HeatMap)
    case imageGrid(ImageGrid)
}

/// Panels side by side. Sizes are in points; PNGs are drawn at `scale` pixels
/// per point (2 by default, for high-DPI screens).
public struct Figure: Hashable, Sendable {
    public var panels: [Panel]
    public var panelWidth: Double
    public var height: Double
    public var scale: Double
    /// A fontconfig family that has every glyph of the text (Hangul needs a CJK font).
    public var font: String

    public init(panels: [Panel], panelWidth: Double = 380, height: Double = 280, scale: Double = 2, font: String = "DejaVu Sans") {
        self.panels = panels
        self.panelWidth = panelWidth
        self.height = height
        self.font = font
        self.scale = scale
    }

    public var width: Double { panelWidth * Double(panels.count) }
}

/// Colour-blind-safe (Okabe and Ito 2008), in the order series use them.
public enum Palette {
    public static let colors: [(r: Double, g: Double, b: Double)] = [
        (0.000, 0.447, 0.698),  // blue
        (0.835, 0.369, 0.000),  // vermillion
        (0.000, 0.620, 0.451),  // bluish green
        (0.902, 0.624, 0.000),  // orange
        (0.800, 0.475, 0.655),  // reddish purple
        (0.337, 0.706, 0.914),  // sky blue
    ]

    public static func color(_ index: Int) -> (r: Double, g: Double, b: Double) { colors[index % colors.count] }
}
