//! Stopping cleanly on SIGINT (Ctrl-C) and SIGTERM: the command line installs the handlers
//! ([`install`]); the runners ask [`check`] between replicates and between sweep points and stop
//! with [`Error::Interrupted`], so temporary files are removed (each `Batch` cleans up when it is
//! dropped), the results directory's lock is released, and the process exits 130 or 143. A
//! second signal while stopping ends the process at once with the same status.
//!
//! Without [`install`] (the library used from tests, or another front end), nothing is
//! registered and [`check`] fails only after [`request`] (the Python module's Ctrl-C).

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::Error;

/// The exit status of the signal received (130 or 143), or 0.
static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// Register the handlers for SIGINT and SIGTERM (once; later calls do nothing).
///
/// # Errors
/// The operating system's error if a handler cannot be registered.
pub fn install() -> std::io::Result<()> {
    if RECEIVED.get().is_some() {
        return Ok(());
    }
    let received = Arc::new(AtomicUsize::new(0));
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        let stopping = Arc::new(AtomicBool::new(false));
        for (signal, status) in [(SIGINT, 130), (SIGTERM, 143)] {
            // A second signal while stopping: exit now (registered first, so it sees the flag
            // as the previous signal left it).
            flag::register_conditional_shutdown(signal, status, Arc::clone(&stopping))?;
            flag::register(signal, Arc::clone(&stopping))?;
            flag::register_usize(signal, Arc::clone(&received), status as usize)?;
        }
    }
    #[cfg(not(unix))]
    let _ = AtomicBool::new(false);
    let _ = RECEIVED.set(received);
    Ok(())
}

/// A stop asked for by a front end that watches for signals itself (the Python module, which
/// leaves SIGINT to Python): the exit status it stands for, or 0.
static REQUESTED: AtomicUsize = AtomicUsize::new(0);

/// Ask the runners to stop as if a signal had arrived (`status` 130 for SIGINT, 143 for
/// SIGTERM), for a front end that handles signals itself; [`clear_request`] withdraws it.
pub fn request(status: u8) {
    REQUESTED.store(usize::from(status), Ordering::Relaxed);
}

/// Withdraw a stop asked for with [`request`], before the next piece of work.
pub fn clear_request() {
    REQUESTED.store(0, Ordering::Relaxed);
}

/// The exit status of a signal received since [`install`] (130 for SIGINT, 143 for SIGTERM),
/// or of a stop asked for with [`request`].
pub fn received() -> Option<u8> {
    let requested = REQUESTED.load(Ordering::Relaxed);
    if requested != 0 {
        return Some(requested as u8);
    }
    let status = RECEIVED.get()?.load(Ordering::Relaxed);
    (status != 0).then_some(status as u8)
}

/// `Err(Error::Interrupted)` once a signal has been received: the caller stops its work.
///
/// # Errors
/// [`Error::Interrupted`] with the signal's exit status.
pub fn check() -> Result<(), Error> {
    match received() {
        Some(status) => Err(Error::Interrupted { status }),
        None => Ok(()),
    }
}
