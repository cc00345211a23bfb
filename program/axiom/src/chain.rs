//! Header chains: each header's `parentHash` is its predecessor's hash, and the last one's
//! hash is trusted (an anchor: a recent `blockhash()`, or a cached group's `prevHash`). Since
//! keccak-256 is collision resistant, the anchor then commits to every header of the chain.

use alloc::vec::Vec;

use alloy_primitives::B256;

use crate::header::BlockHeader;
use crate::{Error, Result};

/// Decodes `headers` (raw RLP, oldest first) and checks that they form a chain of consecutive
/// blocks ending at the block whose hash is `anchor`.
pub fn verify_chain<H: AsRef<[u8]>>(headers: &[H], anchor: B256) -> Result<Vec<BlockHeader>> {
    let decoded = headers
        .iter()
        .enumerate()
        .map(|(index, raw)| BlockHeader::decode(raw.as_ref(), index))
        .collect::<Result<Vec<_>>>()?;
    let last = decoded.last().ok_or(Error::EmptyChain)?;
    if last.hash != anchor {
        return Err(Error::AnchorMismatch { anchor, actual: last.hash });
    }
    for pair in decoded.windows(2) {
        let (parent, child) = (&pair[0], &pair[1]);
        if parent.number().checked_add(1) != Some(child.number()) {
            return Err(Error::NotConsecutive { previous: parent.number(), found: child.number() });
        }
        if child.header.parent_hash != parent.hash {
            return Err(Error::BrokenLink {
                number: child.number(),
                parent_hash: child.header.parent_hash,
                expected: parent.hash,
            });
        }
    }
    Ok(decoded)
}
