//! Positions in the bisection game tree: generalized indices, as in Optimism's `LibPosition`.
//!
//! The game tree is a complete binary tree of depth `max_depth`. A node is its generalized
//! index `2^depth + index_at_depth` (the root is 1). Every node commits to one point of the
//! execution trace: the rightmost leaf below it, its *trace index*. A claim at a node with
//! trace index `t` is the VM state hash after `t + 1` steps, so the root (trace index
//! `2^max_depth - 1`) claims the state after `2^max_depth` steps, and the absolute prestate
//! (the state after 0 steps) sits left of every leaf.
//!
//! A move answers a claim at `p`: an *attack* (`2p`, its left child: "you are wrong, and so
//! is the midpoint of your range") or a *defend* (`2(p + 1)`, the left child of its right
//! neighbour: "you are right, the error is after you"). These functions mirror
//! `contracts/src/dispute/lib/LibPosition.sol` one for one.

use crate::error::{Error, Result};

/// The deepest game tree supported (`DisputeGame`'s `MAX_SUPPORTED_DEPTH`): positions stay
/// below 2^63, so a split game can have 2^20 units above its split and 2^41 steps below.
pub const MAX_SUPPORTED_DEPTH: u8 = 62;

/// A node of the game tree (generalized index; never 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position(u64);

impl Position {
    /// The root: position 1, depth 0.
    pub const ROOT: Self = Self(1);

    /// The node at `depth` and `index_at_depth` (counted from the left).
    pub fn new(depth: u8, index_at_depth: u64) -> Result<Self> {
        if depth > MAX_SUPPORTED_DEPTH || index_at_depth >> depth != 0 {
            return Err(Error::InvalidPosition { depth, index_at_depth });
        }
        Ok(Self((1 << depth) | index_at_depth))
    }

    /// The position with generalized index `raw`, as the contract stores it.
    pub fn from_raw(raw: u64) -> Result<Self> {
        if raw == 0 || raw >> (MAX_SUPPORTED_DEPTH + 1) != 0 {
            return Err(Error::InvalidRawPosition(raw));
        }
        Ok(Self(raw))
    }

    /// The generalized index.
    pub fn raw(self) -> u64 {
        self.0
    }

    /// The depth in the tree (the root's is 0).
    pub fn depth(self) -> u8 {
        (63 - self.0.leading_zeros()) as u8
    }

    /// The index among the nodes of the same depth, from the left.
    pub fn index_at_depth(self) -> u64 {
        self.0 ^ (1 << self.depth())
    }

    /// The left child: the position of an attack on this claim.
    pub fn attack(self) -> Self {
        Self(self.0 << 1)
    }

    /// The left child of the right neighbour: the position of a defence of this claim.
    pub fn defend(self) -> Self {
        Self((self.0 + 1) << 1)
    }

    /// [`Position::attack`] or [`Position::defend`].
    pub fn make_move(self, is_attack: bool) -> Self {
        if is_attack {
            self.attack()
        } else {
            self.defend()
        }
    }

    /// The parent (the root's parent is not a position: `None`).
    pub fn parent(self) -> Option<Self> {
        (self.0 > 1).then_some(Self(self.0 >> 1))
    }

    /// The rightmost descendant at `max_depth` (the node itself at that depth).
    pub fn right_index(self, max_depth: u8) -> Self {
        let below = max_depth - self.depth();
        Self((self.0 << below) | ((1 << below) - 1))
    }

    /// The trace index this node commits to: its rightmost leaf's index at `max_depth`.
    pub fn trace_index(self, max_depth: u8) -> u64 {
        self.right_index(max_depth).index_at_depth()
    }

    /// The trace index within the execution this node belongs to: the whole trace in a game
    /// without a split (`split_depth` 0), else the one unit's execution below the split, which
    /// starts every `2^(max_depth - split_depth)` trace indices.
    pub fn execution_trace_index(self, max_depth: u8, split_depth: u8) -> u64 {
        self.trace_index(max_depth) & ((1u64 << (max_depth - split_depth)) - 1)
    }

