//! Hints to the processor to start loading the head or tail of a queue that the weekly step will
//! read or write a little later (at England's scale those ends are usually not in cache:
//! docs/PERFORMANCE.md). A hint never changes a result: it loads nothing the program sees, and a
//! wrong address costs nothing but the hint.

use std::collections::VecDeque;

/// Start loading the cache line of the queue's first element (where `pop_front` and `front`
/// read). An empty queue: a hint for where its next element will go, harmless.
#[inline]
pub(super) fn front<T>(queue: &VecDeque<T>) {
    line(queue.as_slices().0.as_ptr());
}

/// Start loading the first two cache lines of a slice (the first few elements a scan reads,
/// before the processor's own prefetching takes over).
#[inline]
pub(super) fn start<T>(items: &[T]) {
    let p = items.as_ptr().cast::<u8>();
    line(p);
    line(p.wrapping_add(64));
}

/// Start loading the cache line just past the queue's last element (where `push_back` writes
/// while the queue has room; after a wrap the write goes elsewhere and the hint is wasted).
#[inline]
pub(super) fn back<T>(queue: &VecDeque<T>) {
    let (a, b) = queue.as_slices();
    let end = if b.is_empty() {
        a.as_ptr_range().end
    } else {
        b.as_ptr_range().end
    };
    line(end);
}

#[inline]
fn line<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint: it never faults and reads nothing the program sees,
        // whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
