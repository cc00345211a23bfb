//! Sparse guest memory with a lazily maintained keccak Merkle tree.
//!
//! Fast execution must not hash, so loads and stores only touch page bytes and set a dirty bit
//! per 32-byte leaf. The tree (`tree.rs`) is brought up to date when a root or a proof is
//! asked for: the leaf pairs above the dirty leaves are copied out, and the tree
//! rehashes only the paths above them.

use crate::merkle::{
    zero_hashes, BlockProof, Hash, MemoryBlock, Proof, BLOCK_BYTES, BLOCK_HEIGHT, DEPTH, LEAF_SHIFT,
};
use crate::tree::{
    for_each_bit, parent_mask, Changes, PageChanges, Tree, LEAVES_PER_PAGE, PAGE_COUNT, PAGE_HEIGHT,
};
use crate::zeroed::Zeroed;

/// `log2` of the page size.
pub const PAGE_SHIFT: u32 = 12;
/// Bytes in one page.
pub const PAGE_SIZE: usize = 1 << PAGE_SHIFT;
/// The default bound on touched guest memory: 1 GiB.
pub const DEFAULT_MAX_PAGES: usize = 1 << 18;
/// A `table` entry for an untouched page (entries are slot + 1, so the table starts zeroed).
const NO_PAGE: u32 = 0;

/// Host-side memory errors (resource limits, not guest faults).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoryError {
    /// The guest touched more distinct pages than the host allows.
    #[error("guest touched more than {max_pages} pages ({} MiB) of memory", (max_pages * PAGE_SIZE) >> 20)]
    LimitExceeded {
        /// The configured limit.
        max_pages: usize,
    },
}

/// A page's bytes and dirty bits, together at a fixed heap address: compiled code
/// ([`crate::jit`]) stores through a pointer to them and sets the dirty bits itself.
#[derive(Clone)]
#[repr(C)]
pub(crate) struct PageData {
    pub(crate) bytes: [u8; PAGE_SIZE],
    /// Bit `j` set: leaf `j` changed since the last rehash.
    pub(crate) dirty: u128,
}

/// Where [`PageData::dirty`] lies in the struct, for compiled stores.
pub(crate) const DIRTY_OFFSET: i32 = std::mem::offset_of!(PageData, dirty) as i32;

#[derive(Clone)]
struct Page {
    number: u32,
    data: Box<PageData>,
}

impl Page {
    fn new(number: u32) -> Self {
        Self { number, data: Box::new(PageData { bytes: [0u8; PAGE_SIZE], dirty: 0 }) }
    }

    #[inline]
    fn leaf(&self, index: usize) -> &Hash {
        let start = index << LEAF_SHIFT;
        self.data.bytes[start..start + 32].try_into().expect("a leaf is 32 bytes")
    }

    #[inline(always)]
    fn mark_dirty(&mut self, offset: usize) {
        self.data.dirty |= 1u128 << (offset >> LEAF_SHIFT);
    }
}

/// The whole 32-bit guest address space, sparse, with its Merkle tree.
pub struct Memory {
    /// Page number → index into `pages` plus one, or [`NO_PAGE`]: 4 MiB, of which a run
    /// touches a few pages, so it is mapped zeroed rather than cleared.
    table: Zeroed<u32>,
    pages: Vec<Page>,
    /// The inner nodes, as of the last rehash.
    tree: Tree,
    /// Page numbers with dirty leaves, each listed once.
    dirty_pages: Vec<u32>,
    /// How many rehashes have cleared dirty bits: compiled code may set a page's dirty bits
    /// only while the page is listed in `dirty_pages`, which a rehash empties.
    rehashes: u64,
    max_pages: usize,
}

impl Default for Memory {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_PAGES)
    }
}

impl Clone for Memory {
    /// A copy of the pages and the tree; the page table is rebuilt from the pages, which
    /// touches only the entries in use (where the table is mapped).
    fn clone(&self) -> Self {
        let mut table = Zeroed::mapped_or_cleared(PAGE_COUNT);
        for (slot, page) in self.pages.iter().enumerate() {
            table[page.number as usize] = slot as u32 + 1;
        }
        Self {
            table,
            pages: self.pages.clone(),
            tree: self.tree.clone(),
            dirty_pages: self.dirty_pages.clone(),
            rehashes: self.rehashes,
            max_pages: self.max_pages,
        }
    }
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("pages", &self.pages.len())
            .field("dirty_pages", &self.dirty_pages.len())
            .finish()
    }
}

