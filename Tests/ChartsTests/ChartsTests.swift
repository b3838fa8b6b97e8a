import CCairo
import Foundation
import Testing
@testable import Charts

/// Decodes a PNG with Cairo into ARGB pixels.
struct Image {
    let width: Int, height: Int
    let pixels: [UInt32]

    init(png: [UInt8]) throws {
        final class Source { var bytes: [UInt8]; var offset = 0; init(_ b: [UInt8]) { bytes = b } }
        let source = Source(png)
        let surface = cairo_image_surface_create_from_png_stream({ closure, data, length in
            let s = Unmanaged<Source>.fromOpaque(closure!).takeUnretainedValue()
            guard s.offset + Int(length) <= s.bytes.count else { return CAIRO_STATUS_READ_ERROR }
            for i in 0..<Int(length) { data![i] = s.bytes[s.offset + i] }
            s.offset += Int(length)
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(source).toOpaque())
        defer { cairo_surface_destroy(surface) }
        try #require(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, "not a valid PNG")
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var pixels = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                pixels[y * width + x] = (data + y * stride + 4 * x).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
            }
        }
        self.pixels = pixels
    }

    func rgb(_ x: Int, _ y: Int) -> (Int, Int, Int) {
        let p = pixels[y * width + x]
        return (Int(p >> 16 & 0xFF), Int(p >> 8 & 0xFF), Int(p & 0xFF))
    }

    /// Is a pixel close to `color` within `radius` pixels of (x, y)?
    func has(_ color: (r: Double, g: Double, b: Double), near x: Int, _ y: Int, radius: Int = 4) -> Bool {
        let target = (Int(color.r * 255), Int(color.g * 255), Int(color.b * 255))
        for dy in -radius...radius {
            for dx in -radius...radius where (0..<width).contains(x + dx) && (0..<height).contains(y + dy) {
                let c = rgb(x + dx, y + dy)
                if abs(c.0 - target.0) + abs(c.1 - target.1) + abs(c.2 - target.2) < 30 { return true }
            }
        }
        return false
    }
}