    /// The highest ancestor (itself included) committing to the same trace index: a right
    /// child commits to its parent's, so this drops the trailing ones below the depth bit.
    pub fn trace_ancestor(self) -> Self {
        let mut raw = self.0;
        while raw & 1 == 1 && raw > 1 {
            raw >>= 1;
        }
        Self(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_of_a_depth_3_tree() {
        // (raw, depth, index at depth, trace index at max depth 3)
        let table = [
            (1, 0, 0, 7),
            (2, 1, 0, 3),
            (3, 1, 1, 7),
            (4, 2, 0, 1),
            (6, 2, 2, 5),
            (7, 2, 3, 7),
            (8, 3, 0, 0),
            (12, 3, 4, 4),
            (15, 3, 7, 7),
        ];
        for (raw, depth, index, trace) in table {
            let p = Position::from_raw(raw).unwrap();
            assert_eq!(p, Position::new(depth, index).unwrap());
            assert_eq!((p.depth(), p.index_at_depth(), p.trace_index(3)), (depth, index, trace));
        }
    }

    #[test]
    fn moves_from_the_root_bisect_the_trace() {
        let max = 4;
        let attack = Position::ROOT.attack();
        assert_eq!(attack.trace_index(max), 7);
        assert_eq!(attack.defend().trace_index(max), 11);
        assert_eq!(attack.attack().trace_index(max), 3);
        assert_eq!(attack.defend().parent(), Some(Position::from_raw(3).unwrap()));
        assert_eq!(Position::ROOT.parent(), None);
    }

    #[test]
    fn trace_ancestors_and_execution_indices() {
        // (raw, its trace ancestor) in a tree of any depth.
        for (raw, ancestor) in [(1, 1), (2, 2), (3, 1), (7, 1), (17, 8), (19, 4), (35, 8), (36, 36)]
        {
            let p = Position::from_raw(raw).unwrap();
            assert_eq!(p.trace_ancestor().raw(), ancestor);
            let max = 6;
            assert_eq!(p.trace_ancestor().trace_index(max), p.trace_index(max));
        }
        // Depth 8 split at 4: executions of 16 indices (the subgame under position 34, a
        // defence of position 16, spans global indices 16 to 23).
        let leaf = Position::from_raw(274).unwrap();
        assert_eq!(leaf.trace_index(8), 18);
        assert_eq!(leaf.execution_trace_index(8, 4), 2);
        assert_eq!(leaf.execution_trace_index(8, 0), 18);
    }

    #[test]
    fn out_of_range_positions_are_errors() {
        assert!(Position::new(2, 4).is_err());
        assert!(Position::new(MAX_SUPPORTED_DEPTH + 1, 0).is_err());
        assert!(Position::from_raw(0).is_err());
        assert!(Position::from_raw(1 << (MAX_SUPPORTED_DEPTH + 1)).is_err());
        let deepest = Position::new(MAX_SUPPORTED_DEPTH, (1 << MAX_SUPPORTED_DEPTH) - 1).unwrap();
        assert_eq!(deepest.trace_index(MAX_SUPPORTED_DEPTH), (1 << MAX_SUPPORTED_DEPTH) - 1);
    }

    proptest! {
        #[test]
        fn new_round_trips(depth in 0u8..=MAX_SUPPORTED_DEPTH, index: u64) {
            let index = index & ((1u64 << depth) - 1);
            let p = Position::new(depth, index).unwrap();
            prop_assert_eq!((p.depth(), p.index_at_depth()), (depth, index));
            prop_assert_eq!(Position::from_raw(p.raw()).unwrap(), p);
        }

        #[test]
        fn a_move_bisects_the_range_the_parent_disputes(
            max_depth in 2u8..=MAX_SUPPORTED_DEPTH, depth in 0u8..MAX_SUPPORTED_DEPTH, index: u64
        ) {
            prop_assume!(depth < max_depth);
            let p = Position::new(depth, index & ((1u64 << depth) - 1)).unwrap();
            let half = 1u64 << (max_depth - depth - 1);
            // An attack moves the claim half the parent's subtree to the left; a defence
            // goes half of it to the right of the parent's left neighbour's point.
            prop_assert_eq!(p.attack().trace_index(max_depth) + half, p.trace_index(max_depth));
            prop_assert_eq!(p.attack().depth(), depth + 1);
            prop_assert_eq!(p.defend().parent().unwrap().raw(), p.raw() + 1);
            // Reference: the trace index is the last leaf of the node's range of leaves.
            let width = 1u64 << (max_depth - depth);
            prop_assert_eq!(p.trace_index(max_depth), p.index_at_depth() * width + width - 1);
        }
    }
}
