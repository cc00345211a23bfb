// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title MockPreimageOracle
/// @notice Answers `readPreimage` from parts a test sets directly, for replaying step fixtures
///         that carry the oracle's answer `(part, part_len)` rather than the data behind it.
contract MockPreimageOracle {
    struct Part {
        bool ok;
        bytes32 dat;
        uint256 len;
    }

    mapping(bytes32 => mapping(uint256 => Part)) internal parts;

    /// @notice Makes `readPreimage(_key, _offset)` answer `(_dat, _len)`.
    function setPart(bytes32 _key, uint256 _offset, bytes32 _dat, uint256 _len) external {
        parts[_key][_offset] = Part({ ok: true, dat: _dat, len: _len });
    }

    /// @notice The part set for `(_key, _offset)`; reverts when none was set.
    function readPreimage(
        bytes32 _key,
        uint256 _offset
    )
        external
        view
        returns (bytes32 dat_, uint256 datLen_)
    {
        Part memory p = parts[_key][_offset];
        require(p.ok, "MockPreimageOracle: part not set");
        return (p.dat, p.len);
    }
}
