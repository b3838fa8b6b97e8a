import Engine
/// What the original write-up states, as data, so every claim can be checked
/// against a run. Source: ../shared/seed/ (hw2-writeup.txt and its README).
public enum Original {
    public static let course = "Swe3050 Fundamentals of machine learning"
    public static let assignment = "HW2"

    public struct ModelResult: Sendable {
        public let id: ModelID
        public let finalTrainLoss: Double
        public let finalTestAccuracy: Double
        /// As printed under the plots, rounded to 4 decimals by PyTorch.
        public let lastBatchLoss: Double
        /// The "total" row of the write-up's parameter table (weights only).
        public let statedWeightTotal: Int
    }

    public static let results: [ModelResult] = [
        ModelResult(id: "model1", finalTrainLoss: 0.0025606804678304364, finalTestAccuracy: 0.9901, lastBatchLoss: 0.0002, statedWeightTotal: 819_176),
        ModelResult(id: "model2", finalTrainLoss: 0.0038296734294880016, finalTestAccuracy: 0.9924, lastBatchLoss: 0.0299, statedWeightTotal: 225_608),
        ModelResult(id: "model3", finalTrainLoss: 0.0010124977973414021, finalTestAccuracy: 0.9904, lastBatchLoss: 0.0046, statedWeightTotal: 439_200),
    ]

    public static func result(_ id: ModelID) -> ModelResult? { results.first { $0.id == id } }

    /// The write-up's typo in Model 1's FC 1 row ("61*14*14*64" for 64*14*14*64).
    public static let typedFormulas = ["model1/fc1": "61*14*14*64"]
}