impl Memory {
    /// Empty (all-zero) memory that may grow to `max_pages` pages.
    pub fn new(max_pages: usize) -> Self {
        Self {
            table: Zeroed::mapped_or_cleared(PAGE_COUNT),
            pages: Vec::new(),
            tree: Tree::default(),
            dirty_pages: Vec::new(),
            rehashes: 0,
            max_pages,
        }
    }

    /// Memory holding `pages` (`(page number, bytes)`, in the slot order [`Memory::pages`]
    /// lists them in) with `tree` as its tree, which must be the tree of exactly those pages in
    /// that order: nothing is dirty, so the next root rehashes only what changes from here.
    pub(crate) fn with_tree<'a>(
        max_pages: usize,
        pages: impl Iterator<Item = (u32, &'a [u8; PAGE_SIZE])>,
        tree: Tree,
    ) -> Result<Self, MemoryError> {
        let mut memory = Self::new(max_pages);
        for (number, bytes) in pages {
            let slot = memory.allocate(number)?;
            memory.pages[slot as usize - 1].data.bytes = *bytes;
        }
        memory.tree = tree;
        Ok(memory)
    }

    /// The tree as of the last rehash.
    pub(crate) fn tree(&self) -> &Tree {
        &self.tree
    }

    /// How many times [`Memory::take_changes`] has emptied the dirty list.
    pub(crate) fn rehashes(&self) -> u64 {
        self.rehashes
    }

    /// The page at `slot` (in allocation order, from 0) as its number, its data and whether it
    /// has dirty leaves (then it is in the dirty list until the next rehash); `None` past the
    /// last page. The data lives at a fixed address until the memory is dropped.
    pub(crate) fn page_slot(&mut self, slot: usize) -> Option<(u32, *mut PageData, bool)> {
        let page = self.pages.get_mut(slot)?;
        let dirty = page.data.dirty != 0;
        Some((page.number, &mut *page.data as *mut PageData, dirty))
    }

    /// The page holding `addr`, as [`Memory::page_slot`] gives it.
    pub(crate) fn page_of(&mut self, addr: u32) -> Option<(u32, *mut PageData, bool)> {
        self.page_slot(self.slot(addr)?)
    }

    /// The slot of the page holding `addr`, if it was touched.
    #[inline(always)]
    fn slot(&self, addr: u32) -> Option<usize> {
        match self.table[(addr >> PAGE_SHIFT) as usize] {
            NO_PAGE => None,
            slot => Some(slot as usize - 1),
        }
    }

    /// How many pages have been touched.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The touched pages as `(page number, bytes)`, in slot order: the order they were first
    /// written in, which the tree's page subtrees follow.
    pub fn pages(&self) -> impl Iterator<Item = (u32, &[u8; PAGE_SIZE])> {
        self.pages.iter().map(|p| (p.number, &p.data.bytes))
    }

    /// The bytes of page `number`, if it has been touched.
    pub(crate) fn page_bytes(&self, number: u32) -> Option<&[u8; PAGE_SIZE]> {
        Some(&self.page(number << PAGE_SHIFT)?.data.bytes)
    }

    #[inline(always)]
    fn page(&self, addr: u32) -> Option<&Page> {
        Some(&self.pages[self.slot(addr)?])
    }

    #[inline(always)]
    fn page_mut(&mut self, addr: u32) -> Result<&mut Page, MemoryError> {
        let number = addr >> PAGE_SHIFT;
        let mut slot = self.table[number as usize];
        if slot == NO_PAGE {
            slot = self.allocate(number)?;
        }
        let page = &mut self.pages[slot as usize - 1];
        if page.data.dirty == 0 {
            self.dirty_pages.push(number);
        }
        Ok(page)
    }