@Suite("Charts")
struct ChartsTests {
    let line = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss",
                         series: [Series("a", (1...10).map { Point(Double($0), Double($0)) })])

    @Test("PNGs carry their physical size: 2 pixels per point is 144 dpi")
    func physicalSize() throws {
        let png = try Renderer.png(Figure(panels: [.bar(BarChart(title: "t", yLabel: "y", bars: [("a", 1)]))])).png
        let index = try #require((0..<(png.count - 4)).first { Array(png[$0..<($0 + 4)]) == Array("pHYs".utf8) })
        let perMeter = png[(index + 4)..<(index + 8)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(perMeter == 5669 && png[index + 12] == 1)
        #expect(Renderer.crc32(Array("IEND".utf8)) == 0xAE42_6082, "the CRC of PNG's IEND chunk")
    }

    @Test("Hangul is drawn with the Korean figures' font (fonts-noto-cjk), not as DejaVu Sans' empty boxes")
    func hangul() throws {
        func png(_ title: String, _ font: String) throws -> [UInt8] {
            try Renderer.png(Figure(panels: [.bar(BarChart(title: title, yLabel: "", bars: []))], font: font)).png
        }
        let korean = try png("학습 시간", "Noto Sans CJK KR")
        #expect(korean != (try png("", "Noto Sans CJK KR")), "the Hangul title draws ink")
        // Were the font missing, fontconfig would fall back to DejaVu Sans and draw the same boxes.
        #expect(korean != (try png("학습 시간", "DejaVu Sans")), "no Hangul font: apt-get install fonts-noto-cjk")
    }

    @Test("heat maps and image grids draw, and say what they cannot draw")
    func matricesAndImages() throws {
        let heat = try Renderer.png(Figure(panels: [.heatMap(HeatMap(title: "c", xLabel: "p", yLabel: "t", rowLabels: ["0", "1"],
                                                                     columnLabels: ["0", "1"], values: [[5, 1], [0, 7]]))]))
        #expect(heat.warnings.isEmpty && heat.png.count > 1000)
        let ragged = try Renderer.png(Figure(panels: [.heatMap(HeatMap(title: "c", xLabel: "", yLabel: "", rowLabels: ["0"],
                                                                       columnLabels: ["0", "1"], values: [[1]]))]))
        #expect(ragged.warnings == ["c: the matrix and its labels do not match in size; nothing drawn"])
        let digit = ImageGrid.Cell(pixels: (0..<784).map { UInt8($0 % 256) }, width: 28, height: 28, caption: "4 → 9")
        let bad = ImageGrid.Cell(pixels: [1, 2, 3], width: 28, height: 28, caption: "x")
        let grid = try Renderer.png(Figure(panels: [.imageGrid(ImageGrid(title: "g", columns: 2, cells: [digit, bad]))]))
        #expect(grid.warnings == ["g: image 2 has 3 pixels, not 28x28"])
        let blank = try Renderer.png(Figure(panels: [.imageGrid(ImageGrid(title: "g", columns: 2, cells: []))]))
        #expect(grid.png != blank.png && blank.warnings == ["g: no images"])
    }

    @Test("log-axis labels share one style: plain from 1 to 100, powers of ten outside")
    func logLabels() {
        #expect([1e-6, 1e-3, 0.01, 0.1, 1, 10, 100, 1000, 2e-5].map(Ticks.logLabel) == ["1e−6", "1e−3", "1e−2", "1e−1", "1", "10", "100", "1e3", "2e−5"], "one minus sign, U+2212")
    }

    @Test("one minus sign for the charts and the report: a number's sign and exponent become U+2212, a range's or a name's dash stays")
    func minusSign() {
        #expect(Ticks.label(-0.5, step: 0.5) == "\u{2212}0.5" && Ticks.label(-2e-5, step: 1e-5) == "\u{2212}2e\u{2212}05")
        #expect(MinusSign.inText("eps 1e-08, -0.5, (-3), epochs 3-6, model-3, [2,5]-[3,6]") == "eps 1e\u{2212}08, \u{2212}0.5, (\u{2212}3), epochs 3-6, model-3, [2,5]-[3,6]")
    }

    @Test("a valid PNG of the expected size, at 2x by default")
    func validPNG() throws {
        let rendered = try Renderer.png(Figure(panels: [.line(line)], panelWidth: 300, height: 200))
        #expect(Array(rendered.png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let image = try Image(png: rendered.png)
        #expect(image.width == 600 && image.height == 400)
        #expect(rendered.warnings.isEmpty)
    }

    /// The plot area of a single panel without legend spans x 62...(w-14),
    /// y 35...(h-44) in points (title 13 pt + margins; see Canvas.plotArea).
    /// y = x from 1 to 10 gets y ticks 0...10 and x padded by 3% each side, so
    /// (10, 10) sits near the top-right corner and (1, 1) near the bottom-left.
    @Test("the series colour is drawn where the axis mapping puts known points")
    func axisMapping() throws {
        let image = try Image(png: try Renderer.png(Figure(panels: [.line(line)], panelWidth: 300, height: 200, scale: 1)).png)
        let (left, right, top, bottom) = (62.0, 300.0 - 14, 35.0, 200.0 - 44)
        let xPad = 9 * 0.03
        func px(_ x: Double) -> Int { Int(left + (x - (1 - xPad)) / (9 + 2 * xPad) * (right - left)) }
        func py(_ y: Double) -> Int { Int(bottom - y / 10 * (bottom - top)) }
        let blue = Palette.color(0)
        #expect(image.has(blue, near: px(10), py(10)))
        #expect(image.has(blue, near: px(1), py(1)))
        #expect(image.has(blue, near: px(5), py(5)))
        #expect(!image.has(blue, near: px(2), py(8)), "nothing drawn where no point is")
    }

    @Test("the plot area is not blank")
    func notBlank() throws {
        let image = try Image(png: try Renderer.png(Figure(panels: [.line(line)], scale: 1)).png)
        let colored = image.pixels.filter { p in
            let r = Int(p >> 16 & 0xFF), g = Int(p >> 8 & 0xFF), b = Int(p & 0xFF)
            return max(r, g, b) - min(r, g, b) > 60
        }
        #expect(colored.count > 200)
    }

    @Test("the same data gives byte-identical PNG files")
    func deterministic() throws {
        let figure = Figure(panels: [.line(line), .bar(BarChart(title: "t", yLabel: "s", bars: [("a", 1), ("b", 2)]))])
        #expect(try Renderer.png(figure).png == Renderer.png(figure).png)
    }

    @Test("NaN and infinite values are skipped and reported")
    func nonFinite() throws {
        let chart = LineChart(title: "T", xLabel: "x", yLabel: "y",
                              series: [Series("s", [Point(1, 1), Point(2, .nan), Point(3, .infinity), Point(4, 2)])])
        let rendered = try Renderer.png(Figure(panels: [.line(chart)]))
        #expect(rendered.warnings == ["T: s: skipped 2 NaN or infinite value(s)"])
    }

    @Test("log scale skips values <= 0 and says so")
    func logNonPositive() throws {
        let chart = LineChart(title: "L", xLabel: "x", yLabel: "y",
                              series: [Series("s", [Point(1, 0.1), Point(2, 0), Point(3, -1), Point(4, 0.01)])], logY: true)
        let rendered = try Renderer.png(Figure(panels: [.line(chart)]))
        #expect(rendered.warnings == ["L: s: skipped 2 value(s) <= 0 on the log axis"])
    }

    @Test("empty series draw an empty, labelled panel and a warning")
    func empty() throws {
        let chart = LineChart(title: "E", xLabel: "x", yLabel: "y", series: [Series("s", [])])
        let rendered = try Renderer.png(Figure(panels: [.line(chart)]))
        #expect(rendered.warnings == ["E: no data to draw"])
        #expect(throws: ChartError.self) { try Renderer.png(Figure(panels: [])) }
    }

    @Test("a single point and a constant series get a sensible, non-empty range")
    func degenerate() throws {
        for points in [[Point(1, 0.5)], (1...5).map { Point(Double($0), 3) }] {
            let chart = LineChart(title: "D", xLabel: "x", yLabel: "y", series: [Series("s", points)])
            let rendered = try Renderer.png(Figure(panels: [.line(chart)], scale: 1))
            #expect(rendered.warnings.isEmpty)
            #expect(try Image(png: rendered.png).has(Palette.color(0), near: 62 + (380 - 76) / 2, 35 + (280 - 44 - 35) / 2, radius: 200))
        }
        let constant = Ticks.linear(3, 3)
        #expect(constant.range.lowerBound < 3 && constant.range.upperBound > 3)
    }

    @Test("ticks step by 1, 2 or 5 times a power of ten")
    func niceTicks() {
        #expect(Ticks.linear(0, 1).ticks == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(Ticks.linear(97.3, 99.4).step == 0.5)
        #expect(Ticks.integer(1, 30).ticks == [1, 5, 10, 15, 20, 25, 30])
        #expect(Ticks.log(0.0008, 0.2).ticks == [0.0001, 0.001, 0.01, 0.1, 1])
        #expect(Ticks.label(0.25, step: 0.05) == "0.25")
    }
}
