//! Large tables that start zeroed, mapped straight from the OS.
//!
//! The page table is 8 MiB and the cold-step counters as large as the program's code, yet a
//! run touches a small part of each. Memory mapped anonymously is zero without being written
//! and costs only the pages touched. A `vec![0; n]` is not that: once the allocator reuses
//! memory a dropped VM freed, it clears all of it, which took longer than running a
//! half-million-step block proof.

use std::ops::{Deref, DerefMut};

use memmap2::MmapMut;

/// Integers: every bit pattern, all zeros included, is a value.
pub(super) trait Integer: Copy {}
impl Integer for u32 {}
impl Integer for usize {}

/// `len` zeroed integers in their own mapping.
pub(super) struct Zeroed<T> {
    /// `None` when empty (the OS maps no empty range).
    map: Option<MmapMut>,
    len: usize,
    _items: std::marker::PhantomData<T>,
}

impl<T: Integer> Zeroed<T> {
    /// `len` zeros; fails if the OS will not map them.
    pub(super) fn new(len: usize) -> std::io::Result<Self> {
        if len == 0 {
            return Ok(Self::default());
        }
        let map = Some(MmapMut::map_anon(len * size_of::<T>())?);
        Ok(Self { map, len, _items: std::marker::PhantomData })
    }
}

impl<T> Default for Zeroed<T> {
    /// No items.
    fn default() -> Self {
        Self { map: None, len: 0, _items: std::marker::PhantomData }
    }
}

impl<T: Integer> Deref for Zeroed<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.map {
            // SAFETY: the mapping is page-aligned, holds `len` items of `T` and lives as long
            // as `self`; every bit pattern is a `T` (`Integer`).
            Some(map) => unsafe { std::slice::from_raw_parts(map.as_ptr().cast(), self.len) },
            None => &[],
        }
    }
}

impl<T: Integer> DerefMut for Zeroed<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.map {
            // SAFETY: as in `deref`, and `&mut self` makes the borrow unique.
            Some(map) => unsafe {
                std::slice::from_raw_parts_mut(map.as_mut_ptr().cast(), self.len)
            },
            None => &mut [],
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
    }
}
