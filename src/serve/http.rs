//! Answering HTTP requests from the current snapshot, and the Server-Sent Events stream
//! open pages listen on for reloads.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response};

use super::snapshot::{SiteSnapshot, PREFIX};

/// The live-reload script, served from [`PREFIX`].
const LIVERELOAD_JS: &str = include_str!("assets/livereload.js");
/// The overlay's styles, served from [`PREFIX`].
const OVERLAY_CSS: &str = include_str!("assets/overlay.css");

/// How often an idle event stream gets a comment line, so dead connections are noticed
/// and their threads end.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The snapshot being served; replaced whole by each rebuild.
pub type Current = Arc<RwLock<Arc<SiteSnapshot>>>;

/// Tells every open page that the site was rebuilt.
#[derive(Debug, Default)]
pub struct Reloader {
    clients: Mutex<Vec<Sender<u64>>>,
    closed: AtomicBool,
}

impl Reloader {
    /// A new listener; it receives the generation of every later rebuild.
    pub fn subscribe(&self) -> Receiver<u64> {
        let (tx, rx) = mpsc::channel();
        if !self.closed.load(Ordering::SeqCst) {
            lock(&self.clients).push(tx);
        }
        rx
    }

    /// Sends `generation` to every listener, forgetting those that are gone.
    pub fn broadcast(&self, generation: u64) {
        lock(&self.clients).retain(|tx| tx.send(generation).is_ok());
    }

    /// Ends every stream (on shutdown).
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        lock(&self.clients).clear();
    }

    /// Number of open streams.
    pub fn listeners(&self) -> usize {
        lock(&self.clients).len()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking holder leaves the list intact; keep serving.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Answers one request. Event-stream requests are handed to a thread of their own.
pub fn handle(request: Request, current: &Current, reloader: &Arc<Reloader>) {
    let head = matches!(request.method(), Method::Head);
    if !head && !matches!(request.method(), Method::Get) {
        let _ = request
            .respond(Response::from_string("预览服务器只接受 GET 请求").with_status_code(405));
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("").to_string();
    if let Some(name) = path.strip_prefix(PREFIX) {
        match name {
            "livereload.js" => respond(
                request,
                200,
                "text/javascript; charset=utf-8",
                LIVERELOAD_JS.as_bytes(),
                None,
                head,
            ),
            "overlay.css" => respond(
                request,
                200,
                "text/css; charset=utf-8",
                OVERLAY_CSS.as_bytes(),
                None,
                head,
            ),
            "events" => {
                let rx = reloader.subscribe();
                let generation = snapshot(current).generation;
                std::thread::spawn(move || {
                    let _ = event_stream(request.into_writer(), generation, &rx);
                });
            }
            _ => respond(
                request,
                404,
                "text/plain; charset=utf-8",
                "找不到".as_bytes(),
                None,
                head,
            ),
        }
        return;
    }
    let snapshot = snapshot(current);
    let reply = snapshot.reply(&path);
    respond(
        request,
        reply.status,
        reply.content_type,
        &reply.body,
        reply.location.as_deref(),
        head,
    );
}

/// The current snapshot (cheap: an `Arc` clone).
pub fn snapshot(current: &Current) -> Arc<SiteSnapshot> {
    current
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

fn respond(
    request: Request,
    status: u16,
    content_type: &str,
    body: &[u8],
    location: Option<&str>,
    head: bool,
) {
    let mut response = Response::from_data(if head { Vec::new() } else { body.to_vec() })
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        // A preview must always show the latest build.
        .with_header(header("Cache-Control", "no-store"));
    if let Some(location) = location {
        response.add_header(header("Location", location));
    }
    // The client may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// Writes a Server-Sent Events stream: the current generation on connecting, then a
/// `reload` event per rebuild, a comment line when idle. Returns when the client goes
/// away or the server shuts down.
fn event_stream(
    mut out: Box<dyn Write + Send>,
    generation: u64,
    rx: &Receiver<u64>,
) -> io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
          Cache-Control: no-store\r\nConnection: close\r\n\r\n",
    )?;
    write!(
        out,
        "retry: 1000\nevent: generation\ndata: {generation}\n\n"
    )?;
    out.flush()?;
    loop {
        match rx.recv_timeout(KEEPALIVE) {
            Ok(generation) => write!(out, "event: reload\ndata: {generation}\n\n")?,
            Err(RecvTimeoutError::Timeout) => out.write_all(b": keep-alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        out.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reloader_reaches_listeners_and_forgets_gone_ones() {
        let reloader = Reloader::default();
        let a = reloader.subscribe();
        let b = reloader.subscribe();
        drop(b);
        reloader.broadcast(3);
        assert_eq!(a.recv().unwrap(), 3);
        assert_eq!(reloader.listeners(), 1);
        reloader.close();
        assert!(a.recv().is_err());
        let late = reloader.subscribe();
        assert!(late.recv().is_err(), "no listener after close");
    }

    #[test]
    fn event_stream_format() {
        let (tx, rx) = mpsc::channel();
        tx.send(5).unwrap();
        drop(tx);
        let buffer = Arc::new(Mutex::new(Vec::new()));
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        event_stream(Box::new(Shared(buffer.clone())), 4, &rx).unwrap();
        let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("text/event-stream"));
        assert!(text.contains("event: generation\ndata: 4\n\n"));
        assert!(text.ends_with("event: reload\ndata: 5\n\n"));
    }
}
