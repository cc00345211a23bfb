// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Position } from "src/dispute/lib/Types.sol";

/// @title LibPosition
/// @notice Positions in the bisection game tree: generalized indices, as in Optimism's
///         `LibPosition` (docs/dispute.md, "Positions"). The Rust twin is
///         `dispute/src/position.rs`; the two agree function for function.
///
///         The tree is a complete binary tree of depth `maxDepth`. A node is its generalized
///         index `2^depth + indexAtDepth` (the root is 1). A node commits to the rightmost leaf
///         below it, its *trace index*: a claim at a node with trace index `t` is the VM state
///         hash after `t + 1` steps, so the root claims the state after `2^maxDepth` steps.
library LibPosition {
    /// @notice The position at `_depth` with index `_indexAtDepth` (which must be below
    ///         `2^_depth`; callers only build positions from moves, which keep it so).
    function wrap(uint8 _depth, uint64 _indexAtDepth) internal pure returns (Position) {
        return Position.wrap(uint64(1 << _depth) | _indexAtDepth);
    }

    /// @notice The depth of `_position`: the index of its highest set bit.
    function depth(Position _position) internal pure returns (uint8 depth_) {
        uint64 raw = Position.unwrap(_position);
        assembly {
            // Binary search for the most significant bit of a non-zero 64-bit value.
            let r := shl(5, gt(raw, 0xffffffff))
            let v := shr(r, raw)
            let s := shl(4, gt(v, 0xffff))
            v := shr(s, v)
            r := or(r, s)
            s := shl(3, gt(v, 0xff))
            v := shr(s, v)
            r := or(r, s)
            s := shl(2, gt(v, 0xf))
            v := shr(s, v)
            r := or(r, s)
            s := shl(1, gt(v, 0x3))
            v := shr(s, v)
            r := or(r, s)
            depth_ := or(r, shr(1, v))
        }
    }

    /// @notice The index of `_position` among the nodes of its depth.
    function indexAtDepth(Position _position) internal pure returns (uint64) {
        uint64 raw = Position.unwrap(_position);
        return raw ^ uint64(1 << depth(_position));
    }

    /// @notice The attack move against `_position`: its left child.
    function attack(Position _position) internal pure returns (Position) {
        return Position.wrap(Position.unwrap(_position) << 1);
    }

    /// @notice The defend move of `_position`: the left child of its right neighbour.
    function defend(Position _position) internal pure returns (Position) {
        return Position.wrap((Position.unwrap(_position) + 1) << 1);
    }

    /// @notice `attack` or `defend`.
    function move(Position _position, bool _isAttack) internal pure returns (Position) {
        return _isAttack ? attack(_position) : defend(_position);
    }

    /// @notice The rightmost leaf (at `_maxDepth`) below `_position`.
    function rightIndex(Position _position, uint8 _maxDepth) internal pure returns (Position) {
        uint8 remaining = _maxDepth - depth(_position);
        uint64 raw = Position.unwrap(_position);
        return Position.wrap((raw << remaining) | uint64((1 << remaining) - 1));
    }

    /// @notice The trace index `_position` commits to: the index of its rightmost leaf.
    function traceIndex(Position _position, uint8 _maxDepth) internal pure returns (uint64) {
        return indexAtDepth(rightIndex(_position, _maxDepth));
    }

    /// @notice The highest ancestor of `_position` (itself included) that commits to the same
    ///         trace index: a right child commits to its parent's, so this drops the trailing
    ///         ones below the depth bit (the right edge climbs to the root).
    function traceAncestor(Position _position) internal pure returns (Position) {
        uint64 raw = Position.unwrap(_position);
        while (raw & 1 == 1 && raw > 1) {
            raw >>= 1;
        }
        return Position.wrap(raw);
    }

    /// @notice Whether two positions are the same node.
    function eq(Position _a, Position _b) internal pure returns (bool) {
        return Position.unwrap(_a) == Position.unwrap(_b);
    }
}