    #[cold]
    fn allocate(&mut self, number: u32) -> Result<u32, MemoryError> {
        if self.pages.len() >= self.max_pages {
            return Err(MemoryError::LimitExceeded { max_pages: self.max_pages });
        }
        self.pages.push(Page::new(number));
        let slot = self.pages.len() as u32;
        self.table[number as usize] = slot;
        Ok(slot)
    }

    /// Reads one byte.
    #[inline(always)]
    pub fn load_u8(&self, addr: u32) -> u8 {
        match self.page(addr) {
            Some(p) => p.data.bytes[addr as usize & (PAGE_SIZE - 1)],
            None => 0,
        }
    }

    /// Reads a little-endian halfword; `addr` must be 2-byte aligned.
    #[inline(always)]
    pub fn load_u16(&self, addr: u32) -> u16 {
        debug_assert_eq!(addr & 1, 0);
        match self.page(addr) {
            Some(p) => {
                let o = addr as usize & (PAGE_SIZE - 2);
                u16::from_le_bytes([p.data.bytes[o], p.data.bytes[o + 1]])
            }
            None => 0,
        }
    }

    /// Reads a little-endian word; `addr` must be 4-byte aligned.
    #[inline(always)]
    pub fn load_u32(&self, addr: u32) -> u32 {
        debug_assert_eq!(addr & 3, 0);
        match self.page(addr) {
            Some(p) => {
                let o = addr as usize & (PAGE_SIZE - 4);
                let b = &p.data.bytes;
                u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
            }
            None => 0,
        }
    }

    /// Writes one byte.
    #[inline(always)]
    pub fn store_u8(&mut self, addr: u32, value: u8) -> Result<(), MemoryError> {
        let page = self.page_mut(addr)?;
        let o = addr as usize & (PAGE_SIZE - 1);
        page.data.bytes[o] = value;
        page.mark_dirty(o);
        Ok(())
    }

    /// Writes a little-endian halfword; `addr` must be 2-byte aligned.
    #[inline(always)]
    pub fn store_u16(&mut self, addr: u32, value: u16) -> Result<(), MemoryError> {
        debug_assert_eq!(addr & 1, 0);
        let page = self.page_mut(addr)?;
        let o = addr as usize & (PAGE_SIZE - 2);
        page.data.bytes[o..o + 2].copy_from_slice(&value.to_le_bytes());
        page.mark_dirty(o);
        Ok(())
    }

    /// Writes a little-endian word; `addr` must be 4-byte aligned.
    #[inline(always)]
    pub fn store_u32(&mut self, addr: u32, value: u32) -> Result<(), MemoryError> {
        debug_assert_eq!(addr & 3, 0);
        let page = self.page_mut(addr)?;
        let o = addr as usize & (PAGE_SIZE - 4);
        page.data.bytes[o..o + 4].copy_from_slice(&value.to_le_bytes());
        page.mark_dirty(o);
        Ok(())
    }

    /// Writes `bytes` from `addr` on, wrapping at the top of the address space.
    pub fn store_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<(), MemoryError> {
        let mut addr = addr;
        let mut rest = bytes;
        while !rest.is_empty() {
            let offset = addr as usize & (PAGE_SIZE - 1);
            let n = rest.len().min(PAGE_SIZE - offset);
            let page = self.page_mut(addr)?;
            page.data.bytes[offset..offset + n].copy_from_slice(&rest[..n]);
            let first = offset >> LEAF_SHIFT;
            let last = (offset + n - 1) >> LEAF_SHIFT;
            for leaf in first..=last {
                page.data.dirty |= 1u128 << leaf;
            }
            rest = &rest[n..];
            addr = addr.wrapping_add(n as u32);
        }
        Ok(())
    }

    /// Reads `len` bytes from `addr` on, wrapping at the top of the address space.
    pub fn load_bytes(&self, addr: u32, len: usize) -> Vec<u8> {
        (0..len).map(|i| self.load_u8(addr.wrapping_add(i as u32))).collect()
    }

    /// The 32-byte leaf holding `addr`.
    pub fn leaf(&self, addr: u32) -> Hash {
        self.page(addr)
            .map_or([0u8; 32], |p| *p.leaf((addr as usize & (PAGE_SIZE - 1)) >> LEAF_SHIFT))
    }

