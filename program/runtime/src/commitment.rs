//! The output commitment: 32 bytes at [`axon_abi::memory::OUTPUT_COMMITMENT`], the memory leaf
//! just below the program, where a guest puts a digest of its result. The final state's
//! memory root covers that leaf, so a claim about the result is a claim about the state a
//! dispute bisects to, and a Merkle proof of the leaf shows the result on-chain.

/// Stores `digest` (typically the keccak-256 of the program's output) in the commitment leaf.
pub fn commit(digest: &[u8; 32]) {
    let leaf = axon_abi::memory::OUTPUT_COMMITMENT as usize as *mut [u8; 32];
    // SAFETY: the memory map reserves this 32-byte-aligned leaf below the program for the
    // commitment; nothing else uses it.
    unsafe { leaf.write_volatile(*digest) };
}
