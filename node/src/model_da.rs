//! Model DA over HTTP: models are content-addressed by their model-DA address (the blob key
//! of their bytes, a Merkle root over its chunks, which is also how the fraud proof reads
//! them), so any server can serve them and a reader trusts none.
//!
//! - A node serves the models its chain runs (`--model-da-addr`): `GET /models/0x<address>`
//!   answers the model's bytes, 404 for a model the chain does not have.
//! - A node that reads its models from such an endpoint (`--model-da URL`, the sequencer's,
//!   say) fetches each model its genesis names by address and refuses bytes whose blob key
//!   is another (a forged or damaged copy) before using them.

use std::net::SocketAddr;
use std::sync::Arc;

use alloy::primitives::B256;
use axon_vm::preimage::blob_key;
use hyper::body::Bytes;
use hyper::StatusCode;

use crate::error::{NodeError, Result};
use crate::http;
use crate::node::Node;

/// How long fetching one model may take (a hung endpoint must not hang start-up).
const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The path a model is served at.
fn path(address: B256) -> String {
    format!("/models/{address}")
}

/// Serves the models of `node`'s chain on `addr` until the runtime stops; returns the
/// address.
pub async fn serve(node: Arc<Node>, addr: SocketAddr) -> Result<SocketAddr> {
    http::serve(addr, move |request| {
        let path = request.uri().path();
        let Some(hex) = path.strip_prefix("/models/") else {
            return http::text(
                StatusCode::NOT_FOUND,
                "not found: GET /models/0x<address>\n".into(),
            );
        };
        let Ok(address) = hex.parse::<B256>() else {
            let reason = format!("{hex} is not a model-DA address (32 bytes, hex)\n");
            return http::text(StatusCode::BAD_REQUEST, reason);
        };
        if request.method() != hyper::Method::GET {
            return http::text(StatusCode::METHOD_NOT_ALLOWED, "GET only\n".into());
        }
        match node.genesis().model_files.get(&address.0) {
            Some(bytes) => http::response(
                StatusCode::OK,
                "application/octet-stream",
                Bytes::from(bytes.clone()),
            ),
            None => http::text(StatusCode::NOT_FOUND, format!("no model {address} here\n")),
        }
    })
    .await
}

/// Fetches model `address` from the model-DA endpoint `endpoint` and checks it is that
/// model. Blocking: call it outside an async runtime.
pub fn fetch(endpoint: &str, address: B256) -> Result<Vec<u8>> {
    let url = format!("{}{}", endpoint.trim_end_matches('/'), path(address));
    let failed = |reason: String| NodeError::ModelDa { url: url.clone(), reason };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("async runtime: {e}")))?;
    let bytes = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .map_err(|e| failed(e.to_string()))?;
        let response = client.get(&url).send().await.map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(failed("the endpoint does not have this model".into()));
        }
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(failed(format!("{status}: {}", body.trim())));
        }
        response.bytes().await.map_err(|e| failed(e.to_string()))
    })?;
    check(address, bytes.to_vec()).map_err(failed)
}

/// `bytes` if they are model `address`.
fn check(address: B256, bytes: Vec<u8>) -> std::result::Result<Vec<u8>, String> {
    let actual = B256::from(blob_key(&bytes));
    if actual != address {
        return Err(format!(
            "the endpoint served {} bytes that are model {actual}, not {address}: a forged or damaged copy, refused",
            bytes.len()
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_is_its_address_or_refused() {
        let model = b"a model's bytes".to_vec();
        let address = B256::from(blob_key(&model));
        assert_eq!(check(address, model.clone()), Ok(model.clone()));
        let mut forged = model;
        forged[0] ^= 1;
        let error = check(address, forged).unwrap_err();
        assert!(error.contains("forged or damaged"), "{error}");
    }
}
