/// The constants that fix the order of every floating-point sum in training,
/// hence its bits. A run's configuration records them (they are part of its
/// id), so changing one gives new runs instead of reusing old ones.
public struct ReductionOrder: Codable, Hashable, Sendable {
    /// Shards a batch is cut into, whatever the thread count; their gradients are summed in shard order.
    /// (The chunks a convolution works in are not here: a weight gradient's
    /// FMA chain continues from one chunk to the next, so they change no bit.)
    public var shards: Int
    /// Bytes per chunk of an im2col and of a Winograd convolution, as archives
    /// written under kernel contract 1 recorded them (their ids include them);
    /// nil in new runs.
    public var convChunkBytes: Int?
    public var winogradChunkBytes: Int?
    /// The version of the kernels' summation contract (Sources/Kernels/include/Kernels.h).
    public var kernelContract: Int

    public static let current = ReductionOrder(
        shards: Network.shardCount, convChunkBytes: nil, winogradChunkBytes: nil, kernelContract: KernelPath.contractVersion)
}
