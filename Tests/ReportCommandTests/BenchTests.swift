import Foundation
import Support
import Testing
@testable import ReportCommand

@Suite("report bench")
struct BenchTests {
    static func rows(_ lines: [String]) throws -> [BenchCommand.TorchRow] {
        try lines.map { try JSON.decode(BenchCommand.TorchRow.self, from: Data($0.utf8), path: "test") }
    }

    static func timed(_ model: String, _ config: String, _ seconds: Double) -> String {
        #"{"model": "\#(model)", "config": "\#(config)", "torch": "2.13.0+cpu", "threads": 2, "seconds_per_step": 0.1, "epoch_seconds": \#(seconds), "eval_seconds": 1.0, "samples_per_second": 900.0, "gflops": 10.0, "peak_memory_mb": 500.0}"#
    }

    @Test("PyTorch's fastest configuration is picked per model; one that did not run is left out, not fatal")
    func fastestConfiguration() throws {
        let rows = try Self.rows([
            Self.timed("model1", "eager", 60), Self.timed("model1", "channels_last", 45),
            #"{"model": "model1", "config": "compile", "error": "RuntimeError: no C++ compiler"}"#,
            Self.timed("model2", "eager", 25), Self.timed("model2", "channels_last", 30), Self.timed("model2", "compile", 27),
        ])
        let one = BenchCommand.torchModel("model1", rows)
        #expect(one.eager?.epochSeconds == 60)
        #expect(one.best?.config == "channels_last" && one.best?.row.epochSeconds == 45)
        let two = BenchCommand.torchModel("model2", rows)
        #expect(two.best?.config == "eager" && two.best?.row.epochSeconds == 25)
        let none = BenchCommand.torchModel("model3", rows)
        #expect(none.eager == nil && none.best == nil)
    }
}
