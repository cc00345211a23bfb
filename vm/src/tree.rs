//! The cached inner nodes of the memory tree, apart from the bytes they commit to.
//!
//! [`crate::memory::Memory`] owns the bytes and marks the leaves a write changes; when a root
//! is asked for, it hands the tree the [`Changes`] — the leaf pairs above the dirty leaves,
//! copied out — and the tree rehashes only the paths above them. Because a [`Tree`] needs
//! nothing but those copies, it can also be updated on another thread while the guest runs on
//! (see [`crate::Vm::run_with_roots`]): hashing then overlaps execution.

use std::sync::Arc;

use rayon::prelude::*;

use crate::memory::{PAGE_SHIFT, PAGE_SIZE};
use crate::merkle::{hash_pair, zero_hashes, Hash, DEPTH, LEAF_SHIFT};

pub(crate) const LEAVES_PER_PAGE: usize = PAGE_SIZE >> LEAF_SHIFT;
/// Leaf pairs in one page: the nodes one level above the leaves.
const PAIRS_PER_PAGE: usize = LEAVES_PER_PAGE / 2;
/// Tree levels inside one page (128 leaves).
pub(crate) const PAGE_HEIGHT: usize = (PAGE_SHIFT - LEAF_SHIFT) as usize;
/// Tree levels above the page roots.
const UPPER_HEIGHT: usize = DEPTH - PAGE_HEIGHT;
/// Pages in the 32-bit address space.
pub(crate) const PAGE_COUNT: usize = 1 << UPPER_HEIGHT;
/// Changed pages from which rehashing is spread over the rayon pool.
const PARALLEL_REHASH_MIN_PAGES: usize = 16;
/// Nodes per chunk of an upper tree level.
const CHUNK_NODES: usize = 256;

/// One level of the tree above the pages, in chunks of [`CHUNK_NODES`] nodes allocated on
/// first write: a VM that touches a few pages holds a few chunks, not the level's full 2^k
/// nodes (which would cost tens of MiB per VM).
#[derive(Clone)]
struct Level {
    chunks: Vec<Option<Box<[Hash; CHUNK_NODES]>>>,
}

impl Level {
    fn new(nodes: usize) -> Self {
        Self { chunks: vec![None; nodes.div_ceil(CHUNK_NODES)] }
    }

    /// The stored node, or `None` for an empty subtree.
    #[inline]
    fn get(&self, index: u32) -> Option<&Hash> {
        let index = index as usize;
        let node = &self.chunks[index / CHUNK_NODES].as_ref()?[index % CHUNK_NODES];
        (*node != [0u8; 32]).then_some(node)
    }

    fn set(&mut self, index: u32, node: Hash) {
        let index = index as usize;
        let chunk = self.chunks[index / CHUNK_NODES]
            .get_or_insert_with(|| Box::new([[0u8; 32]; CHUNK_NODES]));
        chunk[index % CHUNK_NODES] = node;
    }
}

/// A page subtree's inner nodes in heap order: `[1]` is the page root, node `i` has children
/// `2i` and `2i + 1`, nodes `64..128` hash pairs of leaves. `[0]` is unused.
type PageNodes = [Hash; LEAVES_PER_PAGE];

/// The page subtrees of a tree, by page slot: all of the tree but the few nodes above the
/// pages, which [`Tree::over_pages`] recomputes. Each is shared, a pointer to keep.
#[derive(Clone)]
pub(crate) struct PageSubtrees(Vec<Arc<PageNodes>>);

impl std::fmt::Debug for PageSubtrees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PageSubtrees({} pages)", self.0.len())
    }
}

/// What changed in one page since the tree last saw it.
pub(crate) struct PageChanges {
    /// The page's slot in memory (allocation order, from 0).
    pub(crate) slot: u32,
    pub(crate) number: u32,
    /// Bit `j`: the pair of leaves `2j`, `2j + 1` holds a changed leaf.
    pub(crate) pairs: u64,
    /// The changed pairs' 64 bytes, in the order of their bits.
    pub(crate) bytes: Vec<[u8; 64]>,
}

/// What changed in memory since the tree last saw it, page by page.
#[derive(Default)]
pub(crate) struct Changes {
    pub(crate) pages: Vec<PageChanges>,
}

/// The inner nodes of the memory tree, every one cached: a proof is a copy, never a
/// computation. Page subtrees are shared with whoever keeps them ([`Tree::page_subtrees`])
/// until the tree changes them.
#[derive(Clone)]
pub(crate) struct Tree {
    /// By page slot, the page subtrees (absent past the last slot the tree has seen
    /// change: such a page is all zeros).
    pages: Vec<Arc<PageNodes>>,
    /// `upper[h]`: the nodes `h` levels above the page roots (`upper[0]`, the page roots, by
    /// page number). An absent or all-zero node stands for the empty subtree of its height.
    upper: Vec<Level>,
}

impl Default for Tree {
    fn default() -> Self {
        Self {
            pages: Vec::new(),
            upper: (0..=UPPER_HEIGHT).map(|h| Level::new(PAGE_COUNT >> h)).collect(),
        }
    }
}

impl Tree {
    /// The root of all memory.
    pub(crate) fn root(&self) -> Hash {
        self.node(UPPER_HEIGHT, 0)
    }

