//! The node's small HTTP servers (Prometheus metrics, model DA): each on its own listener and
//! hyper connection tasks, so that neither waits on JSON-RPC traffic or on the other.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use crate::error::{NodeError, Result};

/// What a server answers a request with.
pub type Answer = Response<Full<Bytes>>;

/// Serves every request on `addr` with `answer` until the runtime stops; returns the address
/// (port 0 picks a free one).
pub async fn serve<F>(addr: SocketAddr, answer: F) -> Result<SocketAddr>
where
    F: Fn(&Request<hyper::body::Incoming>) -> Answer + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| NodeError::Rpc { addr, reason: e.to_string() })?;
    let local =
        listener.local_addr().map_err(|e| NodeError::Rpc { addr, reason: e.to_string() })?;
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let response = answer(&request);
                    async move { Ok::<_, Infallible>(response) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(local)
}

/// A response of `status` with a plain-text `body`.
pub fn text(status: StatusCode, body: String) -> Answer {
    response(status, "text/plain; charset=utf-8", Bytes::from(body))
}

/// A response of `status` with `body` of `content_type`.
pub fn response(status: StatusCode, content_type: &str, body: Bytes) -> Answer {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(body))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
