//! Instructions per ML operator, from the boundaries the guest marks on the hint channel.
//!
//! The convention (see `program/inference` and `axon_ml::probe`): a line `op+ <name>` opens
//! an operator and `op- <name> <commitment>` closes it. Operators may nest; other hint lines
//! are ignored. An operator's count runs from the step after its `op+` write to the step of
//! its `op-` write, so it includes the guest's work to commit to the output.

use std::collections::BTreeMap;

/// Counts of one operator name.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OperatorCounts {
    /// Times it ran.
    pub(crate) calls: u64,
    /// Instructions while it was the innermost open operator.
    pub(crate) exclusive: u64,
    /// Instructions while it was open (counted once when it nests in itself).
    pub(crate) inclusive: u64,
}

#[derive(Debug)]
struct Open {
    name: String,
    start: u64,
}

/// Follows the hint channel and attributes steps to operators.
#[derive(Debug, Default)]
pub(crate) struct Operators {
    /// Hint bytes not yet ending in a newline.
    partial: Vec<u8>,
    open: Vec<Open>,
    /// The step up to which exclusive counts are settled.
    settled: u64,
    counts: BTreeMap<String, OperatorCounts>,
    /// Instructions while no operator was open.
    outside: u64,
}

impl Operators {
    /// Takes hint bytes written by the instruction that brought the step counter to `step`.
    pub(crate) fn hints(&mut self, bytes: &[u8], step: u64) {
        self.partial.extend_from_slice(bytes);
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line[..end]);
            let mut words = line.split(' ');
            match (words.next(), words.next()) {
                (Some("op+"), Some(name)) => self.begin(name, step),
                (Some("op-"), Some(name)) => self.end(name, step),
                _ => {}
            }
        }
    }

    /// Closes the accounting at the run's last step; operators still open count up to it.
    pub(crate) fn finish(&mut self, step: u64) {
        while let Some(top) = self.open.last() {
            let name = top.name.clone();
            self.end(&name, step);
        }
        self.settle(step);
    }

    /// The counts per operator name, in name order.
    pub(crate) fn counts(&self) -> &BTreeMap<String, OperatorCounts> {
        &self.counts
    }

    /// Instructions executed while no operator was open.
    pub(crate) fn outside(&self) -> u64 {
        self.outside
    }

    fn begin(&mut self, name: &str, step: u64) {
        self.settle(step);
        self.counts.entry(name.to_string()).or_default().calls += 1;
        self.open.push(Open { name: name.to_string(), start: step });
    }

    /// Closes the innermost open operator called `name` and any left open inside it; an
    /// `op-` that matches nothing open is ignored.
    fn end(&mut self, name: &str, step: u64) {
        let Some(at) = self.open.iter().rposition(|o| o.name == name) else { return };
        self.settle(step);
        let closed: Vec<Open> = self.open.drain(at..).rev().collect();
        for closed in closed {
            let reopened = self.open.iter().any(|o| o.name == closed.name);
            if !reopened {
                self.counts.entry(closed.name).or_default().inclusive += step - closed.start;
            }
        }
    }

    /// Gives the steps since the last event to the innermost open operator.
    fn settle(&mut self, step: u64) {
        let steps = step - self.settled;
        match self.open.last() {
            Some(top) => self.counts.entry(top.name.clone()).or_default().exclusive += steps,
            None => self.outside += steps,
        }
        self.settled = step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_operators_split_exclusive_and_inclusive_counts() {
        let mut ops = Operators::default();
        ops.hints(b"op+ layer\n", 10);
        ops.hints(b"op+ mat", 12);
        ops.hints(b"mul\n", 13);
        ops.hints(b"op- matmul 00ff\nnot an op\n", 20);
        ops.hints(b"op- layer 11\n", 25);
        ops.hints(b"op- nothing-open 22\n", 26);
        ops.finish(30);
        let layer = ops.counts()["layer"];
        let matmul = ops.counts()["matmul"];
        assert_eq!(layer, OperatorCounts { calls: 1, exclusive: 3 + 5, inclusive: 15 });
        assert_eq!(matmul, OperatorCounts { calls: 1, exclusive: 7, inclusive: 7 });
        assert_eq!(ops.outside(), 10 + 5);
    }

    #[test]
    fn an_operator_left_open_counts_to_the_end() {
        let mut ops = Operators::default();
        ops.hints(b"op+ softmax\n", 4);
        ops.finish(9);
        assert_eq!(
            ops.counts()["softmax"],
            OperatorCounts { calls: 1, exclusive: 5, inclusive: 5 }
        );
        assert_eq!(ops.outside(), 4);
    }
}
