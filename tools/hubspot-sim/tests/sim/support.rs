//! Shared test helpers: a started simulator with a token, a tiny HTTP client, and a webhook
//! receiver that records what it got.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hubspot_sim::{RunningSim, SimConfig, Simulator, version};
use reqwest::Method;
use serde_json::Value;

pub const PORTAL: u64 = 62515;

pub struct Api {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl Api {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the simulator answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Option<Value>) -> Resp {
        self.call(Method::PUT, path, body).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.call(Method::DELETE, path, None).await
    }

    /// Posts an `application/x-www-form-urlencoded` body (OAuth endpoints), no bearer token.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("the simulator answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        Resp {
            status,
            body,
            headers,
        }
    }
}

/// `/crm/objects/2026-09/{rest}`.
pub fn objects(rest: &str) -> String {
    format!("{}/{rest}", version::objects_prefix())
}

pub async fn start_with(config: SimConfig) -> (RunningSim, Api) {
    let sim = Simulator::start(config)
        .await
        .expect("the simulator starts");
    let token = sim.issue_token(PORTAL).access_token;
    let api = Api {
        base: sim.base_url(),
        token,
        client: reqwest::Client::new(),
    };
    (sim, api)
}

/// A simulator without rate limits (tests that are not about them make many calls).
pub async fn start() -> (RunningSim, Api) {
    let mut config = SimConfig::default();
    config.rate_limits.enabled = false;
    start_with(config).await
}

/// What a webhook receiver got: headers and raw body of each request.
#[derive(Clone, Default)]
pub struct Received {
    pub requests: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// Statuses to answer with, in order; 200 once they run out.
    pub answers: Arc<Mutex<Vec<u16>>>,
}

impl Received {
    pub fn bodies(&self) -> Vec<Value> {
        let requests = self.requests.lock().expect("lock");
        requests
            .iter()
            .map(|(_, b)| serde_json::from_slice(b).expect("json"))
            .collect()
    }

    pub fn events(&self) -> Vec<Value> {
        self.bodies()
            .into_iter()
            .flat_map(|b| b.as_array().cloned().unwrap_or_default())
            .collect()
    }
}

async fn receive(State(received): State<Received>, headers: HeaderMap, body: Bytes) -> StatusCode {
    received
        .requests
        .lock()
        .expect("lock")
        .push((headers, body));
    let mut answers = received.answers.lock().expect("lock");
    let status = if answers.is_empty() {
        200
    } else {
        answers.remove(0)
    };
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}

/// Starts a receiver; returns its URL (`http://127.0.0.1:PORT/webhooks/hubspot`).
pub async fn receiver() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/webhooks/hubspot", post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/webhooks/hubspot",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (url, received)
}
