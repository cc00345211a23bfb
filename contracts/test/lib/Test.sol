// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice The Foundry cheatcodes our tests use. Forge serves them at `VM_ADDRESS`; only the
///         signatures matter, so this interface lists just what we call (forge-std is not
///         available on our machines). Signatures follow Foundry's `Vm.sol`.
interface Vm {
    /// @notice One entry of `readDir`.
    struct DirEntry {
        string errorMessage;
        string path;
        uint64 depth;
        bool isDir;
        bool isSymlink;
    }

    // Environment.
    function warp(uint256 newTimestamp) external;
    function roll(uint256 newHeight) external;
    function setBlockhash(uint256 blockNumber, bytes32 blockHash) external;
    function cool(address target) external;
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;
    function etch(address target, bytes calldata newRuntimeBytecode) external;
    function store(address target, bytes32 slot, bytes32 value) external;
    function load(address target, bytes32 slot) external view returns (bytes32 data);
    function deal(address account, uint256 newBalance) external;
    function blobhashes(bytes32[] calldata hashes) external;
    function label(address account, string calldata newLabel) external;
    function getNonce(address account) external view returns (uint64 nonce);
    function computeCreateAddress(address deployer, uint256 nonce) external pure returns (address);

    // Expectations.
    function expectRevert() external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function assume(bool condition) external pure;
    function expectEmit(
        bool checkTopic1,
        bool checkTopic2,
        bool checkTopic3,
        bool checkData,
        address emitter
    )
        external;

    // Gas.
    function pauseGasMetering() external;
    function resumeGasMetering() external;
    function lastCallGas() external view returns (Gas memory gas);

    /// @notice The gas use of the last call, as reported by `lastCallGas`.
    struct Gas {
        uint64 gasLimit;
        uint64 gasTotalUsed;
        uint64 gasMemoryUsed;
        int64 gasRefunded;
        uint64 gasRemaining;
    }

    // Files (paths are relative to the project root, subject to `fs_permissions`).
    function projectRoot() external view returns (string memory path);
    function readFile(string calldata path) external view returns (string memory data);
    function exists(string calldata path) external view returns (bool result);
    function isDir(string calldata path) external view returns (bool result);
    function readDir(string calldata path) external view returns (DirEntry[] memory entries);

