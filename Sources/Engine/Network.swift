import Dispatch

/// A model with its parameters, gradients and Adam state, trained on batches.
///
/// Determinism: a batch is always cut into `shardCount` shards, whatever the
/// number of threads; each shard's gradient is computed alone into its own
/// buffer (every value in the order of Kernels.h), and the shards are summed
/// in shard order. Up to `shardCount` threads, each takes whole shards; more
/// threads form a team per shard that splits its work by output (Team), never
/// along a sum. Any number of threads, any kernel path, the same seed gives
/// the same bits.
public final class Network: @unchecked Sendable {
    /// Fixed, not the thread count: it decides the reduction order, hence the bits.
    public static let shardCount = 4

    public let plan: ModelPlan
    /// Threads in all: `stacks.count` workers, each with its team.
    public let threads: Int
    public let adam: AdamConfig
    public let kernel: KernelPath
    /// Adam steps taken so far (torch's `state["step"]`).
    public private(set) var step = 0

    public let parameterCount: Int
    private let params: UnsafeMutablePointer<Float>      // [P] every tensor in declaration order, weight then bias
    private let grads: UnsafeMutablePointer<Float>       // [P] the last batch's summed gradient
    private let shardGrads: UnsafeMutablePointer<Float>  // [shardCount, P]
    private let m: UnsafeMutablePointer<Float>           // [P] Adam first moment
    private let v: UnsafeMutablePointer<Float>           // [P] Adam second moment
    private let stacks: [LayerStack]                     // one per worker, min(threads, shardCount)
    private let losses = Buffer<Float>()                 // [batch] per-sample losses of the last call

    /// Parameters initialised as PyTorch does by default for Conv2d and Linear:
    /// weight and bias uniform in +-1/sqrt(fan_in), drawn from the stream `init/<model id>`.
    public init(spec: ModelSpec, seed: UInt64, threads: Int = 1, adam: AdamConfig = AdamConfig(),
                kernel: KernelPath = .fastest) throws {
        plan = try ModelPlan(spec)
        guard spec.input.channels == 1 else {
            throw EngineError.invalidModel(model: spec.id, layer: 0, reason: "input images must have one channel, not \(spec.input.channels)")
        }
        self.threads = max(1, threads)
        self.adam = adam
        self.kernel = kernel
        parameterCount = plan.parameterCount
        params = .allocate(capacity: parameterCount)
        grads = .allocate(capacity: parameterCount)
        shardGrads = .allocate(capacity: Self.shardCount * parameterCount)
        m = .allocate(capacity: parameterCount)
        v = .allocate(capacity: parameterCount)
        grads.initialize(repeating: 0, count: parameterCount)
        m.initialize(repeating: 0, count: parameterCount)
        v.initialize(repeating: 0, count: parameterCount)
        let plan = self.plan
        let threads = self.threads, workers = min(threads, Self.shardCount)
        // The threads past one per shard are dealt to the workers' teams, the first ones first.
        stacks = (0..<workers).map { worker in
            LayerStack(plan, kernel: kernel, team: Team(size: threads / workers + (worker < threads % workers ? 1 : 0)))
        }

        var random = SeededGenerator(seed: seed, stream: "init/\(spec.id)")
        for tensor in plan.parameters {
            let fanIn = tensor.weightShape.dropFirst().reduce(1, *)
            let bound = 1 / Float(fanIn).squareRoot()
            for i in tensor.offset..<(tensor.offset + tensor.weights + tensor.biases) {
                params[i] = (2 * random.nextUnitFloat() - 1) * bound
            }
        }
    }

    deinit {
        for buffer in [params, grads, shardGrads, m, v] { buffer.deallocate() }
    }

    /// Result of one pass over a batch.
    public struct BatchResult: Sendable {
        /// Sum of per-sample losses, added in sample order.
        public var lossSum: Double
        public var correct: Int
    }

    /// Forward, backward and one Adam step on a batch.
    /// images [batch, 1, H, W] normalised; labels [batch].
    @discardableResult
    public func trainStep(images: UnsafeMutablePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int) -> BatchResult {
        let result = computeGradients(images: images, labels: labels, batch: batch)
        applyAdam()
        return result
    }

    /// Fills `gradients` with d(mean loss over the batch)/d(parameters).
    @discardableResult
    public func computeGradients(images: UnsafeMutablePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int) -> BatchResult {
        let result = pass(images: images, labels: labels, batch: batch, training: true)
        let p = parameterCount, shards = shardGrads
        parallel { range in
            for i in range {
                var sum: Float = 0
                for s in 0..<Self.shardCount { sum += shards[s * p + i] }
                self.grads[i] = sum
            }
        }
        return result
    }

