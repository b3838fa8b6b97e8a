import CCairo
import Foundation

public enum ChartError: Error, CustomStringConvertible, Equatable {
    case cairo(String)
    case invalidFigure(String)

    public var description: String {
        switch self {
        case let .cairo(message): return "drawing with Cairo failed: \(message)"
        case let .invalidFigure(message): return "cannot draw the figure: \(message)"
        }
    }
}

/// A rendered figure and what could not be drawn faithfully (skipped points).
public struct Rendered: Sendable {
    public var png: [UInt8]
    public var warnings: [String]
}

/// Draws figures with Cairo: the figure's font (DejaVu Sans unless a language
/// needs another), anti-aliased, sizes in points.
/// The output depends on nothing but the figure (no time, no paths), so the
/// same data gives byte-identical PNG files.
public enum Renderer {
    public static func png(_ figure: Figure) throws -> Rendered {
        guard !figure.panels.isEmpty else { throw ChartError.invalidFigure("a figure needs at least one panel") }
        guard figure.scale > 0, figure.panelWidth >= 120, figure.height >= 100 else {
            throw ChartError.invalidFigure("panels must be at least 120x100 points and the scale positive")
        }
        let width = Int32((figure.width * figure.scale).rounded()), height = Int32((figure.height * figure.scale).rounded())
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height) else {
            throw ChartError.cairo("no image surface")
        }
        defer { cairo_surface_destroy(surface) }
        let warnings = try draw(figure, on: surface)
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, data, length in
            guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else { throw ChartError.cairo(String(cString: cairo_status_to_string(status))) }
        return Rendered(png: withPhysicalSize(sink.bytes, scale: figure.scale), warnings: warnings)
    }

    /// Adds a pHYs chunk after IHDR: `scale` pixels per point, so a word
    /// processor or a printer places the figure at its size in points
    /// (72 per inch), not one inch per 72 pixels.
    static func withPhysicalSize(_ png: [UInt8], scale: Double) -> [UInt8] {
        let ihdrEnd = 8 + 4 + 4 + 13 + 4
        guard png.count > ihdrEnd, Array(png[12..<16]) == Array("IHDR".utf8) else { return png }
        let perMeter = UInt32((72 * scale / 0.0254).rounded())
        let bigEndian = { (v: UInt32) in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let body = Array("pHYs".utf8) + bigEndian(perMeter) + bigEndian(perMeter) + [1]
        let chunk = bigEndian(9) + body + bigEndian(crc32(body))
        return Array(png[..<ihdrEnd]) + chunk + Array(png[ihdrEnd...])
    }

    /// The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func draw(_ figure: Figure, on surface: OpaquePointer) throws -> [String] {
        guard let cr = cairo_create(surface) else { throw ChartError.cairo("no drawing context") }
        defer { cairo_destroy(cr) }
        cairo_scale(cr, figure.scale, figure.scale)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_select_font_face(cr, figure.font, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_BEST)
        var warnings: [String] = []
        for (index, panel) in figure.panels.enumerated() {
            let frame = Rect(x: Double(index) * figure.panelWidth, y: 0, width: figure.panelWidth, height: figure.height)
            var canvas = Canvas(cr: cr)
            switch panel {
            case let .line(chart): warnings += canvas.drawLine(chart, in: frame)
            case let .bar(chart): warnings += canvas.drawBars(chart, in: frame)
            case let .heatMap(chart): warnings += canvas.drawHeatMap(chart, in: frame)
            case let .imageGrid(grid): warnings += canvas.drawImageGrid(grid, in: frame)
            }
        }
        let status = cairo_status(cr)
        guard status == CAIRO_STATUS_SUCCESS else { throw ChartError.cairo(String(cString: cairo_status_to_string(status))) }
        return warnings
    }
}

struct Rect {
    var x, y, width, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
}

/// The drawing primitives and the two chart kinds, on one Cairo context.
struct Canvas {
    let cr: OpaquePointer
    let titleSize = 13.0, labelSize = 11.0, tickSize = 9.5

    // MARK: Line charts

