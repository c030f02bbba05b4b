//! `lwsim serve`: the explorer in a browser (issue 17; INTERFACE.md "`lwsim serve`").
//!
//! An HTTP server (axum on a current-thread tokio runtime) that serves one embedded page
//! ([`assets`]) and a JSON API ([`api`]) whose requests are answered by the same library calls
//! as `lwsim run` ([`engine`]), and which tells the page what to tabulate and chart
//! ([`figures`]). It reads no file but the scenarios in its `--scenarios` folder.

pub mod api;
pub mod assets;
pub mod engine;
pub mod figures;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use crate::error::Error;
pub use api::Limits;
pub use engine::Engine;

/// Most practice-weeks (replicates x practices x weeks, summed over the scenarios of one
/// request) the server simulates for one request: about 2,700 replicates of the 7-practice Deep
/// End programme over two years. Larger runs belong to `lwsim run`.
pub const MAX_WORK: u64 = 2_000_000;

/// Longest the simulations of one request may run, in seconds (a request within [`MAX_WORK`]
/// takes a few seconds; very large practices can make one take much longer).
pub const MAX_SECONDS: f64 = 30.0;

/// Seconds the requests in progress get to finish once the server is asked to stop.
pub const GRACE_SECONDS: u64 = 5;

/// Where to listen and what to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to bind (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// Port (0: any free port).
    pub port: u16,
    /// The scenarios folder: the page's list, and the only files a request can make it read.
    pub scenarios: PathBuf,
    /// Worker threads for one simulation (0: all cores).
    pub threads: usize,
    /// Body size, concurrency and queue limits.
    pub limits: Limits,
    /// Most practice-weeks one request may ask for.
    pub max_work: u64,
    /// Longest the simulations of one request may run, in seconds.
    pub max_seconds: f64,
}

/// How the server stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// SIGINT (Ctrl-C): exit status 130.
    Interrupt,
    /// SIGTERM: exit status 143.
    Terminate,
    /// Asked to stop by the caller of [`serve_until`].
    Asked,
}

/// Serve until Ctrl-C or SIGTERM. `ready` is called with the bound address once the server
/// listens and the signals are caught (it prints the URL).
///
/// # Errors
/// [`Error::Listen`] when the address cannot be bound; [`Error::Refused`] when the scenarios
/// folder is not a folder; [`Error::Io`] when the runtime cannot start or signals cannot be caught.
pub fn serve(options: &Options, ready: impl FnOnce(SocketAddr)) -> Result<Stopped, Error> {
    start(options, ready, signals)
}

/// [`serve`], stopping when `stop` completes (with the reason it gives) instead of on signals:
/// for tests and embedding.
///
/// # Errors
/// As [`serve`].
pub fn serve_until(
    options: &Options,
    ready: impl FnOnce(SocketAddr),
    stop: impl Future<Output = Stopped> + Send + 'static,
) -> Result<Stopped, Error> {
    start(options, ready, move || Ok(stop))
}

/// Bind, catch the signals (`stop` is made inside the runtime, before `ready` is called, so that
/// a Ctrl-C right after the URL is printed is caught), serve until `stop` completes.
fn start<F: Future<Output = Stopped> + Send + 'static>(
    options: &Options,
    ready: impl FnOnce(SocketAddr),
    stop: impl FnOnce() -> std::io::Result<F>,
) -> Result<Stopped, Error> {
    if !options.scenarios.is_dir() {
        return Err(Error::Refused {
            path: options.scenarios.clone(),
            message: "expected the folder of scenario files (--scenarios)".into(),
        });
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::io("<tokio runtime>", e))?;
    let stopped = runtime.block_on(async move {
        let address = SocketAddr::new(options.bind, options.port);
        let listen = |source| Error::Listen {
            address: address.to_string(),
            source,
        };
        let listener = tokio::net::TcpListener::bind(address).await.map_err(listen)?;
        let bound = listener.local_addr().map_err(listen)?;
        let engine = Engine {
            scenarios: options.scenarios.clone(),
            max_work: options.max_work,
            threads: options.threads,
            max_seconds: options.max_seconds,
        };
        let app = api::router(engine, options.limits, options.bind.is_loopback());
        let stop = stop().map_err(|e| Error::io("<signals>", e))?;
        let (tx, rx) = tokio::sync::watch::channel(None);
        let signalled = async move {
            let _ = tx.send(Some(stop.await));
        };
        // Once stopping, answers in progress get GRACE_SECONDS to finish; then the server stops
        // whatever is still open (a long simulation, a connection that never sends its request).
        let mut stopping = rx.clone();
        let grace = async move {
            let _ = stopping.wait_for(Option::is_some).await;
            tokio::time::sleep(std::time::Duration::from_secs(GRACE_SECONDS)).await;
        };
        ready(bound);
        let server = std::future::IntoFuture::into_future(axum::serve(listener, app).with_graceful_shutdown(signalled));
        tokio::select! {
            served = server => served.map_err(|e| Error::io("<server>", e))?,
            () = grace => {}
        }
        Ok(rx.borrow().unwrap_or(Stopped::Asked))
    });
    // Simulations still running on blocking threads are not waited for.
    runtime.shutdown_background();
    stopped
}

/// Catch SIGINT and SIGTERM now; the future completes when one arrives.
#[cfg(unix)]
fn signals() -> std::io::Result<impl Future<Output = Stopped> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => Stopped::Interrupt,
            _ = terminate.recv() => Stopped::Terminate,
        }
    })
}

/// Catch Ctrl-C; the future completes when it arrives.
#[cfg(not(unix))]
fn signals() -> std::io::Result<impl Future<Output = Stopped> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        Stopped::Interrupt
    })
}
