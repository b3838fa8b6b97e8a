/// The constants that fix the order of every floating-point sum in training,
/// hence its bits. A run's configuration records them (they are part of its
/// id), so changing one gives new runs instead of reusing old ones.
public struct ReductionOrder: Codable, Hashable, Sendable {
    /// Shards a batch is cut into, whatever the thread count; their gradients are summed in shard order.
    public var shards: Int
    /// Bytes of unfolded input per chunk of an im2col convolution; the weight gradient is summed chunk after chunk.
    public var convChunkBytes: Int
    /// Bytes of transformed tiles per chunk of a Winograd convolution; summed the same way.
    public var winogradChunkBytes: Int
    /// The version of the kernels' summation contract (Sources/Kernels/include/Kernels.h).
    public var kernelContract: Int

    public static let current = ReductionOrder(
        shards: Network.shardCount, convChunkBytes: Conv2D.chunkBytes, winogradChunkBytes: WinogradConv3x3.chunkBytes,
        kernelContract: KernelPath.contractVersion)
}
