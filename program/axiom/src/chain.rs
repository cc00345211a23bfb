//! Header chains: each header's `parentHash` is its predecessor's hash, and the last one's
//! hash is trusted (an anchor: a recent `blockhash()`, or a cached group's `prevHash`). Since
//! keccak-256 is collision resistant, the anchor then commits to every header of the chain.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, B256};

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

/// Follows `parentHash` links back from the block whose hash is `anchor` to the first block
/// of its 1024-block group, fetching each header by its hash with `fetch` (in the guest: the
/// preimage oracle's keccak keys). Returns the headers oldest first: the chain behind a
/// [`GroupClaim`] of the anchor's group, with `numFinal` reaching the anchor.
///
/// The anchor's header is hashed and must hash to the anchor ([`Error::AnchorMismatch`]): an
/// oracle key keeps only bytes 1..32 of a keccak hash (byte 0 is its type), so an anchor that
/// differs from the real hash in byte 0 alone would fetch the same header. Every parent's hash
/// comes from a header already bound to its hash, and the oracle's keys bind each fetched
/// header to the 31 bytes that remain, so the parents are not re-hashed.
///
/// [`GroupClaim`]: crate::group::GroupClaim
pub fn walk_back_to_group_start(
    anchor: B256,
    mut fetch: impl FnMut(&B256) -> Vec<u8>,
) -> Result<Vec<BlockHeader>> {
    let mut chain: Vec<BlockHeader> = Vec::new();
    let mut hash = anchor;
    loop {
        let raw = fetch(&hash);
        if chain.is_empty() {
            let actual = keccak256(&raw);
            if actual != anchor {
                return Err(Error::AnchorMismatch { anchor, actual });
            }
        }
        let header = BlockHeader::from_preimage(&raw, hash, chain.len())?;
        if let Some(child) = chain.last() {
            if header.number().checked_add(1) != Some(child.number()) {
                return Err(Error::NotConsecutive {
                    previous: header.number(),
                    found: child.number(),
                });
            }
        }
        let at_group_start = header.number() % crate::group::GROUP_SIZE == 0;
        hash = header.header.parent_hash;
        chain.push(header);
        if at_group_start {
            break;
        }
    }
    chain.reverse();
    Ok(chain)
}
