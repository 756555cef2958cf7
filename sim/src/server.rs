//! The HTTP server: accept loop (one tokio task per connection, HTTP/1.1
//! keep-alive), request capture, fault injection and dispatch by path prefix.

use crate::control;
use crate::faults::{Chaos, FaultQueue};
use crate::http::{ApiRequest, ApiResponse, Cloud, CloudApi};
use crate::inet::Inet;
use crate::log::{LogEntry, RequestLog};
use crate::starvcenter::StarVCenter;
use crate::util::now_ms;
use crate::vscale::Vscale;
use crate::zomro::Zomro;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// Settings given on the command line; `POST /_sim/reset` restores them.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Duration of every Vscale task, Zomro operation and iNET transition in milliseconds.
    pub task_ms: u64,
    /// How long every API request takes before it is answered, in milliseconds
    /// (requests wait concurrently, like round trips to a distant API).
    pub latency_ms: u64,
}

/// Everything the simulator holds: each cloud's state, the request log and
/// the pending faults.
pub struct Sim {
    /// Vscale API state.
    pub vscale: Vscale,
    /// iNET API state.
    pub inet: Inet,
    /// Zomro API state.
    pub zomro: Zomro,
    /// StarVCenter API state.
    pub starvcenter: StarVCenter,
    /// Log of API requests.
    pub log: RequestLog,
    /// Pending fault rules.
    pub faults: FaultQueue,
    /// Random faults and their figures.
    pub chaos: Chaos,
    /// Latency of every API request (`--latency-ms`, `POST /_sim/config`).
    pub latency_ms: u64,
    /// The latency given on the command line (restored by reset).
    startup_latency_ms: u64,
}

impl Sim {
    /// The startup state.
    pub fn new(config: Config) -> Self {
        Sim {
            vscale: Vscale::new(config.task_ms),
            inet: Inet::new(config.task_ms),
            zomro: Zomro::new(config.task_ms),
            starvcenter: StarVCenter::new(config.task_ms),
            log: RequestLog::default(),
            faults: FaultQueue::default(),
            chaos: Chaos::default(),
            latency_ms: config.latency_ms,
            startup_latency_ms: config.latency_ms,
        }
    }

    /// Back to the startup state (every cloud, log, faults, config).
    pub fn reset(&mut self) {
        for cloud in [Cloud::Vscale, Cloud::Inet, Cloud::Zomro, Cloud::StarVCenter] {
            if let Some(api) = self.cloud(cloud) {
                api.reset();
            }
        }
        self.log.clear();
        self.faults.clear();
        self.chaos = Chaos::default();
        self.latency_ms = self.startup_latency_ms;
    }

    /// The module serving a cloud.
    fn cloud(&mut self, cloud: Cloud) -> Option<&mut dyn CloudApi> {
        match cloud {
            Cloud::Vscale => Some(&mut self.vscale),
            Cloud::Inet => Some(&mut self.inet),
            Cloud::Zomro => Some(&mut self.zomro),
            Cloud::StarVCenter => Some(&mut self.starvcenter),
            Cloud::Unknown => None,
        }
    }

    /// `GET /_sim/state`: every cloud's objects.
    pub fn dump(&mut self, now: u64) -> Value {
        json!({
            "vscale": self.vscale.dump(now),
            "inet": self.inet.dump(now),
            "zomro": self.zomro.dump(now),
            "starvcenter": self.starvcenter.dump(now),
        })
    }

    /// Runs an API request in its cloud; unknown prefixes get 404.
    fn dispatch(&mut self, cloud: Cloud, req: &ApiRequest, now: u64) -> ApiResponse {
        match self.cloud(cloud) {
            Some(api) => api.handle(req, now),
            None => not_found(),
        }
    }

    /// The cloud's own busy answer.
    fn busy_response(&mut self, cloud: Cloud) -> ApiResponse {
        match self.cloud(cloud) {
            Some(api) => api.busy_response(),
            None => not_found(),
        }
    }

    /// An injected status fault in the cloud's own error shape.
    fn fault_response(
        &mut self,
        cloud: Cloud,
        status: u16,
        retry_after: Option<String>,
        location: Option<String>,
        message: Option<String>,
    ) -> ApiResponse {
        let message = message.unwrap_or_else(|| format!("injected fault {status}"));
        let mut resp = match self.cloud(cloud) {
            Some(api) => api.error_response(status, &message),
            None => ApiResponse::json(status, &json!({"error": message})),
        };
        if let Some(value) = retry_after {
            resp = resp.with_header("Retry-After", &value);
        }
        if let Some(url) = location {
            resp = resp.with_header("Location", &url);
        }
        resp
    }
}

/// The 404 for a path outside every API prefix.
fn not_found() -> ApiResponse {
    ApiResponse::json(404, &json!({"error": "not found"}))
}

/// The simulator state shared by all connections.
pub type Shared = Arc<Mutex<Sim>>;