    /// Brings every cached node up to date.
    fn rehash(&mut self) {
        let changes = self.take_changes();
        self.tree.apply(&changes);
    }

    /// Copies out the leaf pairs above the dirty leaves and clears the dirty bits: what the
    /// tree needs to catch up with the bytes.
    pub(crate) fn take_changes(&mut self) -> Changes {
        if self.dirty_pages.is_empty() {
            return Changes::default();
        }
        self.rehashes += 1;
        let pages = self
            .dirty_pages
            .drain(..)
            .map(|number| {
                let slot = self.table[number as usize] - 1;
                let page = &mut self.pages[slot as usize];
                let pairs = parent_mask(page.data.dirty);
                page.data.dirty = 0;
                let mut bytes = Vec::with_capacity(pairs.count_ones() as usize);
                for_each_bit(pairs, |j| {
                    bytes.push(page.data.bytes[64 * j..64 * j + 64].try_into().expect("64 bytes"));
                });
                PageChanges { slot, number, pairs: pairs as u64, bytes }
            })
            .collect();
        Changes { pages }
    }

    /// Lends the tree out (to be updated with [`Memory::take_changes`] elsewhere) until
    /// [`Memory::return_tree`]; meanwhile roots and proofs must not be asked for.
    pub(crate) fn lend_tree(&mut self) -> Tree {
        std::mem::take(&mut self.tree)
    }

    /// Takes back a lent tree, updated with every change taken since it was lent.
    pub(crate) fn return_tree(&mut self, tree: Tree) {
        self.tree = tree;
    }

    /// The Merkle root of all memory.
    pub fn root(&mut self) -> Hash {
        self.rehash();
        self.tree.root()
    }

    /// The [`BLOCK_BYTES`] bytes of the block holding `addr`.
    pub fn block(&self, addr: u32) -> MemoryBlock {
        let start = addr & !(BLOCK_BYTES as u32 - 1);
        let mut block = [0u8; BLOCK_BYTES];
        for (i, leaf) in block.chunks_exact_mut(32).enumerate() {
            leaf.copy_from_slice(&self.leaf(start + 32 * i as u32));
        }
        block
    }

    /// The proof for the block holding `addr` against [`Memory::root`].
    pub fn block_proof(&mut self, addr: u32) -> BlockProof {
        let proof = self.proof(addr);
        let siblings = proof.siblings[BLOCK_HEIGHT..].try_into().expect("24 of 27 siblings");
        BlockProof { block: self.block(addr), siblings }
    }

