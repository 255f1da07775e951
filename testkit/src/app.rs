//! The app in-process, on port 0.

use confab::{AppState, Config};
use tokio::{sync::oneshot, task::JoinHandle};

/// A running app, stopped when dropped.
pub struct Served {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub address: String,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// Binds port 0, lets `configure` set the configuration up knowing the
/// address (for `public_url`), and serves the app there.
pub async fn spawn_app(configure: impl FnOnce(&str) -> Config) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(configure(&address))
        .await
        .expect("the app starts");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(confab::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    Served {
        address,
        state,
        stop: Some(stop),
        server: Some(server),
    }
}

impl Served {
    /// Stops the server and waits for in-flight requests to finish.
    pub async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server ran");
        }
    }
}
