//! Starting and stopping a simulator: one listener on 127.0.0.1 for the API, OAuth and admin
//! routes, served connection by connection so fault injection can drop a connection.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::config::SimConfig;
use crate::middleware::{DropConnection, edge};
use crate::state::SimState;
use crate::{admin, api};

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
}

#[derive(Debug, thiserror::Error)]
#[error("fault injection dropped the connection")]
struct Dropped;

/// Entry point: `Simulator::start(SimConfig::default()).await?`.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    pub async fn start(config: SimConfig) -> Result<RunningSim, SimError> {
        let port = config.port;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| SimError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SimError::Bind { port, source })?;
        let state = Arc::new(SimState::new(config));
        let router = app(state.clone());
        let (stop, stopped) = watch::channel(false);
        let worker = tokio::spawn(state.webhooks.clone().run(stopped.clone()));
        let server = tokio::spawn(serve(listener, router, stopped));
        Ok(RunningSim {
            state,
            addr,
            stop,
            tasks: vec![server, worker],
        })
    }
}

pub fn app(state: Arc<SimState>) -> Router {
    let public = api::router().layer(axum::middleware::from_fn_with_state(state.clone(), edge));
    public.merge(admin::routes::router()).with_state(state)
}

async fn serve(listener: TcpListener, router: Router, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let router = router.clone();
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let router = router.clone();
                    async move {
                        let response = router.oneshot(request.map(Body::new)).await.unwrap_or_else(|e: Infallible| match e {});
                        if response.extensions().get::<DropConnection>().is_some() {
                            return Err(Dropped);
                        }
                        Ok(response)
                    }
                });
                connections.spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
                while connections.try_join_next().is_some() {}
            }
            _ = stopped.changed() => break,
        }
    }
    connections.abort_all();
}

/// A simulator running in this process; dropping it without `shutdown` leaves it running
/// until the runtime ends.
#[derive(Debug)]
pub struct RunningSim {
    state: Arc<SimState>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSim {
    /// `http://127.0.0.1:PORT`: both `HUBSPOT_API_BASE` and `HUBSPOT_AUTH_BASE`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulator's state, for the operations in `admin::ops` and direct inspection.
    pub fn state(&self) -> &Arc<SimState> {
        &self.state
    }

    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
