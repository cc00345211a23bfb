//! The node's Prometheus metrics (`--metrics-addr`, `GET /metrics`): the questions Optimism's
//! dispute monitor answers — where the unsafe, safe and finalized heads are, how many batches
//! were posted or derived, how many outputs were proposed, finalized and discarded, how many
//! games are in progress and how much of this node's bond is at stake in them — plus the
//! pool's size. Served by a small HTTP server of its own ([`crate::http`]), so that scraping
//! never waits on JSON-RPC traffic.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use hyper::body::Bytes;
use hyper::StatusCode;

use crate::error::Result;
use crate::http;
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
    crate::http::serve(addr, move |request| {
        if request.method() == hyper::Method::GET && request.uri().path() == "/metrics" {
            http::response(
                StatusCode::OK,
                "text/plain; version=0.0.4",
                Bytes::from(node.metrics().render(&node)),
            )
        } else {
            http::text(StatusCode::NOT_FOUND, "not found\n".into())
        }
    })
    .await
}
