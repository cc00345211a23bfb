//! Large tables that start zeroed, mapped straight from the OS (or, where it will not map
//! them, allocated and cleared).
//!
//! Guest memory's page table is 4 MiB, the compiler's 8 MiB and its cold-step counters as
//! large as the program's code, yet a run touches a small part of each. Memory mapped
//! anonymously is zero without being written and costs only the pages touched. A
//! `vec![0; n]` is not that: once the allocator reuses memory a dropped VM freed, it clears
//! all of it, which took longer than running a half-million-step block proof.

use std::ops::{Deref, DerefMut};

use memmap2::MmapMut;

/// Integers: every bit pattern, all zeros included, is a value.
pub(crate) trait Integer: Copy + Default {}
impl Integer for u32 {}
impl Integer for usize {}

/// `len` zeroed integers, in their own mapping or, where the OS would not map them, on the
/// heap.
pub(crate) struct Zeroed<T> {
    items: Items<T>,
}

enum Items<T> {
    /// A mapping of `len` items.
    Mapped { map: MmapMut, len: usize, _items: std::marker::PhantomData<T> },
    /// Allocated and cleared (and the empty table: the OS maps no empty range).
    Heap(Vec<T>),
}

impl<T: Integer> Zeroed<T> {
    /// `len` zeros in their own mapping; fails if the OS will not map them.
    pub(crate) fn new(len: usize) -> std::io::Result<Self> {
        if len == 0 {
            return Ok(Self::default());
        }
        let bytes = len.checked_mul(size_of::<T>()).ok_or(std::io::ErrorKind::OutOfMemory)?;
        let map = MmapMut::map_anon(bytes)?;
        Ok(Self { items: Items::Mapped { map, len, _items: std::marker::PhantomData } })
    }

    /// `len` zeros, mapped if the OS will, else allocated and cleared.
    pub(crate) fn mapped_or_cleared(len: usize) -> Self {
        Self::new(len).unwrap_or_else(|_| Self { items: Items::Heap(vec![T::default(); len]) })
    }
}

impl<T> Default for Zeroed<T> {
    /// No items.
    fn default() -> Self {
        Self { items: Items::Heap(Vec::new()) }
    }
}

impl<T: Integer> Deref for Zeroed<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.items {
            // SAFETY: the mapping is page-aligned, holds `len` items of `T` and lives as long
            // as `self`; every bit pattern is a `T` (`Integer`).
            Items::Mapped { map, len, .. } => unsafe {
                std::slice::from_raw_parts(map.as_ptr().cast(), *len)
            },
            Items::Heap(items) => items,
        }
    }
}

impl<T: Integer> DerefMut for Zeroed<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.items {
            // SAFETY: as in `deref`, and `&mut self` makes the borrow unique.
            Items::Mapped { map, len, .. } => unsafe {
                std::slice::from_raw_parts_mut(map.as_mut_ptr().cast(), *len)
            },
            Items::Heap(items) => items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_zeroed_and_keeps_what_is_written() {
        let mut table = Zeroed::<usize>::new(1 << 20).expect("map");
        assert!(table.iter().all(|&x| x == 0));
        table[12345] = 7;
        assert_eq!(table[12345], 7);
        assert!(Zeroed::<u32>::new(0).expect("empty").is_empty());
        assert_eq!(Zeroed::<u32>::mapped_or_cleared(3)[..], [0, 0, 0]);
    }
}