    mutating func drawLine(_ chart: LineChart, in frame: Rect) -> [String] {
        var warnings: [String] = []
        // Keep only drawable points; say what was dropped and why.
        let series = chart.series.map { s -> Series in
            let finite = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            if finite.count < s.points.count {
                warnings.append("\(chart.title): \(s.name): skipped \(s.points.count - finite.count) NaN or infinite value(s)")
            }
            let band = s.band.filter { [$0.x, $0.low, $0.high].allSatisfy(\.isFinite) && (!chart.logY || $0.low > 0) }
            guard chart.logY else { return Series(s.name, finite, band: band) }
            let positive = finite.filter { $0.y > 0 }
            if positive.count < finite.count {
                warnings.append("\(chart.title): \(s.name): skipped \(finite.count - positive.count) value(s) <= 0 on the log axis")
            }
            return Series(s.name, positive, band: band)
        }
        let plot = plotArea(frame, title: chart.title, legend: chart.series.count > 1 ? chart.series.map(\.name) : [])
        let all = series.flatMap { s in s.points + s.band.flatMap { [Point($0.x, $0.low), Point($0.x, $0.high)] } }
        drawAxisLabels(chart.xLabel, chart.yLabel, plot: plot, frame: frame)
        guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
              let minY = all.map(\.y).min(), let maxY = all.map(\.y).max() else {
            warnings.append("\(chart.title): no data to draw")
            frameBox(plot)
            text("no data", x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, size: labelSize, align: 0.5, gray: 0.45)
            return warnings
        }

        let xAxis: (range: ClosedRange<Double>, ticks: [Double])
        var xStep = 1.0
        if chart.integerX {
            xAxis = Ticks.integer(minX, maxX)
        } else {
            let t = Ticks.linear(minX, maxX)
            xAxis = (t.range, t.ticks)
            xStep = t.step
        }
        var yTicks: [Double], yRange: ClosedRange<Double>, yStep = 1.0
        if chart.logY {
            let t = Ticks.log(chart.yRange?.lowerBound ?? minY, chart.yRange?.upperBound ?? maxY)
            (yRange, yTicks) = t
        } else {
            let t = Ticks.linear(chart.yRange?.lowerBound ?? minY, chart.yRange?.upperBound ?? maxY)
            (yRange, yTicks, yStep) = (t.range, t.ticks, t.step)
            if let fixed = chart.yRange { yRange = fixed; yTicks = yTicks.filter { fixed.contains($0) } }
        }
        let mapX = { (x: Double) in plot.x + (x - xAxis.range.lowerBound) / (xAxis.range.upperBound - xAxis.range.lowerBound) * plot.width }
        let mapY = { (y: Double) -> Double in
            let (lo, hi, v) = chart.logY
                ? (log10(yRange.lowerBound), log10(yRange.upperBound), log10(y))
                : (yRange.lowerBound, yRange.upperBound, y)
            return plot.maxY - (v - lo) / (hi - lo) * plot.height
        }

        // Grid and ticks.
        cairo_set_line_width(cr, 0.5)
        for t in yTicks {
            line(plot.x, mapY(t), plot.maxX, mapY(t), gray: 0.88)
            text(chart.logY ? Ticks.logLabel(t) : Ticks.label(t, step: yStep), x: plot.x - 5, y: mapY(t) + tickSize * 0.35,
                 size: tickSize, align: 1, gray: 0.25)
        }
        for t in xAxis.ticks {
            line(mapX(t), plot.y, mapX(t), plot.maxY, gray: 0.92)
            text(chart.integerX ? String(Int(t)) : Ticks.label(t, step: xStep), x: mapX(t), y: plot.maxY + tickSize + 4,
                 size: tickSize, align: 0.5, gray: 0.25)
        }
        frameBox(plot)

        // Series, clipped to the plot area.
        cairo_save(cr)
        cairo_rectangle(cr, plot.x, plot.y, plot.width, plot.height)
        cairo_clip(cr)
        for (index, s) in series.enumerated() where s.band.count > 1 {
            let c = Palette.color(index)
            cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.18)
            for (i, b) in s.band.enumerated() {
                if i == 0 { cairo_move_to(cr, mapX(b.x), mapY(b.high)) } else { cairo_line_to(cr, mapX(b.x), mapY(b.high)) }
            }
            for b in s.band.reversed() { cairo_line_to(cr, mapX(b.x), mapY(b.low)) }
            cairo_close_path(cr)
            cairo_fill(cr)
        }
        for (index, s) in series.enumerated() where !s.points.isEmpty {
            let c = Palette.color(index)
            cairo_set_source_rgb(cr, c.r, c.g, c.b)
            cairo_set_line_width(cr, 1.6)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            for (i, p) in s.points.enumerated() {
                if i == 0 { cairo_move_to(cr, mapX(p.x), mapY(p.y)) } else { cairo_line_to(cr, mapX(p.x), mapY(p.y)) }
            }
            cairo_stroke(cr)
            let markerEvery = max(1, s.points.count / 30)
            for (i, p) in s.points.enumerated() where i % markerEvery == 0 || i == s.points.count - 1 {
                marker(index, x: mapX(p.x), y: mapY(p.y))
            }
        }
        cairo_restore(cr)
        return warnings
    }

    // MARK: Bar charts

    mutating func drawBars(_ chart: BarChart, in frame: Rect) -> [String] {
        var warnings: [String] = []
        let plot = plotArea(frame, title: chart.title, legend: [])
        drawAxisLabels("", chart.yLabel, plot: plot, frame: frame)
        let bars = chart.bars.filter { $0.value.isFinite && $0.value >= 0 }
        if bars.count < chart.bars.count {
            warnings.append("\(chart.title): skipped \(chart.bars.count - bars.count) negative, NaN or infinite bar(s)")
        }
        guard let top = bars.map(\.value).max() else {
            warnings.append("\(chart.title): no data to draw")
            frameBox(plot)
            text("no data", x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, size: labelSize, align: 0.5, gray: 0.45)
            return warnings
        }
        let axis = Ticks.linear(0, top * 1.12)
        let mapY = { (y: Double) in plot.maxY - y / axis.range.upperBound * plot.height }
        cairo_set_line_width(cr, 0.5)
        for t in axis.ticks {
            line(plot.x, mapY(t), plot.maxX, mapY(t), gray: 0.88)
            text(Ticks.label(t, step: axis.step), x: plot.x - 5, y: mapY(t) + tickSize * 0.35, size: tickSize, align: 1, gray: 0.25)
        }
        frameBox(plot)
        let slot = plot.width / Double(bars.count)
        for (index, bar) in bars.enumerated() {
            let c = Palette.color(index)
            let x = plot.x + slot * (Double(index) + 0.2), w = slot * 0.6
            cairo_set_source_rgb(cr, c.r, c.g, c.b)
            cairo_rectangle(cr, x, mapY(bar.value), w, plot.maxY - mapY(bar.value))
            cairo_fill(cr)
            text(String(format: "%.1f", bar.value) + chart.valueSuffix, x: x + w / 2, y: mapY(bar.value) - 4,
                 size: tickSize, align: 0.5, gray: 0.15)
            text(bar.label, x: x + w / 2, y: plot.maxY + tickSize + 4, size: tickSize, align: 0.5, gray: 0.25)
        }
        return warnings
    }

    // MARK: Heat maps

    mutating func drawHeatMap(_ chart: HeatMap, in frame: Rect) -> [String] {
        let rows = chart.values.count, columns = chart.values.first?.count ?? 0
        guard rows > 0, columns > 0, chart.values.allSatisfy({ $0.count == columns }),
              chart.rowLabels.count == rows, chart.columnLabels.count == columns else {
            let plot = plotArea(frame, title: chart.title, legend: [])
            frameBox(plot)
            return ["\(chart.title): the matrix and its labels do not match in size; nothing drawn"]
        }
        let area = plotArea(frame, title: chart.title, legend: [])
        let side = min(area.width - 46, area.height)
        let plot = Rect(x: area.x, y: area.y, width: side, height: side)
        drawAxisLabels(chart.xLabel, chart.yLabel, plot: plot, frame: Rect(x: frame.x, y: frame.y, width: frame.width, height: plot.maxY + 44 - frame.y))
        let cellW = plot.width / Double(columns), cellH = plot.height / Double(rows)
        let scaled = { (r: Int, c: Int) in !(chart.separateDiagonal && r == c) }
        let top = max(1, chart.scaleTop ?? (0..<rows).flatMap { r in (0..<columns).filter { scaled(r, $0) }.map { chart.values[r][$0] } }.max() ?? 1)
        let blue = Palette.color(0)
        for r in 0..<rows {
            for c in 0..<columns {
                let v = max(0, chart.values[r][c]), x = plot.x + Double(c) * cellW, y = plot.y + Double(r) * cellH
                // Square-root scale: a few errors must already show.
                let t = scaled(r, c) ? min(1, v / top).squareRoot() : 0
                if scaled(r, c) {
                    cairo_set_source_rgb(cr, 1 - t * (1 - blue.r), 1 - t * (1 - blue.g), 1 - t * (1 - blue.b))
                } else {
                    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9)
                }
                cairo_rectangle(cr, x, y, cellW, cellH)
                cairo_fill(cr)
                if v > 0 {
                    // As large as the cell allows for the number's digits: the few errors are the counts to read.
                    let label = String(format: "%.0f", v)
                    text(label, x: x + cellW / 2, y: y + cellH / 2 + tickSize * 0.35, size: min(labelSize * 1.3, cellH * 0.55, cellW * 1.6 / Double(label.count + 1)), align: 0.5,
                         gray: t > 0.6 ? 1 : 0.15)
                }
            }
            text(chart.rowLabels[r], x: plot.x - 4, y: plot.y + (Double(r) + 0.5) * cellH + tickSize * 0.35, size: tickSize, align: 1, gray: 0.25)
        }
        for c in 0..<columns {
            text(chart.columnLabels[c], x: plot.x + (Double(c) + 0.5) * cellW, y: plot.maxY + tickSize + 4, size: tickSize, align: 0.5, gray: 0.25)
        }
        frameBox(plot)
        // Colour bar: 0 to the largest scaled count.
        let bar = Rect(x: plot.maxX + 14, y: plot.y, width: 10, height: plot.height)
        let steps = 40
        for i in 0..<steps {
            let t = (Double(steps - i) / Double(steps)).squareRoot()
            cairo_set_source_rgb(cr, 1 - t * (1 - blue.r), 1 - t * (1 - blue.g), 1 - t * (1 - blue.b))
            cairo_rectangle(cr, bar.x, bar.y + Double(i) * bar.height / Double(steps), bar.width, bar.height / Double(steps) + 0.5)
            cairo_fill(cr)
        }
        frameBox(bar)
        text(String(format: "%.0f", top), x: bar.maxX + 3, y: bar.y + tickSize * 0.7, size: tickSize, align: 0, gray: 0.25)
        text("0", x: bar.maxX + 3, y: bar.maxY, size: tickSize, align: 0, gray: 0.25)
        return []
    }

    // MARK: Image grids

    mutating func drawImageGrid(_ grid: ImageGrid, in frame: Rect) -> [String] {
        text(grid.title, x: frame.x + frame.width / 2, y: frame.y + 8 + titleSize, size: titleSize, align: 0.5, gray: 0.1)
        guard !grid.cells.isEmpty, grid.columns > 0 else {
            text("nothing to show", x: frame.x + frame.width / 2, y: frame.y + frame.height / 2, size: labelSize, align: 0.5, gray: 0.45)
            return ["\(grid.title): no images"]
        }
        let rows = (grid.cells.count + grid.columns - 1) / grid.columns
        let top = frame.y + 24 + titleSize, captionHeight = tickSize + 6
        let cellW = (frame.width - 16) / Double(grid.columns)
        let cellH = (frame.maxY - top - 6) / Double(rows)
        let side = max(8, min(cellW - 8, cellH - captionHeight - 4))
        var warnings: [String] = []
        for (index, cell) in grid.cells.enumerated() {
            let column = index % grid.columns, row = index / grid.columns
            let x = frame.x + 8 + Double(column) * cellW + (cellW - side) / 2, y = top + Double(row) * cellH
            guard cell.width > 0, cell.height > 0, cell.pixels.count == cell.width * cell.height else {
                warnings.append("\(grid.title): image \(index + 1) has \(cell.pixels.count) pixels, not \(cell.width)x\(cell.height)")
                continue
            }
            let px = side / Double(cell.width), py = side / Double(cell.height)
            for v in 0..<cell.height {
                for u in 0..<cell.width {
                    let ink = 1 - Double(cell.pixels[v * cell.width + u]) / 255
                    guard ink < 0.999 else { continue }
                    cairo_set_source_rgb(cr, ink, ink, ink)
                    cairo_rectangle(cr, x + Double(u) * px, y + Double(v) * py, px + 0.05, py + 0.05)
                    cairo_fill(cr)
                }
            }
            frameBox(Rect(x: x, y: y, width: side, height: side))
            text(cell.caption, x: x + side / 2, y: y + side + tickSize + 2, size: tickSize, align: 0.5, gray: 0.15)
        }
        return warnings
    }

    // MARK: Layout and primitives

    /// Title on top, then the legend row (outside the data, so it never covers
    /// it), then the plot; room on the left and below for ticks and labels.
    func plotArea(_ frame: Rect, title: String, legend: [String]) -> Rect {
        text(title, x: frame.x + frame.width / 2, y: frame.y + 8 + titleSize, size: titleSize, align: 0.5, gray: 0.1)
        var top = frame.y + 16 + titleSize
        if !legend.isEmpty {
            drawLegend(legend, centerX: frame.x + frame.width / 2, y: top + 8)
            top += 18
        }
        return Rect(x: frame.x + 62, y: top + 6, width: frame.width - 62 - 14, height: frame.maxY - 44 - (top + 6))
    }

    func drawLegend(_ names: [String], centerX: Double, y: Double) {
        cairo_set_font_size(cr, tickSize)
        let widths = names.map { name -> Double in
            var extents = cairo_text_extents_t()
            cairo_text_extents(cr, name, &extents)
            return 24 + extents.x_advance + 12
        }
        var x = centerX - widths.reduce(0, +) / 2
        for (index, name) in names.enumerated() {
            let c = Palette.color(index)
            cairo_set_source_rgb(cr, c.r, c.g, c.b)
            cairo_set_line_width(cr, 1.6)
            cairo_move_to(cr, x, y)
            cairo_line_to(cr, x + 18, y)
            cairo_stroke(cr)
            marker(index, x: x + 9, y: y)
            text(name, x: x + 22, y: y + tickSize * 0.35, size: tickSize, align: 0, gray: 0.2)
            x += widths[index]
        }
    }

    func drawAxisLabels(_ xLabel: String, _ yLabel: String, plot: Rect, frame: Rect) {
        if !xLabel.isEmpty {
            text(xLabel, x: plot.x + plot.width / 2, y: frame.maxY - 10, size: labelSize, align: 0.5, gray: 0.15)
        }
        cairo_save(cr)
        cairo_translate(cr, frame.x + 6 + labelSize, plot.y + plot.height / 2)
        cairo_rotate(cr, -Double.pi / 2)
        text(yLabel, x: 0, y: 0, size: labelSize, align: 0.5, gray: 0.15)
        cairo_restore(cr)
    }

    func frameBox(_ r: Rect) {
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35)
        cairo_set_line_width(cr, 0.8)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_stroke(cr)
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, gray: Double) {
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    /// `align`: 0 left, 0.5 centred, 1 right of x; y is the baseline.
    func text(_ string: String, x: Double, y: Double, size: Double, align: Double, gray: Double) {
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, string, &extents)
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_move_to(cr, x - extents.x_advance * align, y)
        cairo_show_text(cr, string)
    }

    /// Circle, square, triangle, diamond: a second cue besides colour.
    func marker(_ index: Int, x: Double, y: Double) {
        let r = 2.8
        switch index % 4 {
        case 0: cairo_arc(cr, x, y, r, 0, 2 * Double.pi)
        case 1: cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r)
        case 2:
            cairo_move_to(cr, x, y - r * 1.2)
            cairo_line_to(cr, x + r * 1.1, y + r * 0.8)
            cairo_line_to(cr, x - r * 1.1, y + r * 0.8)
            cairo_close_path(cr)
        default:
            cairo_move_to(cr, x, y - r * 1.3)
            cairo_line_to(cr, x + r * 1.1, y)
            cairo_line_to(cr, x, y + r * 1.3)
            cairo_line_to(cr, x - r * 1.1, y)
            cairo_close_path(cr)
        }
        cairo_fill(cr)
    }
}
