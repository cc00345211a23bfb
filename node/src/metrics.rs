//! The node's Prometheus metrics (`--metrics-addr`, `GET /metrics`): the questions Optimism's
//! dispute monitor answers — where the unsafe, safe and finalized heads are, how many batches
//! were posted or derived, how many outputs were proposed, finalized and discarded, how many
//! games are in progress and how much of this node's bond is at stake in them — plus the
//! pool's size. Served by a small hyper server of its own, so that scraping never waits on
//! JSON-RPC traffic.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use crate::error::{NodeError, Result};
use crate::node::Node;

/// The counters the node's loops update.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Batches this sequencer posted.
    pub batches_posted: AtomicU64,
    /// Batches this validator derived.
    pub batches_derived: AtomicU64,
    /// Outputs this validator proposed.
    pub outputs_proposed: AtomicU64,
    /// Proposals whose game was won and that were finalized.
    pub outputs_finalized: AtomicU64,
    /// Proposals whose game was lost and that were discarded.
    pub outputs_discarded: AtomicU64,
    /// Games this validator plays that are not resolved.
    pub games_in_progress: AtomicU64,
    /// This validator's bonds in unresolved games, in gwei.
    pub bonds_at_stake_gwei: AtomicU64,
}

impl Metrics {
    /// The Prometheus text exposition of `node`'s metrics.
    pub fn render(&self, node: &Node) -> String {
        let head = node.head().header.number;
        let (safe, finalized) = node.l1_heads();
        let pending = node.pool().len();
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        metric(
            "axon_l2_head",
            "gauge",
            "The L2 heads' block numbers.",
            &[
                ("{kind=\"unsafe\"}", head),
                ("{kind=\"safe\"}", safe),
                ("{kind=\"finalized\"}", finalized),
            ],
        );
        metric(
            "axon_pool_pending",
            "gauge",
            "Transactions pending in the pool.",
            &[("", pending as u64)],
        );
        metric(
            "axon_batches_posted_total",
            "counter",
            "Batches this sequencer posted to L1.",
            &[("", load(&self.batches_posted))],
        );
        metric(
            "axon_batches_derived_total",
            "counter",
            "Batches this validator derived from L1.",
            &[("", load(&self.batches_derived))],
        );
        metric(
            "axon_outputs_total",
            "counter",
            "Output proposals: made by this validator, and settled (any proposer's) as finalized or discarded.",
            &[
                ("{event=\"proposed\"}", load(&self.outputs_proposed)),
                ("{event=\"finalized\"}", load(&self.outputs_finalized)),
                ("{event=\"discarded\"}", load(&self.outputs_discarded)),
            ],
        );
        metric(
            "axon_games_in_progress",
            "gauge",
            "Output games this validator plays that are not resolved.",
            &[("", load(&self.games_in_progress))],
        );
        metric(
            "axon_bonds_at_stake_gwei",
            "gauge",
            "This validator's bonds in unresolved output games, in gwei.",
            &[("", load(&self.bonds_at_stake_gwei))],
        );
        out
    }
}

/// Serves `GET /metrics` for `node` on `addr` until the runtime stops; returns the address.
pub async fn serve(node: Arc<Node>, addr: SocketAddr) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| NodeError::Rpc { addr, reason: e.to_string() })?;
    let local =
        listener.local_addr().map_err(|e| NodeError::Rpc { addr, reason: e.to_string() })?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let node = node.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request| answer(node.clone(), request));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(local)
}

async fn answer(
    node: Arc<Node>,
    request: Request<hyper::body::Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let response = if request.method() == hyper::Method::GET && request.uri().path() == "/metrics" {
        Response::builder()
            .header("content-type", "text/plain; version=0.0.4")
            .body(Full::new(Bytes::from(node.metrics().render(&node))))
    } else {
        Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::new(Bytes::from_static(b"not found\n")))
    };
    Ok(response.unwrap_or_else(|_| Response::new(Full::new(Bytes::new()))))
}
