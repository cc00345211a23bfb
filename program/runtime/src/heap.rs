//! The global allocator: [`talc`] over `[_end, HEAP_END)`.
//!
//! The region is claimed on the first allocation (talc's `ClaimOnOom`), so a program that
//! never allocates never touches it. Freed memory is reused (talc keeps binned free lists and
//! merges neighbours). The guest has one hart and no interrupts, so the allocator is used
//! without a lock.

use core::{
    alloc::{GlobalAlloc, Layout},
    cell::UnsafeCell,
    cmp::Ordering,
    ptr::{null_mut, NonNull},
};

use talc::{ClaimOnOom, Span, Talc};

#[cfg(not(feature = "qemu"))]
extern "C" {
    /// The end of `.bss`, 16-byte aligned (defined in `link.x`).
    static mut _end: u8;
}

/// The heap's extent.
#[cfg(not(feature = "qemu"))]
const HEAP: Span = Span::new(&raw mut _end, axon_abi::memory::HEAP_END as usize as *mut u8);

/// Under qemu-user nothing is mapped above `_end`: use a static array instead.
#[cfg(feature = "qemu")]
static mut QEMU_HEAP: [u8; 16 << 20] = [0; 16 << 20];
#[cfg(feature = "qemu")]
const HEAP: Span = Span::from_array(&raw mut QEMU_HEAP);

/// `Talc` behind an `UnsafeCell`: sound because nothing runs concurrently with the program.
struct Heap(UnsafeCell<Talc<ClaimOnOom>>);

// SAFETY: one hart, no threads, no interrupts: the allocator is never entered twice at once.
unsafe impl Sync for Heap {}

#[global_allocator]
// SAFETY: `HEAP` is memory nothing else uses (see `link.x` and `axon_abi::memory`).
static ALLOCATOR: Heap = Heap(UnsafeCell::new(Talc::new(unsafe { ClaimOnOom::new(HEAP) })));

impl Heap {
    /// The allocator.
    ///
    /// # Safety
    /// No other reference from `talc()` may be live (each `GlobalAlloc` method takes one and
    /// drops it before returning; talc never calls back into the global allocator).
    #[allow(clippy::mut_from_ref)]
    unsafe fn talc(&self) -> &mut Talc<ClaimOnOom> {
        // SAFETY: see above.
        unsafe { &mut *self.0.get() }
    }
}

// SAFETY: delegates to talc, whose `malloc`/`free`/`grow`/`shrink` uphold the `GlobalAlloc`
// contract given the caller's.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller guarantees a non-zero size.
        unsafe { self.talc().malloc(layout).map_or(null_mut(), NonNull::as_ptr) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` came from `alloc` with `layout`.
        unsafe { self.talc().free(NonNull::new_unchecked(ptr), layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `ptr` came from `alloc` with `layout` and that
        // `new_size` is non-zero; talc's `grow` copies when it cannot grow in place.
        unsafe {
            let ptr = NonNull::new_unchecked(ptr);
            match new_size.cmp(&layout.size()) {
                Ordering::Greater => {
                    self.talc().grow(ptr, layout, new_size).map_or(null_mut(), NonNull::as_ptr)
                }
                Ordering::Less => {
                    self.talc().shrink(ptr, layout, new_size);
                    ptr.as_ptr()
                }
                Ordering::Equal => ptr.as_ptr(),
            }
        }
    }
}
