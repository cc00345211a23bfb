//! Every ABI type Optimistic Axiom shares with its contracts, in one `sol!` block: the guests'
//! inputs and outputs, and the contracts' structs and interfaces (`contracts/src/axiom/`) that
//! hosts call. One block, because `sol!` resolves a struct only within its own invocation: an
//! interface declared anywhere else would need its own copy of the structs it takes, and the
//! copies could drift. `dispute/tests/abi.rs` checks every selector against forge's artifacts.

alloy_sol_types::sol! {
    /// One slot of a [`StorageClaim`].
    #[derive(Debug, PartialEq, Eq)]
    struct ClaimedSlot {
        bytes32 slot;
        uint256 value;
        bytes[] proof;
    }

    /// The storage-proof guest's input.
    #[derive(Debug, PartialEq, Eq)]
    struct StorageClaim {
        bytes32 blockHash;
        address account;
        bool exists;
        uint64 nonce;
        uint256 balance;
        bytes32 storageRoot;
        bytes32 codeHash;
        bytes[] accountProof;
        ClaimedSlot[] slots;
    }

    /// A proven slot value.
    #[derive(Debug, PartialEq, Eq)]
    struct SlotValue {
        bytes32 slot;
        uint256 value;
    }

    /// The storage-proof guest's output: the account's state and slot values at the block.
    #[derive(Debug, PartialEq, Eq)]
    struct StorageAttestation {
        bytes32 blockHash;
        uint32 blockNumber;
        address account;
        bool exists;
        uint64 nonce;
        uint256 balance;
        bytes32 storageRoot;
        bytes32 codeHash;
        SlotValue[] slots;
    }

    /// A [`GroupClaim`](crate::group::GroupClaim) as the contracts and the header-chain guest's output encode it:
    /// `abi.encode(start, prevHash, root, numFinal)`.
    #[derive(Debug, PartialEq, Eq)]
    struct GroupClaimAbi {
        uint32 start;
        bytes32 prevHash;
        bytes32 root;
        uint32 numFinal;
    }

    /// One attested slot value.
    #[derive(Debug, PartialEq, Eq)]
    struct AttestedSlot {
        uint32 blockNumber;
        address account;
        bytes32 slot;
        uint256 value;
    }

    /// The statistics of a list of attested slots.
    #[derive(Debug, PartialEq, Eq)]
    struct SlotStats {
        bytes32 attestationsHash;
        uint256 count;
        uint256 sum;
        uint256 min;
        uint256 max;
    }

    /// `contracts/src/dispute/lib/LibGameOutput.sol`: what proves a won game's output.
    #[derive(Debug, PartialEq, Eq)]
    struct OutputProof {
        address game;
        bytes finalState;
        bytes commitmentProof;
    }

    /// `IBlockHashCache.BlockHashWitness`.
    #[derive(Debug, PartialEq, Eq)]
    struct BlockHashWitness {
        uint32 blockNumber;
        bytes32 claimedBlockHash;
        bytes32 prevHash;
        uint32 numFinal;
        bytes32[10] merkleProof;
    }

    /// `contracts/src/axiom/BlockHashCache.sol`.
    #[sol(extra_derives(Debug, PartialEq, Eq))]
    interface IBlockHashCache {
        function claimRecent(uint32 blockNumber, bytes32 finalState) external payable returns (address game);
        function claimOld(bytes32 anchor, bytes32 finalState) external payable returns (address game);
        function updateRecent(OutputProof proof, GroupClaimAbi update) external;
        function updateOld(bytes32 nextRoot, uint32 nextNumFinal, OutputProof proof, GroupClaimAbi update) external;
        function claimHistorical(bytes32 endHash, bytes32 commitment) external payable returns (address game);
        function updateHistorical(bytes32 nextRoot, uint32 nextNumFinal, bytes32[128] roots, bytes32[11][127] endHashProofs, bytes proofData) external;
        function historicalGameType() external view returns (uint32);
        function cachedNumFinal(uint32 startBlockNumber) external view returns (uint32);
        function historicalRoots(uint32 startBlockNumber) external view returns (bytes32);
        function isBlockHashValid(BlockHashWitness witness) external view returns (bool);
        function recentlyAnchored(address game) external view returns (bool);
        function factory() external view returns (address);
        function gameType() external view returns (uint32);

        event UpdateEvent(uint32 startBlockNumber, bytes32 prevHash, bytes32 root, uint32 numFinal);
        event UpdateClaimed(address indexed game, bytes32 indexed anchor, bool recent);
        event HistoricalUpdateClaimed(address indexed game, bytes32 indexed endHash);

        error ClaimNotValidStatus(uint8 status);
        error GameAlreadyBonded(address game);
        error NoGameImplementation(uint32 gameType);
        error GameImplementationChanged(uint32 gameType, address implementation);
        error StaleUpdate(uint32 start, uint32 cachedNumFinal, uint32 numFinal);
        error UnknownGame(address game);
        error BlockHashUnavailable(uint32 blockNumber);
        error NotRecentlyAnchored(address game);
        error OutputMismatch(bytes32 expected, bytes32 actual);
        error IncompleteGroup(uint32 numFinal);
        error NextGroupMismatch(uint32 nextStart);
        error InvalidHistoricalStart(uint32 start);
        error InvalidHistoricalGameType(uint32 gameType);
        error InvalidEndHashProof(uint256 index);
        error GameNotWon(address game);
        error FinalStateMismatch(bytes32 rootClaim, bytes32 stateHash);
        error ProgramDidNotSucceed(uint8 status);
        error InvalidCommitmentProof();
    }

    /// `contracts/src/axiom/StorageAttestations.sol`.
    #[sol(extra_derives(Debug, PartialEq, Eq))]
    interface IStorageAttestations {
        function attestSlots(BlockHashWitness blockData, bytes32 finalState, bytes storageClaim) external payable returns (address game);
        function finalizeAttestation(OutputProof proof, StorageAttestation attestation) external;
        function slotAttestations(bytes32 key) external view returns (bool);
        function pendingAttestations(address game) external view returns (bytes32);
        function gameType() external view returns (uint32);

        event AttestationClaimed(address indexed game, uint32 indexed blockNumber, address indexed account, bytes storageClaim);

        error BlockHashNotCached(uint32 blockNumber, bytes32 blockHash);
        error NonCanonicalEncoding();
        error BlockHashMismatch(bytes32 witness, bytes32 storageClaim);
        error NoPendingAttestation(address game);
    }

    /// `contracts/src/axiom/SlotStatistics.sol`.
    #[sol(extra_derives(Debug, PartialEq, Eq))]
    interface ISlotStatistics {
        function claimStatistics(bytes32 finalState, bytes items) external payable returns (address game);
        function finalizeStatistics(OutputProof proof, SlotStats stats) external;
        function statistics(bytes32 attestationsHash) external view returns (SlotStats);
        function pendingStatistics(address game) external view returns (bytes32);
        function gameType() external view returns (uint32);

        event StatisticsClaimed(address indexed game, bytes32 indexed attestationsHash, bytes items);

        error NoAttestedSlots();
        error SlotNotAttested(bytes32 key);
        error NoPendingStatistics(address game);
    }
}
