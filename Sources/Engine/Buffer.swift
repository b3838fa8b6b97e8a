/// A growable, uninitialised buffer owned by a layer (Float activations, Int32
/// argmax indices). Layers size their buffers for the largest batch shard they
/// have seen and reuse them, so a training step allocates nothing.
final class Buffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        capacity = 1
        pointer = .allocate(capacity: 1)
    }

    /// The buffer, grown to at least `count` elements (contents not kept).
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: count)
        }
        return pointer
    }

    deinit { pointer.deallocate() }
}
