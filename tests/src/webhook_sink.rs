//! A minimal HTTP endpoint on 127.0.0.1 that accepts the simulator's webhook batches and keeps
//! the events, so tests feed the sync worker exactly what HubSpot's deliveries contain. (The
//! full path through the receiver Lambda is covered in `lambda_runtime`.)

use std::sync::{Arc, Mutex};

use common::webhook::WebhookEvent;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct WebhookSink {
    pub url: String,
    events: Arc<Mutex<Vec<WebhookEvent>>>,
}

impl WebhookSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let url = format!(
            "http://{}/webhooks/hubspot",
            listener.local_addr().expect("addr")
        );
        let events = Arc::new(Mutex::new(Vec::new()));
        let kept = events.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    if let Some(body) = read_body(&mut socket).await
                        && let Ok(batch) = serde_json::from_slice::<Vec<WebhookEvent>>(&body)
                    {
                        kept.lock().unwrap_or_else(|e| e.into_inner()).extend(batch);
                    }
                    let answer =
                        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                    let _ = socket.write_all(answer).await;
                });
            }
        });
        Self { url, events }
    }

    /// Every event received so far, removed from the sink.
    pub fn take(&self) -> Vec<WebhookEvent> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Reads one HTTP/1.1 request and returns its body (by `content-length`).
async fn read_body(socket: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < end + 4 + length {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        return Some(buffer[end + 4..end + 4 + length].to_vec());
    }
}