    /// The proof for the leaf holding `addr` against [`Memory::root`].
    pub fn proof(&mut self, addr: u32) -> Proof {
        self.rehash();
        let zero = zero_hashes();
        let mut siblings = [[0u8; 32]; DEPTH];
        let leaf_index = (addr as usize & (PAGE_SIZE - 1)) >> LEAF_SHIFT;
        match self.slot(addr) {
            None => siblings[..PAGE_HEIGHT].copy_from_slice(&zero[..PAGE_HEIGHT]),
            Some(slot) => {
                siblings[0] = *self.pages[slot].leaf(leaf_index ^ 1);
                let mut node = (LEAVES_PER_PAGE + leaf_index) >> 1;
                for sibling in siblings.iter_mut().take(PAGE_HEIGHT).skip(1) {
                    *sibling = self.tree.page_node(slot, node ^ 1);
                    node >>= 1;
                }
            }
        }
        let page_number = addr >> PAGE_SHIFT;
        for (height, sibling) in siblings[PAGE_HEIGHT..].iter_mut().enumerate() {
            *sibling = self.tree.node(height, (page_number >> height) ^ 1);
        }
        Proof { leaf: self.leaf(addr), siblings }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::merkle::{hash_pair, root_of_bytes};

    /// From-scratch root of a sparse memory: hashes every touched page fully, then the tree.
    fn reference_root(memory: &Memory) -> Hash {
        let zero = zero_hashes();
        let mut level: std::collections::BTreeMap<u32, Hash> = memory
            .pages()
            .map(|(number, data)| {
                let mut nodes: Vec<Hash> =
                    data.chunks(32).map(|c| c.try_into().expect("32-byte chunk")).collect();
                while nodes.len() > 1 {
                    nodes = nodes.chunks(2).map(|p| hash_pair(&p[0], &p[1])).collect();
                }
                (number, nodes[0])
            })
            .collect();
        for zero_sibling in &zero[PAGE_HEIGHT..DEPTH] {
            let mut next = std::collections::BTreeMap::new();
            for (&index, hash) in &level {
                let parent = index >> 1;
                if next.contains_key(&parent) {
                    continue;
                }
                let sibling = level.get(&(index ^ 1)).copied().unwrap_or(*zero_sibling);
                let pair = if index & 1 == 0 { (*hash, sibling) } else { (sibling, *hash) };
                next.insert(parent, hash_pair(&pair.0, &pair.1));
            }
            level = next;
        }
        level.get(&0).copied().unwrap_or(zero[DEPTH])
    }

    #[test]
    fn empty_memory_has_the_empty_root() {
        assert_eq!(Memory::default().root(), zero_hashes()[DEPTH]);
    }

    #[test]
    fn root_matches_root_of_bytes_for_a_prefix_image() {
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + 3) as u8).collect();
        let mut memory = Memory::default();
        memory.store_bytes(0, &bytes).unwrap();
        assert_eq!(memory.root(), root_of_bytes(&bytes));
    }

    #[test]
    fn page_limit_is_a_clear_error() {
        let mut memory = Memory::new(2);
        memory.store_u8(0, 1).unwrap();
        memory.store_u8(0x1000, 1).unwrap();
        assert_eq!(memory.store_u8(0x2000, 1), Err(MemoryError::LimitExceeded { max_pages: 2 }));
    }

    #[test]
    fn writes_wrap_around_the_address_space() {
        let mut memory = Memory::default();
        memory.store_bytes(u32::MAX - 1, &[1, 2, 3, 4]).unwrap();
        assert_eq!(memory.load_bytes(u32::MAX - 1, 4), vec![1, 2, 3, 4]);
        assert_eq!(memory.load_u8(1), 4);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Store(u32, u32),
        StoreByte(u32, u8),
        Root,
        Proof(u32),
    }

    fn address() -> impl Strategy<Value = u32> {
        // Cluster addresses so pages and leaves are hit repeatedly, with some far away.
        prop_oneof![0u32..0x4000, 0x7fff_c000u32..0x8000_0000, any::<u32>()]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (address(), any::<u32>()).prop_map(|(a, v)| Op::Store(a & !3, v)),
            2 => (address(), any::<u8>()).prop_map(|(a, v)| Op::StoreByte(a, v)),
            2 => Just(Op::Root),
            1 => address().prop_map(Op::Proof),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Asterisc shipped a stale-root bug here: interleave writes, roots and proofs, and
        /// compare every root with a from-scratch recomputation.
        #[test]
        fn incremental_root_matches_recomputation(ops in prop::collection::vec(op(), 1..200)) {
            let mut memory = Memory::default();
            for op in ops {
                match op {
                    Op::Store(a, v) => memory.store_u32(a, v).unwrap(),
                    Op::StoreByte(a, v) => memory.store_u8(a, v).unwrap(),
                    Op::Root => prop_assert_eq!(memory.root(), reference_root(&memory)),
                    Op::Proof(a) => {
                        let proof = memory.proof(a);
                        prop_assert_eq!(proof.leaf, memory.leaf(a));
                        prop_assert_eq!(proof.root(a), reference_root(&memory));
                    }
                }
            }
            prop_assert_eq!(memory.root(), reference_root(&memory));
        }
    }

    #[test]
    fn many_dirty_pages_rehash_in_parallel_and_match() {
        let mut memory = Memory::default();
        for page in 0..64u32 {
            memory.store_u32(page * 0x1_0000 + 4 * page, page + 1).unwrap();
        }
        assert_eq!(memory.root(), reference_root(&memory));
        memory.store_u32(0x30, 9).unwrap();
        assert_eq!(memory.root(), reference_root(&memory));
    }
}