/// Locks the state (a panic in another request does not wedge the server).
pub fn lock(shared: &Shared) -> MutexGuard<'_, Sim> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// The service error that makes hyper close the connection without answering.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections forever, one task each; with `tls`, each connection is
/// HTTPS (a failed handshake just closes that connection).
pub async fn serve(listener: TcpListener, shared: Shared, tls: Option<TlsAcceptor>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => match &tls {
                None => {
                    tokio::spawn(serve_connection(stream, shared.clone()));
                }
                Some(acceptor) => {
                    let (acceptor, shared) = (acceptor.clone(), shared.clone());
                    tokio::spawn(async move {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            serve_connection(stream, shared).await;
                        }
                    });
                }
            },
            Err(err) => {
                eprintln!("polycloud-sim: accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Serves HTTP/1.1 (keep-alive) on one connection, plain or TLS.
async fn serve_connection<S>(stream: S, shared: Shared)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| handle(shared.clone(), req));
    // An error here is a dropped connection, injected or by the client.
    let _ = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Handles one request: control endpoints directly, API requests through
/// faults, the cloud module and the log.
async fn handle(shared: Shared, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
    let req = capture(req).await.ok_or(Dropped)?;
    let resp = if control::is_control(&req.path) {
        control::handle(&shared, &req)
    } else {
        handle_api(&shared, &req).await?
    };
    Ok(to_hyper(resp))
}

/// Reads the whole request.
async fn capture(req: Request<Incoming>) -> Option<ApiRequest> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.ok()?.to_bytes();
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_ascii_lowercase(), value)
        })
        .collect();
    Some(ApiRequest {
        method: parts.method.as_str().to_ascii_uppercase(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers,
        body,
    })
}

/// An API request: consume a fault (a queued rule first, else a chaos draw),
/// sleep/drop/fail as it says, else run it in its cloud; log it with the status
/// actually sent (0 when dropped) and the fault served. An `after` fault runs the
/// request in its cloud first and then loses the answer.
async fn handle_api(shared: &Shared, req: &ApiRequest) -> Result<ApiResponse, Dropped> {
    let cloud = Cloud::from_path(&req.path);
    let started_ms = now_ms();
    let (seq, fault, delay) = {
        let mut sim = lock(shared);
        let body = String::from_utf8_lossy(&req.body);
        let fault = match sim.faults.take(cloud, &req.method, &req.path, &body) {
            Some(fault) => Some(fault),
            None => sim.chaos.draw(cloud),
        };
        let fault = fault.unwrap_or_default();
        let delay = sim.latency_ms + fault.latency_ms.unwrap_or(0);
        (sim.log.reserve_seq(), fault, delay)
    };
    let label = fault.label();
    // The configured latency and a latency fault: waited without the lock, so
    // requests in flight are answered concurrently.
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let mut sim = lock(shared);
    let real =
        if fault.after || (fault.status.is_none() && !fault.drop && !fault.busy && !fault.html) {
            Some(sim.dispatch(cloud, req, now_ms()))
        } else {
            None
        };
    if fault.drop {
        sim.log.push(
            LogEntry::new(seq, cloud, req, 0)
                .with_fault(label, real.is_some())
                .timed(started_ms, now_ms()),
        );
        return Err(Dropped);
    }
    let resp = match (fault.status, fault.html, fault.busy, real) {
        (_, _, true, _) => sim.busy_response(cloud),
        (status, true, _, real) => {
            let status = status.or(real.map(|r| r.status)).unwrap_or(502);
            proxy_page(status)
        }
        (Some(status), false, _, _) => sim.fault_response(
            cloud,
            status,
            fault.retry_after,
            fault.location.clone(),
            fault.message.clone(),
        ),
        (None, false, _, Some(real)) => real,
        (None, false, _, None) => sim.dispatch(cloud, req, now_ms()),
    };
    let processed = fault.after || label.as_deref().is_none_or(|l| l == "latency");
    sim.log.push(
        LogEntry::new(seq, cloud, req, resp.status)
            .with_fault(label, processed)
            .timed(started_ms, now_ms()),
    );
    Ok(resp)
}

/// What a reverse proxy or load balancer in front of an API answers on its own: an
/// HTML page, none of the cloud's error shape.
fn proxy_page(status: u16) -> ApiResponse {
    ApiResponse::text(
        status,
        "text/html",
        format!("<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center><hr><center>nginx</center></body></html>"),
    )
}

/// Turns an [`ApiResponse`] into a hyper response; header values that are
/// not valid HTTP are made printable ASCII first.
fn to_hyper(resp: ApiResponse) -> Response<Full<Bytes>> {
    let mut out = Response::new(Full::new(resp.body));
    *out.status_mut() =
        StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in resp.headers {
        let printable: String = value
            .chars()
            .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
            .collect();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&printable),
        ) {
            out.headers_mut().append(name, value);
        }
    }
    out
}