    /// One Adam step with the current `gradients`.
    public func applyAdam() {
        step += 1
        let k = Adam(config: adam).coefficients(step: step)
        let (params, grads, m, v) = (self.params, self.grads, self.m, self.v)
        parallel { range in Adam.update(range, k, path: self.kernel, params: params, grads: grads, m: m, v: v) }
    }

    /// Loss and accuracy without touching the parameters, in batches of
    /// `batch`; each sample's predicted class in `predictions` [count] when given.
    public func evaluate(images: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, count: Int, batch: Int,
                         predictions: UnsafeMutablePointer<UInt8>? = nil) -> BatchResult {
        var total = BatchResult(lossSum: 0, correct: 0)
        let pixels = plan.spec.input.count
        var start = 0
        while start < count {
            let n = min(batch, count - start)
            let r = pass(images: UnsafeMutablePointer(mutating: images + start * pixels), labels: labels + start, batch: n, training: false,
                         predictions: predictions.map { $0 + start })
            total.lossSum += r.lossSum
            total.correct += r.correct
            start += n
        }
        return total
    }

    /// Logits [n, classes] of a batch (for tests and inspection).
    public func logits(images: [Float], count n: Int) -> [Float] {
        var input = images
        let classes = plan.classes
        return input.withUnsafeMutableBufferPointer { x in
            let out = stacks[0].forward(x.baseAddress!, n: n, params: params)
            return Array(UnsafeBufferPointer(start: out, count: n * classes))
        }
    }

    /// Shards a batch across the workers. The images are only read: the one
    /// layer that writes its input (ReLU) may not come first (ModelPlan
    /// checks), so sharing the caller's buffer is safe.
    private func pass(images: UnsafeMutablePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int, training: Bool,
                      predictions: UnsafeMutablePointer<UInt8>? = nil) -> BatchResult {
        let losses = losses.reserve(batch)
        let pixels = plan.spec.input.count, p = parameterCount
        let scale = 1 / Float(batch)
        var correct = [Int](repeating: 0, count: Self.shardCount)
        correct.withUnsafeMutableBufferPointer { correct in
            let correctPointer = correct.baseAddress!
            let workers = stacks.count
            parallelFor(workers) { worker in
                for shard in stride(from: worker, to: Self.shardCount, by: workers) {
                    let lo = batch * shard / Self.shardCount, hi = batch * (shard + 1) / Self.shardCount
                    let g: UnsafeMutablePointer<Float>? = training ? shardGrads + shard * p : nil
                    g?.update(repeating: 0, count: p)
                    guard hi > lo else { continue }
                    correctPointer[shard] = stacks[worker].step(
                        images + lo * pixels, labels: labels + lo, n: hi - lo, params: params,
                        gradientScale: scale, losses: losses + lo, grads: g, predictions: predictions.map { $0 + lo })
                }
            }
        }
        var lossSum = 0.0
        for i in 0..<batch { lossSum += Double(losses[i]) }
        return BatchResult(lossSum: lossSum, correct: correct.reduce(0, +))
    }

    /// Splits [0, P) into one contiguous range per thread.
    private func parallel(_ body: (Range<Int>) -> Void) {
        let p = parameterCount, w = threads
        parallelFor(w) { i in body((p * i / w)..<(p * (i + 1) / w)) }
    }

    // MARK: State, for checkpoints, weight files and tests

    public var parameters: [Float] {
        get { Array(UnsafeBufferPointer(start: params, count: parameterCount)) }
        set {
            precondition(newValue.count == parameterCount)
            newValue.withUnsafeBufferPointer { params.update(from: $0.baseAddress!, count: parameterCount) }
        }
    }

    public var gradients: [Float] { Array(UnsafeBufferPointer(start: grads, count: parameterCount)) }

    /// Adam's moments and step, everything needed to continue training exactly.
    public struct OptimizerState: Sendable, Equatable {
        public var step: Int
        public var m: [Float]
        public var v: [Float]

        public init(step: Int, m: [Float], v: [Float]) {
            self.step = step
            self.m = m
            self.v = v
        }
    }

    public var optimizerState: OptimizerState {
        get {
            OptimizerState(step: step, m: Array(UnsafeBufferPointer(start: m, count: parameterCount)),
                           v: Array(UnsafeBufferPointer(start: v, count: parameterCount)))
        }
        set {
            precondition(newValue.m.count == parameterCount && newValue.v.count == parameterCount)
            step = newValue.step
            newValue.m.withUnsafeBufferPointer { m.update(from: $0.baseAddress!, count: parameterCount) }
            newValue.v.withUnsafeBufferPointer { v.update(from: $0.baseAddress!, count: parameterCount) }
        }
    }
}
