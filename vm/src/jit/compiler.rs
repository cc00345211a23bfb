//! The code generator, on a thread of its own.
//!
//! Compiling a region takes about as long as interpreting tens of thousands of its steps, so
//! the interpreter does not wait for it: it hands the region to this thread and keeps running
//! the code until the compiled function comes back, on another core. What is proven does not
//! depend on when that happens, since compiled code and the interpreter reach the same states;
//! [`Compiler::wait`] makes it happen at once, for tests that must know which ran.
//!
//! The thread owns the code memory (Cranelift's `JITModule`, which must stay on the thread that
//! made it) and frees it when the VM drops its [`Compiler`]: the functions it sent are only
//! called by that VM's dispatcher, which drops them with it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::sync::Arc;

use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Module};

use super::translate::{self, Region};
use super::RegionFn;

/// A region to compile, numbered so a result can be matched to the request it answers.
struct Request {
    ticket: u64,
    region: Region,
    /// The address page-table entries are relative to, which the code embeds.
    zero_page: usize,
}

/// A compiled region, or `None` where the code generator refused it.
pub(super) struct Compiled {
    pub(super) ticket: u64,
    pub(super) entry: u32,
    pub(super) code: Option<RegionFn>,
}

/// A VM's handle on its code-generator thread.
pub(super) struct Compiler {
    requests: Sender<Request>,
    results: Receiver<Compiled>,
    /// Requests sent whose results have not been taken.
    pending: usize,
    /// Results sent by the thread, and taken here: the dispatcher polls on every exit from
    /// compiled code, and one load of a counter is far cheaper than a channel receive.
    sent: Arc<AtomicU64>,
    taken: u64,
    next_ticket: u64,
}

impl Compiler {
    /// Starts the thread; `None` if the host cannot start one.
    pub(super) fn start() -> Option<Self> {
        let (requests, inbox) = channel::<Request>();
        let (outbox, results) = channel();
        let sent = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&sent);
        std::thread::Builder::new()
            .name("axon-vm-compiler".into())
            .spawn(move || {
                let mut engine = Engine::new();
                for request in inbox {
                    let code =
                        engine.as_mut().and_then(|e| e.compile(&request.region, request.zero_page));
                    let compiled =
                        Compiled { ticket: request.ticket, entry: request.region.entry, code };
                    if outbox.send(compiled).is_err() {
                        break;
                    }
                    counter.fetch_add(1, Ordering::Release);
                }
                // The VM is gone, and with it every pointer into the code: `engine` frees it.
            })
            .ok()?;
        Some(Self { requests, results, pending: 0, sent, taken: 0, next_ticket: 0 })
    }

    /// Queues `region` for compiling; returns its ticket, or `None` if the thread is gone.
    pub(super) fn submit(&mut self, region: Region, zero_page: usize) -> Option<u64> {
        let ticket = self.next_ticket;
        self.requests.send(Request { ticket, region, zero_page }).ok()?;
        self.next_ticket += 1;
        self.pending += 1;
        Some(ticket)
    }

    /// Whether [`Compiler::poll`] has a result to take (or, with `wait`, whether
    /// [`Compiler::wait`] has a request to wait for): one load of a counter, for the
    /// dispatcher to ask on every exit from compiled code.
    #[inline(always)]
    pub(super) fn ready(&self, wait: bool) -> bool {
        self.pending > 0 && (wait || self.sent.load(Ordering::Acquire) != self.taken)
    }

    /// A finished region if one is ready, without waiting.
    #[inline(always)]
    pub(super) fn poll(&mut self) -> Option<Compiled> {
        if !self.ready(false) {
            return None;
        }
        match self.results.try_recv() {
            Ok(compiled) => Some(self.took(compiled)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => self.gone(),
        }
    }

    /// The thread ended without answering (it panicked): nothing more will come, and the
    /// regions it held stay interpreted.
    #[cold]
    fn gone(&mut self) -> Option<Compiled> {
        self.pending = 0;
        None
    }

    fn took(&mut self, compiled: Compiled) -> Compiled {
        self.pending -= 1;
        self.taken += 1;
        compiled
    }

    /// Waits for the next finished region (`None` when nothing is pending or the thread is
    /// gone).
    pub(super) fn wait(&mut self) -> Option<Compiled> {
        if self.pending == 0 {
            return None;
        }
        match self.results.recv() {
            Ok(compiled) => Some(self.took(compiled)),
            Err(_) => self.gone(),
        }
    }
}

/// Cranelift, set up for the host, and the code it made. Dropping it frees the code.
struct Engine {
    module: Option<JITModule>,
    context: Context,
}

impl Engine {
    /// `None` if Cranelift does not support the host.
    fn new() -> Option<Self> {
        let mut flags = settings::builder();
        flags.set("opt_level", "speed").ok()?;
        flags.set("use_colocated_libcalls", "false").ok()?;
        flags.set("is_pic", "false").ok()?;
        // The IR verifier costs compile time; debug builds (the tests) keep it.
        let verify = if cfg!(debug_assertions) { "true" } else { "false" };
        flags.set("enable_verifier", verify).ok()?;
        let isa = cranelift_native::builder().ok()?.finish(settings::Flags::new(flags)).ok()?;
        let module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let context = module.make_context();
        Some(Self { module: Some(module), context })
    }

    /// Compiles `region`; `None` if the code generator refused it (the region then runs in
    /// the interpreter).
    fn compile(&mut self, region: &Region, zero_page: usize) -> Option<RegionFn> {
        let module = self.module.as_mut()?;
        module.clear_context(&mut self.context);
        self.context.func.signature = translate::signature(module.make_signature());
        let config = module.isa().frontend_config();
        translate::build(region, &mut self.context.func, config, zero_page as i64);
        let id = module.declare_anonymous_function(&self.context.func.signature).ok()?;
        module.define_function(id, &mut self.context).ok()?;
        module.finalize_definitions().ok()?;
        let code = module.get_finalized_function(id);
        // SAFETY: `code` was just compiled from a function with `translate::signature`, which
        // is `RegionFn`'s, and stays valid until the module's memory is freed in `drop`.
        Some(unsafe { std::mem::transmute::<*const u8, RegionFn>(code) })
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The VM may still call functions the thread sent before it panicked: leak them.
            return;
        }
        if let Some(module) = self.module.take() {
            // SAFETY: the engine is dropped when its thread ends without a panic, which is
            // when the VM that calls its functions has dropped its `Compiler` and, with it,
            // every pointer into the code (see the module docs).
            unsafe { module.free_memory() };
        }
    }
}
