// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title RefRV
/// @notice A slow reference of RV32IM semantics for differential tests, written in a different
///         style from `LibInstructions`: plain integer arithmetic on int256/uint256 (powers of
///         two instead of shifts, explicit floor and truncating division) and a decoder written
///         straight from docs/spec.md's table.
library RefRV {
    uint256 internal constant TWO32 = 1 << 32;
    int256 internal constant ITWO32 = int256(TWO32);

    /// @notice `_x` (a 32-bit pattern) as a signed number.
    function s32(uint256 _x) internal pure returns (int256) {
        return _x >= TWO32 / 2 ? int256(_x) - ITWO32 : int256(_x);
    }

    /// @notice `_x` modulo 2^32, as a 32-bit pattern.
    function u32(int256 _x) internal pure returns (uint256) {
        int256 r = _x % ITWO32;
        if (r < 0) r += ITWO32;
        return uint256(r);
    }

    /// @notice floor(_a / _d) for _d > 0.
    function floorDiv(int256 _a, int256 _d) internal pure returns (int256) {
        if (_a >= 0) return _a / _d;
        return -((-_a + _d - 1) / _d);
    }

    /// @notice _a / _b rounded toward zero, computed from magnitudes.
    function truncDiv(int256 _a, int256 _b) internal pure returns (int256) {
        uint256 ua = uint256(_a < 0 ? -_a : _a);
        uint256 ub = uint256(_b < 0 ? -_b : _b);
        int256 q = int256(ua / ub);
        return (_a < 0) != (_b < 0) ? -q : q;
    }

    function pow2(uint256 _n) internal pure returns (uint256) {
        return 2 ** _n;
    }

    /// @notice The OP instruction (funct7, funct3) on `_a`, `_b`; `legal_` false if undefined.
    function op(
        uint256 _f3,
        uint256 _f7,
        uint256 _a,
        uint256 _b
    )
        internal
        pure
        returns (bool legal_, uint256 r_)
    {
        uint256 sh = _b % 32;
        if (_f7 == 0) {
            legal_ = true;
            if (_f3 == 0) r_ = (_a + _b) % TWO32;
            else if (_f3 == 1) r_ = (_a * pow2(sh)) % TWO32;
            else if (_f3 == 2) r_ = s32(_a) < s32(_b) ? 1 : 0;
            else if (_f3 == 3) r_ = _a < _b ? 1 : 0;
            else if (_f3 == 4) r_ = _a ^ _b;
            else if (_f3 == 5) r_ = _a / pow2(sh);
            else if (_f3 == 6) r_ = _a | _b;
            else r_ = _a & _b;
        } else if (_f7 == 0x20) {
            if (_f3 == 0) (legal_, r_) = (true, (_a + TWO32 - _b) % TWO32);
            else if (_f3 == 5) (legal_, r_) = (true, u32(floorDiv(s32(_a), int256(pow2(sh)))));
        } else if (_f7 == 1) {
            legal_ = true;
            int256 sa = s32(_a);
            int256 sb = s32(_b);
            if (_f3 == 0) r_ = (_a * _b) % TWO32;
            else if (_f3 == 1) r_ = u32(floorDiv(sa * sb, ITWO32));
            else if (_f3 == 2) r_ = u32(floorDiv(sa * int256(_b), ITWO32));
            else if (_f3 == 3) r_ = (_a * _b) / TWO32;
            else if (_f3 == 4) r_ = _b == 0 ? TWO32 - 1 : u32(truncDiv(sa, sb));
            else if (_f3 == 5) r_ = _b == 0 ? TWO32 - 1 : _a / _b;
            else if (_f3 == 6) r_ = _b == 0 ? _a : u32(sa - sb * truncDiv(sa, sb));
            else r_ = _b == 0 ? _a : _a % _b;
        }
    }

    /// @notice Whether the branch with funct3 `_f3` is taken.
    function branch(uint256 _f3, uint256 _a, uint256 _b) internal pure returns (bool) {
        if (_f3 == 0) return _a == _b;
        if (_f3 == 1) return _a != _b;
        if (_f3 == 4) return s32(_a) < s32(_b);
        if (_f3 == 5) return s32(_a) >= s32(_b);
        if (_f3 == 6) return _a < _b;
        return _a >= _b;
    }

    /// @notice Whether `_w` decodes, per the spec's table.
    function legal(uint32 _w) internal pure returns (bool) {
        uint256 opc = _w % 128;
        uint256 f3 = (_w / pow2(12)) % 8;
        uint256 f7 = _w / pow2(25);
        if (opc == 0x33) return f7 == 0 || f7 == 1 || (f7 == 0x20 && (f3 == 0 || f3 == 5));
        if (opc == 0x13) {
            if (f3 == 1) return f7 == 0;
            if (f3 == 5) return f7 == 0 || f7 == 0x20;
            return true;
        }
        if (opc == 0x03) return f3 == 0 || f3 == 1 || f3 == 2 || f3 == 4 || f3 == 5;
        if (opc == 0x23) return f3 <= 2;
        if (opc == 0x63) return f3 != 2 && f3 != 3;
        if (opc == 0x6F || opc == 0x37 || opc == 0x17) return true;
        if (opc == 0x67) return f3 == 0;
        if (opc == 0x0F) return f3 == 0;
        if (opc == 0x73) return _w == 0x00000073 || _w == 0x00100073;
        return false;
    }

    /// @notice Sign-extends the low `_bits` of `_x` to a 32-bit pattern.
    function sext(uint256 _x, uint256 _bits) internal pure returns (uint256) {
        _x = _x % pow2(_bits);
        if (_x >= pow2(_bits - 1)) return (_x + TWO32 - pow2(_bits)) % TWO32;
        return _x;
    }

    /// @notice The I-type immediate from bit fields.
    function immI(uint32 _w) internal pure returns (uint256) {
        return sext(_w / pow2(20), 12);
    }

    /// @notice The S-type immediate from bit fields.
    function immS(uint32 _w) internal pure returns (uint256) {
        // Bit fields are extracted by division on purpose (no shifts in the reference).
        // forge-lint: disable-next-line(divide-before-multiply)
        return sext((_w / pow2(25)) * 32 + (_w / pow2(7)) % 32, 12);
    }

    /// @notice The B-type immediate from bit fields.
    function immB(uint32 _w) internal pure returns (uint256) {
        uint256 b12 = _w / pow2(31);
        uint256 b11 = (_w / pow2(7)) % 2;
        uint256 b10to5 = (_w / pow2(25)) % 64;
        uint256 b4to1 = (_w / pow2(8)) % 16;
        return sext(b12 * pow2(12) + b11 * pow2(11) + b10to5 * pow2(5) + b4to1 * 2, 13);
    }

    /// @notice The J-type immediate from bit fields.
    function immJ(uint32 _w) internal pure returns (uint256) {
        uint256 b20 = _w / pow2(31);
        uint256 b19to12 = (_w / pow2(12)) % 256;
        uint256 b11 = (_w / pow2(20)) % 2;
        uint256 b10to1 = (_w / pow2(21)) % 1024;
        return sext(b20 * pow2(20) + b19to12 * pow2(12) + b11 * pow2(11) + b10to1 * 2, 21);
    }
}
