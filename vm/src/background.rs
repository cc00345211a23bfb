//! Threads that work beside a run and only have to be done by its end: the hasher of state
//! roots and the writers of checkpoint files.
//!
//! A run is one thread, and it is what everyone waits for. On a machine with fewer idle
//! cores than threads (two cores for a run, its compiler and its hasher here) the scheduler
//! shares a core evenly, and the run loses time slices to work that could have waited. These
//! threads therefore lower their own priority as they start, so that the run is the last one
//! preempted; what they have left when it ends gets the cores then. The compiler keeps its
//! priority: the run waits for its regions (tests wait outright).

/// How far below the run's a background thread's priority goes (a Linux nice increment: at
/// +10 a thread gets about a tenth of a core it shares with the run).
#[cfg(target_os = "linux")]
const NICE: libc::c_int = 10;

/// Lowers the calling thread's priority below the run's. Where that fails, or elsewhere than
/// Linux, the thread keeps its priority and only competes evenly: nothing is lost but time.
pub(crate) fn yield_to_the_run() {
    // On Linux a nice value belongs to the thread, and `nice` changes the calling thread's.
    #[cfg(target_os = "linux")]
    // SAFETY: `nice` takes an integer and touches no memory of ours.
    unsafe {
        libc::nice(NICE);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The calling thread's nice value.
    fn nice() -> libc::c_int {
        // SAFETY: `getpriority` takes integers and touches no memory of ours.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
    }

    #[test]
    fn a_background_thread_yields_and_the_run_keeps_its_priority() {
        let run = nice();
        let background = std::thread::spawn(|| {
            yield_to_the_run();
            nice()
        });
        let lowered = background.join().expect("the thread ran");
        assert_eq!(lowered, (run + NICE).min(19), "the background thread yields");
        assert_eq!(nice(), run, "the thread that started it keeps its priority");
    }
}
