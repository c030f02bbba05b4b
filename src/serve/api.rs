//! The HTTP side of `lwsim serve`: routes, request bodies, the bounded simulation pool, and
//! every error as a JSON `{"error": ...}` with the status that fits.
//!
//! Only the embedded page and the JSON API are served: no path from a request reaches the file
//! system. Simulations run on tokio's blocking pool, at most [`Limits::running`] at once and
//! [`Limits::queued`] more waiting; beyond that a request is answered 503 at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use tokio::sync::Semaphore;

use super::assets;
use super::engine::{Engine, Failure, KeyRow, RunRequest};

/// How much the server takes on.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes (over it: 413).
    pub body_bytes: usize,
    /// Simulations running at once.
    pub running: usize,
    /// Simulations waiting for a turn; one more is answered 503.
    pub queued: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 1 << 20,
            running: 2,
            queued: 8,
        }
    }
}

/// What every request handler shares.
struct Shared {
    engine: Engine,
    keys: Vec<KeyRow>,
    limits: Limits,
    turns: Arc<Semaphore>,
    /// Simulations running or waiting.
    in_flight: Arc<AtomicUsize>,
}

type App = Arc<Shared>;

/// The router: the page, its script and style, and the API. With `local`, only requests
/// addressed to this machine by name (`localhost`, `127.0.0.1`, `[::1]`) are answered: a web page
/// elsewhere cannot reach the server through a name of its own (DNS rebinding).
pub fn router(engine: Engine, limits: Limits, local: bool) -> Router {
    let shared = Arc::new(Shared {
        engine,
        keys: super::engine::keys(),
        limits,
        turns: Arc::new(Semaphore::new(limits.running.max(1))),
        in_flight: Arc::new(AtomicUsize::new(0)),
    });
    let router = Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", assets::INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", assets::APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", assets::APP_CSS) }),
        )
        .route("/api/scenarios", get(scenarios))
        .route("/api/keys", get(keys))
        .route("/api/figures", get(figures))
        .route("/api/resolve", post(resolve))
        .route("/api/run", post(run))
        .route("/api/compare", post(compare))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed here: the page, /api/scenarios, /api/keys and /api/figures are GET; /api/resolve, /api/run and /api/compare are POST".into(),
            )
        })
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .with_state(shared);
    if local {
        router.layer(axum::middleware::from_fn(addressed_here))
    } else {
        router
    }
}

/// Answer only requests whose `Host` names this machine.
async fn addressed_here(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host.as_str(),
    };
    let here = name.eq_ignore_ascii_case("localhost")
        || name == "[::1]"
        || name.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback());
    if here {
        next.run(request).await
    } else {
        error(
            StatusCode::FORBIDDEN,
            format!(
                "this server answers only requests addressed to this machine (localhost or 127.0.0.1), not {host:?}; to serve others, start it with --bind"
            ),
        )
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// A JSON response.
fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the answer as JSON: {e}"),
        ),
    }
}

/// `{"error": message}` with a status.
fn error(status: StatusCode, message: String) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A refused request: its status and message, answered as [`error`] does.
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

fn failure(f: Failure) -> Refusal {
    match f {
        Failure::Bad(m) => Refusal(StatusCode::BAD_REQUEST, m),
        Failure::Internal(m) => Refusal(StatusCode::INTERNAL_SERVER_ERROR, m),
    }
}

async fn not_found(uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!(
            "nothing at {}: the explorer is at / and its API under /api/",
            uri.path()
        ),
    )
}

async fn scenarios(State(app): State<App>) -> Response {
    let engine = app.engine.clone();
    match tokio::task::spawn_blocking(move || engine.scenario_names()).await {
        Ok(Ok(names)) => json(StatusCode::OK, &names),
        Ok(Err(f)) => failure(f).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("listing scenarios failed: {e}"),
        ),
    }
}

async fn keys(State(app): State<App>) -> Response {
    json(StatusCode::OK, &app.keys)
}

/// What the page tabulates and charts: the headline figures and weekly measures as declared,
/// in the page's order ([`super::figures`]).
async fn figures() -> Response {
    json(StatusCode::OK, &super::figures::figures())
}

