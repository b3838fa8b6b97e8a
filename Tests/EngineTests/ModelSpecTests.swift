import Foundation
import Testing
@testable import Engine

@Suite("The homework models, derived from their declarations")
struct ModelSpecTests {
    @Test("parameter and MAC counts match the homework", arguments: [
        (ModelSpec.model1, 822_346, 822_176, 15_479_936),
        (ModelSpec.model2, 225_802, 225_608, 5_676_800),
        (ModelSpec.model3, 439_434, 439_200, 7_853_184),
    ])
    func counts(spec: ModelSpec, parameters: Int, weights: Int, macs: Int) throws {
        let summary = try ModelPlan(spec)
        #expect(summary.parameterCount == parameters)
        #expect(summary.weightCount == weights)
        #expect(summary.forwardMACs == macs)
        #expect(summary.classes == 10)
    }

    @Test("the plan says how each layer executes: algorithm, fused ReLU, offsets in declaration order")
    func plan() throws {
        let plan = try ModelPlan(.model3)
        #expect(plan.parameters.map(\.name) == ["conv1", "res1.conv1", "res1.conv2", "res2.conv1", "res2.conv2", "fc1", "fc2"])
        #expect(plan.steps.count == 8, "conv1+ReLU, pool, res1, res2, flatten, fc1+ReLU kept apart, relu, fc2")
        guard case let .conv(first) = plan.steps[0].operation, case let .residual(_, c1, c2) = plan.steps[2].operation else {
            Issue.record("unexpected plan: \(plan)")
            return
        }
        #expect(first.algorithm == .im2col && first.fusedReLU && !first.needsInputGradient && plan.steps[0].declared == 0...1)
        #expect(c1.algorithm == .winograd && c1.fusedReLU && !c2.fusedReLU && c2.needsInputGradient)
        #expect(plan.parameters.map(\.offset) == [0, 320, 9568, 18816, 28064, 37312, 438_784])
        #expect(plan.parameters[5].fanInShape == [32, 14, 14])
        let text = plan.description
        #expect(text.contains("res1.conv1 conv 3x3/1 pad 1 + ReLU") && text.contains("as Winograd F(4x4,3x3)"))
        #expect(text.contains("439,434 parameters"))
    }

    static let forgedLayers: [[LayerSpec]] = [
        [.conv("conv1", 1, 1 << 50), .flatten, .linear("fc", 10, 10)],
        [.conv("conv1", 1, 4, kernel: 3, stride: 1, padding: Int.max / 2), .flatten, .linear("fc", 10, 10)],
        [.conv("conv1", 1, 1 << 16), .flatten, .linear("fc", (1 << 16) * 784, 1 << 10)],
        [.conv("conv1", 1, 4), .flatten, .linear("fc", 4 * 784, 1 << 50)],
    ]

    @Test("forged sizes (2^50 channels, padding near Int's limit, a huge linear layer) are refused with the layer named, never wrapped to negative counts",
          arguments: Self.forgedLayers)
    func forgedSizes(layers: [LayerSpec]) {
        let forged = ModelSpec(id: "forged", title: "Forged", layers: layers)
        let error = #expect(throws: EngineError.self) { try ModelPlan(forged) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix("model forged, layer ") && (text.contains("exceeds") || text.contains("past")), "\(text)")
    }

    @Test("a declaration whose shapes do not fit is rejected with the layer named")
    func invalid() {
        let bad = ModelSpec(id: "bad", title: "Bad", layers: [.conv("conv1", 3, 8), .flatten, .linear("fc", 10, 10)])
        #expect(throws: EngineError.invalidModel(model: "bad", layer: 0,
                                                 reason: "conv conv1 expects 3 input channels, the previous layer gives 1x28x28")) {
            try ModelPlan(bad)
        }
        let noHead = ModelSpec(id: "nohead", title: "", layers: [.conv("conv1", 1, 8)])
        #expect(throws: EngineError.self) { try ModelPlan(noHead) }
        // 28 + 0 - 29 = -1, and -1 / 2 + 1 = 1 in Swift: without its own check this kernel would read past the image.
        let wideKernel = ModelSpec(id: "wide", title: "", layers: [.conv("conv1", 1, 4, kernel: 29, stride: 2, padding: 0), .flatten, .linear("fc", 4, 10)])
        #expect(throws: EngineError.invalidModel(model: "wide", layer: 0, reason: "conv conv1: kernel 29 is larger than the input 1x28x28 padded by 0")) {
            try ModelPlan(wideKernel)
        }
        let reluFirst = ModelSpec(id: "relu", title: "", layers: [.relu, .flatten, .linear("fc", 784, 10)])
        #expect(throws: EngineError.invalidModel(model: "relu", layer: 0, reason: "relu cannot be the first layer (it works in place on its input)")) {
            try ModelPlan(reluFirst)
        }
    }

    /// The coders as the project configures them (Training's JSON helper).
    static func coders() -> (JSONEncoder, JSONDecoder) {
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (encoder, decoder)
    }

    @Test("layers are JSON objects with PyTorch's argument names, and decode back")
    func layerJSON() throws {
        let (encoder, decoder) = Self.coders()
        let conv = String(decoding: try encoder.encode(LayerSpec.conv("conv1", 1, 32)), as: UTF8.self)
        #expect(conv == #"{"in_channels":1,"kernel_size":3,"name":"conv1","out_channels":32,"padding":1,"stride":1,"type":"conv"}"#)
        let pool = String(decoding: try encoder.encode(LayerSpec.maxPool(2)), as: UTF8.self)
        #expect(pool == #"{"kernel_size":2,"type":"max_pool"}"#)
        for spec in [ModelSpec.model1, .model2, .model3] {
            #expect(try decoder.decode(ModelSpec.self, from: encoder.encode(spec)) == spec)
        }
    }

    @Test("an unknown layer type or a missing field is an error that names it")
    func badLayerJSON() {
        let (_, decoder) = Self.coders()
        #expect {
            try decoder.decode(LayerSpec.self, from: Data(#"{"type":"dropout"}"#.utf8))
        } throws: { String(describing: $0).contains("unknown layer type \"dropout\"") }
        #expect {
            try decoder.decode(LayerSpec.self, from: Data(#"{"type":"linear","name":"fc1","in_features":3}"#.utf8))
        } throws: { String(describing: $0).contains("outFeatures") }
    }
}
