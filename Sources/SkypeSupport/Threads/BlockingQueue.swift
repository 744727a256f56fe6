package import Foundation

/// A first-in first-out queue shared by threads, with a capacity so that a fast producer
/// waits for a slow consumer instead of filling memory. Its elements cross threads, hence
/// `Sendable`; the state is guarded by `condition` (a `Mutex` has no wait), hence `@unchecked`.
package final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Taken slots are set to nil at once: a popped shard must not stay alive in the array.
    private var items: [Element?] = []
    private var head = 0
    private var closed = false
    /// The most elements held at once; `push` waits while the queue is full.
    package let capacity: Int

    package init(capacity: Int) {
        precondition(capacity > 0, "a queue needs room for one element")
        self.capacity = capacity
    }

    /// Adds an element, waiting while the queue is full. Returns false if the queue was closed.
    @discardableResult
    package func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count - head >= capacity { condition.wait() }
        if closed { return false }
        items.append(element)
        condition.broadcast()
        return true
    }

    /// Takes the oldest element, waiting for one; nil once the queue is closed and empty.
    package func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count == head { condition.wait() }
        return takeLocked()
    }

    /// Takes the oldest element, waiting at most until `deadline`; nil on time-out or when closed and empty.
    package func pop(before deadline: Date) -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count == head {
            if !condition.wait(until: deadline) { break }
        }
        return takeLocked()
    }

    /// Ends the queue: waiting producers give up, consumers drain what is left and then get nil.
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func takeLocked() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        items[head] = nil
        head += 1
        if head >= 32 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return element
    }
}