/// A request body as `T`: too large is 413, anything else malformed 400.
/// A JSON body is required (`Content-Type: application/json`): a web page elsewhere cannot send
/// one without the browser asking this server first, which it does not allow.
fn parse<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<T, Refusal> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(Refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected a JSON body, sent with Content-Type: application/json".into(),
        ));
    }
    let bytes = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body over {} bytes", crate::human::count(limit as u64)),
            )
        } else {
            Refusal(r.status(), format!("cannot read the request body: {}", r.body_text()))
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Refusal(StatusCode::BAD_REQUEST, format!("malformed request: {e}")))
}

/// Run cheap, blocking work (reading and checking scenarios) off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T, Failure> + Send + 'static) -> Result<T, Refusal> {
    match tokio::task::spawn_blocking(work).await {
        Ok(r) => r.map_err(failure),
        Err(e) => Err(crash(&e)),
    }
}

fn crash(e: &tokio::task::JoinError) -> Refusal {
    Refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!(
            "the simulation failed ({}): this is a bug in lwsim; the server goes on",
            if e.is_panic() { "a panic" } else { "cancelled" }
        ),
    )
}

/// Counts a simulation as in flight until dropped: while it waits (dropped with the request if
/// the client goes away), then while it runs (dropped when the simulation ends, even if the
/// client has gone).
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Run a simulation on the bounded pool: wait for a turn (503 when too many wait already),
/// then run on a blocking thread. A panic inside becomes a 500; the server goes on.
async fn simulate<T: Send + 'static>(
    app: &App,
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Refusal> {
    let most = app.limits.running.max(1) + app.limits.queued;
    if app.in_flight.fetch_add(1, Ordering::SeqCst) >= most {
        app.in_flight.fetch_sub(1, Ordering::SeqCst);
        return Err(Refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the server is busy: {most} simulations are running or waiting; try again in a moment"),
        ));
    }
    let counted = InFlight(app.in_flight.clone());
    let turn = app
        .turns
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Refusal(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping".into()))?;
    let done = tokio::task::spawn_blocking(move || {
        // Both held until the simulation ends, even if the client has gone.
        let _held = (turn, counted);
        work()
    })
    .await;
    match done {
        Ok(r) => r.map_err(failure),
        Err(e) => Err(crash(&e)),
    }
}

/// Not in INTERFACE.md's list: the scenario a run specification resolves to, as TOML (what
/// "Download scenario" saves) and every key's value (the page's levers start from them).
async fn resolve(State(app): State<App>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let request: RunRequest = match parse(&headers, body, app.limits.body_bytes) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let engine = app.engine.clone();
    match blocking(move || engine.resolve(&request)).await {
        Ok(resolved) => json(StatusCode::OK, &resolved),
        Err(e) => e.into_response(),
    }
}

async fn run(State(app): State<App>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    prepare_then_simulate(app, &headers, body, Engine::prepare_run, |e, s| e.run(s)).await
}

async fn compare(State(app): State<App>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    prepare_then_simulate(app, &headers, body, Engine::prepare_compare, |e, (r, s)| {
        e.compare(r, s)
    })
    .await
}

/// A simulation request: parse the body, `prepare` it (read and check the scenarios, cap the
/// work: cheap, off the async thread, no turn needed), then `simulate` it on the bounded pool.
async fn prepare_then_simulate<Q, P, A>(
    app: App,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    prepare: fn(&Engine, &Q) -> Result<P, Failure>,
    simulate_it: fn(&Engine, &P) -> Result<A, Failure>,
) -> Response
where
    Q: serde::de::DeserializeOwned + Send + 'static,
    P: Send + 'static,
    A: Serialize + Send + 'static,
{
    let answer = async {
        let request: Q = parse(headers, body, app.limits.body_bytes)?;
        let engine = app.engine.clone();
        let prepared = blocking(move || prepare(&engine, &request)).await?;
        let engine = app.engine.clone();
        simulate(&app, move || simulate_it(&engine, &prepared)).await
    };
    match answer.await {
        Ok(result) => json(StatusCode::OK, &result),
        Err(e) => e.into_response(),
    }
}
