import ArgumentParser
import Engine

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Print the network that runs: each model compiled into its plan.",
        discussion: """
        One line per executed step with its input and output shape, its parameters and \
        their offset in the flat parameter vector; each convolution says its algorithm \
        (im2col + GEMM, or Winograd F(4x4,3x3) as 36 GEMMs) and whether its ReLU is fused.
        Example: report model 3
        """)

    @Argument(help: ArgumentHelp("Models: 1, 2, 3, a list like 1,3, or all.", valueName: "models"), transform: ModelList.transform)
    var models: ModelList = .all

    func run() throws {
        Console.current.line(try models.specs.map { try ModelPlan($0).description }.joined(separator: "\n\n"))
    }
}