    /// The node `index` at `height` levels above the page roots (0 = a page root).
    pub(crate) fn node(&self, height: usize, index: u32) -> Hash {
        self.upper[height].get(index).copied().unwrap_or(zero_hashes()[PAGE_HEIGHT + height])
    }

    /// The inner node `node` (heap order, see [`PageNodes`]) of the page at `slot`.
    pub(crate) fn page_node(&self, slot: usize, node: usize) -> Hash {
        match self.pages.get(slot) {
            Some(nodes) => nodes[node],
            None => empty_node(node),
        }
    }

    /// The page subtrees, shared with this tree until it changes them.
    pub(crate) fn page_subtrees(&self) -> PageSubtrees {
        PageSubtrees(self.pages.clone())
    }

    /// The tree of memory whose page at slot `i` is numbered `numbers[i]` and has the subtree
    /// `pages[i]` (or is all zeros, past the subtrees' end): the nodes above the pages are
    /// hashed again, a few per page.
    pub(crate) fn over_pages(pages: PageSubtrees, numbers: &[u32]) -> Self {
        let mut tree = Self { pages: pages.0, ..Self::default() };
        let numbers = &numbers[..tree.pages.len().min(numbers.len())];
        for (nodes, &number) in tree.pages.iter().zip(numbers) {
            tree.upper[0].set(number, nodes[1]);
        }
        tree.rehash_upper(numbers.to_vec());
        tree
    }

    /// Rehashes the paths above `changes`.
    pub(crate) fn apply(&mut self, changes: &Changes) {
        if changes.pages.is_empty() {
            return;
        }
        let slots = changes.pages.iter().map(|p| p.slot as usize + 1).max().unwrap_or(0);
        while self.pages.len() < slots {
            self.pages.push(empty_page());
        }
        if changes.pages.len() >= PARALLEL_REHASH_MIN_PAGES {
            // Each change has its own slot: pair every page with its change, then rehash the
            // pairs on all cores.
            let mut change_of_slot = vec![None; self.pages.len()];
            for page in &changes.pages {
                change_of_slot[page.slot as usize] = Some(page);
            }
            self.pages
                .par_iter_mut()
                .zip(change_of_slot)
                .filter_map(|(nodes, change)| Some((nodes, change?)))
                .for_each(|(nodes, change)| rehash_page(Arc::make_mut(nodes), change));
        } else {
            for page in &changes.pages {
                rehash_page(Arc::make_mut(&mut self.pages[page.slot as usize]), page);
            }
        }
        for page in &changes.pages {
            self.upper[0].set(page.number, self.pages[page.slot as usize][1]);
        }
        self.rehash_upper(changes.pages.iter().map(|p| p.number).collect());
    }

    /// Rehashes the nodes above the page roots of `pages` (page numbers).
    fn rehash_upper(&mut self, mut indices: Vec<u32>) {
        indices.sort_unstable();
        for height in 1..=UPPER_HEIGHT {
            for index in indices.iter_mut() {
                *index >>= 1;
            }
            indices.dedup();
            for &index in &indices {
                let left = self.node(height - 1, 2 * index);
                let right = self.node(height - 1, 2 * index + 1);
                self.upper[height].set(index, hash_pair(&left, &right));
            }
        }
    }
}

/// The subtree of an all-zero page.
fn empty_page() -> Arc<PageNodes> {
    let mut nodes = Arc::new([[0u8; 32]; LEAVES_PER_PAGE]);
    for (index, node) in Arc::make_mut(&mut nodes).iter_mut().enumerate().skip(1) {
        *node = empty_node(index);
    }
    nodes
}

/// Node `node` (heap order, see [`PageNodes`]) of an all-zero page.
fn empty_node(node: usize) -> Hash {
    zero_hashes()[PAGE_HEIGHT - node.ilog2() as usize]
}

/// Recomputes the inner nodes of one page above its changed pairs.
fn rehash_page(nodes: &mut PageNodes, change: &PageChanges) {
    let mut bytes = change.bytes.iter();
    for_each_bit(u128::from(change.pairs), |j| {
        let pair = bytes.next().expect("one 64-byte copy per changed pair");
        let (left, right) = pair.split_at(32);
        nodes[PAIRS_PER_PAGE + j] =
            hash_pair(left.try_into().expect("32 bytes"), right.try_into().expect("32 bytes"));
    });
    let mut mask = u128::from(change.pairs);
    let mut width = PAIRS_PER_PAGE;
    while width > 1 {
        width /= 2;
        mask = parent_mask(mask);
        for_each_bit(mask, |j| {
            let node = width + j;
            nodes[node] = hash_pair(&nodes[2 * node], &nodes[2 * node + 1]);
        });
    }
}

/// Bit `j` of the result is set when bit `2j` or `2j + 1` of `mask` is.
pub(crate) fn parent_mask(mut mask: u128) -> u128 {
    let mut parents = 0;
    while mask != 0 {
        parents |= 1u128 << (mask.trailing_zeros() / 2);
        mask &= mask - 1;
    }
    parents
}

pub(crate) fn for_each_bit(mut mask: u128, mut f: impl FnMut(usize)) {
    while mask != 0 {
        f(mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}