    // JSON.
    function keyExistsJson(string calldata json, string calldata key) external view returns (bool);
    function parseJson(string calldata json) external pure returns (bytes memory abiEncodedData);
    function parseJson(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (bytes memory abiEncodedData);
    function parseJsonKeys(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (string[] memory keys);
    function parseJsonUint(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (uint256);
    function parseJsonBool(string calldata json, string calldata key) external pure returns (bool);
    function parseJsonString(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (string memory);
    function parseJsonBytes(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (bytes memory);
    function parseJsonAddress(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (address);
    function parseJsonBytes32(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (bytes32);

    // Formatting.
    function toString(uint256 value) external pure returns (string memory);
    function toString(int256 value) external pure returns (string memory);
    function toString(bytes32 value) external pure returns (string memory);
    function toString(bytes calldata value) external pure returns (string memory);
    function toString(address value) external pure returns (string memory);
    function toString(bool value) external pure returns (string memory);
}

/// @title Test
/// @notice Our own minimal test base: the cheatcode handle, assertions that fail the test by
///         reverting with a readable message, and forge-std-compatible `bound`.
abstract contract Test {
    /// @notice Where Forge serves its cheatcodes.
    address internal constant VM_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));

    /// @notice The cheatcode handle.
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @notice Marks a contract as a test contract for Forge's discovery.
    bool public IS_TEST = true;

    /// @notice Emitted to show a value in the trace (`forge test -vvv`).
    event log_named_uint(string key, uint256 val);
    /// @notice Emitted to show a value in the trace (`forge test -vvv`).
    event log_named_bytes32(string key, bytes32 val);
    /// @notice Emitted to show a line in the trace (`forge test -vvv`).
    event log(string message);

    ////////////////////////////////////////////////////////////////
    //                         Assertions                         //
    ////////////////////////////////////////////////////////////////

    function fail(string memory _message) internal pure {
        revert(string.concat("assertion failed: ", _message));
    }

    function assertTrue(bool _cond) internal pure {
        if (!_cond) fail("expected true");
    }

    function assertTrue(bool _cond, string memory _err) internal pure {
        if (!_cond) fail(_err);
    }

    function assertFalse(bool _cond) internal pure {
        if (_cond) fail("expected false");
    }

    function assertFalse(bool _cond, string memory _err) internal pure {
        if (_cond) fail(_err);
    }

    function assertEq(uint256 _a, uint256 _b) internal pure {
        assertEq(_a, _b, "uint");
    }

    function assertEq(uint256 _a, uint256 _b, string memory _err) internal pure {
        if (_a != _b) {
            fail(string.concat(_err, ": ", vm.toString(_a), " != ", vm.toString(_b)));
        }
    }

    function assertEq(int256 _a, int256 _b) internal pure {
        assertEq(_a, _b, "int");
    }

    function assertEq(int256 _a, int256 _b, string memory _err) internal pure {
        if (_a != _b) {
            fail(string.concat(_err, ": ", vm.toString(_a), " != ", vm.toString(_b)));
        }
    }

    function assertEq(bytes32 _a, bytes32 _b) internal pure {
        assertEq(_a, _b, "bytes32");
    }

    function assertEq(bytes32 _a, bytes32 _b, string memory _err) internal pure {
        if (_a != _b) {
            fail(string.concat(_err, ": ", vm.toString(_a), " != ", vm.toString(_b)));
        }
    }

    function assertEq(bool _a, bool _b) internal pure {
        assertEq(_a, _b, "bool");
    }

    function assertEq(bool _a, bool _b, string memory _err) internal pure {
        if (_a != _b) {
            fail(string.concat(_err, ": ", vm.toString(_a), " != ", vm.toString(_b)));
        }
    }

    function assertEq(address _a, address _b) internal pure {
        assertEq(_a, _b, "address");
    }

    function assertEq(address _a, address _b, string memory _err) internal pure {
        if (_a != _b) {
            fail(string.concat(_err, ": ", vm.toString(_a), " != ", vm.toString(_b)));
        }
    }

    function assertEq(bytes memory _a, bytes memory _b) internal pure {
        assertEq(_a, _b, "bytes");
    }

    function assertEq(bytes memory _a, bytes memory _b, string memory _err) internal pure {
        if (keccak256(_a) != keccak256(_b)) {
            fail(string.concat(_err, ": ", vm.toString(_a), " != ", vm.toString(_b)));
        }
    }

    function assertEq(string memory _a, string memory _b) internal pure {
        if (keccak256(bytes(_a)) != keccak256(bytes(_b))) {
            fail(string.concat("string: \"", _a, "\" != \"", _b, "\""));
        }
    }

    function assertNotEq(bytes32 _a, bytes32 _b, string memory _err) internal pure {
        if (_a == _b) fail(string.concat(_err, ": both ", vm.toString(_a)));
    }

    function assertLe(uint256 _a, uint256 _b, string memory _err) internal pure {
        if (_a > _b) {
            fail(string.concat(_err, ": ", vm.toString(_a), " > ", vm.toString(_b)));
        }
    }

    ////////////////////////////////////////////////////////////////
    //                           Fuzzing                          //
    ////////////////////////////////////////////////////////////////

    /// @notice The gas a transaction with `_calldata` pays for `_executionGas` of execution:
    ///         the intrinsic 21000 and the calldata cost, with Prague's calldata floor
    ///         (EIP-7623).
    function txGas(bytes memory _calldata, uint256 _executionGas) internal pure returns (uint256) {
        uint256 tokens;
        for (uint256 i = 0; i < _calldata.length; i++) {
            tokens += _calldata[i] == 0 ? 1 : 4;
        }
        uint256 standard = 21_000 + 4 * tokens + _executionGas;
        uint256 floor = 21_000 + 10 * tokens;
        return standard > floor ? standard : floor;
    }

    /// @notice Maps `_x` into `[_min, _max]`, keeping `_x` when it already lies there and
    ///         biasing the fuzzer's edge values (0..3, max-3..max) towards the bounds, like
    ///         forge-std's `bound`.
    function bound(uint256 _x, uint256 _min, uint256 _max) internal pure returns (uint256) {
        require(_min <= _max, "bound: min > max");
        if (_x >= _min && _x <= _max) return _x;
        // Cannot overflow: the whole uint256 range returned above.
        uint256 size = _max - _min + 1;
        if (_x <= 3 && size > _x) return _min + _x;
        if (_x >= type(uint256).max - 3 && size > type(uint256).max - _x) {
            return _max - (type(uint256).max - _x);
        }
        if (_x > _max) {
            uint256 diff = _x - _max;
            uint256 rem = diff % size;
            if (rem == 0) return _max;
            return _min + rem - 1;
        }
        uint256 diffLow = _min - _x;
        uint256 remLow = diffLow % size;
        if (remLow == 0) return _min;
        return _max - remLow + 1;
    }
}
