//! nginx at its best on this machine, as the yardstick for a thread read:
//! the exact bytes Confab sent, for each `Accept-Encoding`, as static files
//! nginx serves with sendfile, an open-file cache and precompressed
//! variants (`gzip_static`, `brotli_static`), and a check of every answer
//! before any is measured.

use std::{io::Read, path::Path, process::Stdio, time::Duration};

use anyhow::{bail, ensure, Context};
use tokio::process::Child;

use crate::{
    load::{Browser, Encoding},
    proc::stop_child,
};

/// Debian's `libnginx-mod-http-brotli-static`.
const BROTLI_STATIC: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

/// One thread response as Confab sent it: identity, gzip and brotli.
pub struct Variants {
    /// The file's name under nginx's root, `NAME.json` or `NAME.html`.
    pub name: String,
    pub identity: Vec<u8>,
    pub gzip: Vec<u8>,
    pub br: Vec<u8>,
}

impl Variants {
    /// Fetches `url` from Confab with each `Accept-Encoding` and `browser`'s
    /// `Origin`, and checks that every answer is a 200 whose body, once
    /// decompressed, is the very same document (JSON for `json`).
    pub async fn fetch(
        name: &str,
        ext: &str,
        url: &str,
        browser: &Browser,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        let mut got = Vec::new();
        for (encoding, expect) in [
            (Encoding::None, "identity"),
            (Encoding::Gzip, "gzip"),
            (Encoding::Chromium, "br"),
        ] {
            let (status, sent, body) = get(&client, url, browser, encoding).await?;
            ensure!(status == 200, "{url} with {}: {status}", encoding.label());
            ensure!(
                sent == expect,
                "{url} with {}: Confab sent {sent}, expected {expect}",
                encoding.label()
            );
            got.push(body);
        }
        let [identity, gzip, br]: [Vec<u8>; 3] =
            got.try_into().map_err(|_| anyhow::anyhow!("3"))?;
        ensure!(
            ext != "json" || serde_json::from_slice::<serde_json::Value>(&identity).is_ok(),
            "not JSON"
        );
        ensure!(
            gunzip(&gzip)? == identity,
            "the gzip body is not the same document"
        );
        ensure!(
            unbrotli(&br)? == identity,
            "the brotli body is not the same document"
        );
        Ok(Self {
            name: format!("{name}.{ext}"),
            identity,
            gzip,
            br,
        })
    }
}

/// Status, `Content-Encoding` (or "identity") and body of one GET.
async fn get(
    client: &reqwest::Client,
    url: &str,
    browser: &Browser,
    encoding: Encoding,
) -> anyhow::Result<(u16, String, Vec<u8>)> {
    let mut req = client.get(url).header("origin", &browser.origin);
    if let Some(h) = encoding.header() {
        req = req.header("accept-encoding", h);
    }
    let resp = req.send().await?;
    let sent = resp
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    Ok((resp.status().as_u16(), sent, resp.bytes().await?.to_vec()))
}

pub fn gunzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

pub fn unbrotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out)?;
    Ok(out)
}

/// Our own nginx in the foreground, on a free port (nginx cannot take
/// port 0), with temp paths in our folder so nothing under /var is touched.
pub struct Nginx {
    child: Child,
    pub port: u16,
}

impl Nginx {
    pub fn url(&self, file: &Variants) -> String {
        format!("http://127.0.0.1:{}/{}", self.port, file.name)
    }

    /// Serves `files` (and their `.gz` and `.br`) with `workers` worker
    /// processes, answering `origin` as Confab does, then checks them.
    pub async fn start(
        dir: &Path,
        files: &[Variants],
        workers: u32,
        browser: &Browser,
    ) -> anyhow::Result<Self> {
        let root = dir.join(format!("nginx-{workers}"));
        let www = root.join("www");
        std::fs::create_dir_all(root.join("logs"))?;
        std::fs::create_dir_all(&www)?;
        for f in files {
            std::fs::write(www.join(&f.name), &f.identity)?;
            std::fs::write(www.join(format!("{}.gz", f.name)), &f.gzip)?;
            std::fs::write(www.join(format!("{}.br", f.name)), &f.br)?;
        }
        readable_by_all(dir, &www)?;
        let port = confab_testkit::free_port();
        let conf_path = root.join("nginx.conf");
        std::fs::write(&conf_path, config(&root, port, workers, &browser.origin))?;
        let child = tokio::process::Command::new("nginx")
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(&root)
            // -e: the error log before the config is read, else /var/log.
            .arg("-e")
            .arg(root.join("logs/error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting nginx (apt install nginx-light)")?;
        let mut nginx = Self { child, port };
        if let Err(e) = nginx.check(&root, files, browser).await {
            nginx.child.kill().await.ok();
            return Err(e);
        }
        Ok(nginx)
    }

    /// Waits up to 5 s for nginx, then asks for every file with every
    /// encoding: each must be a 200 with the full body, compressed as asked.
    async fn check(
        &mut self,
        root: &Path,
        files: &[Variants],
        browser: &Browser,
    ) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let first = files.first().context("no files")?;
        for i in 0.. {
            if reqwest::get(self.url(first)).await.is_ok() {
                break;
            }
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(root.join("logs/error.log")).unwrap_or_default();
                bail!("nginx exited with {status}: {log}");
            }
            ensure!(i < 500, "nginx did not answer within 5 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        for f in files {
            let url = self.url(f);
            for (encoding, want, body) in [
                (Encoding::None, "identity", &f.identity),
                (Encoding::Gzip, "gzip", &f.gzip),
                (Encoding::Chromium, "br", &f.br),
            ] {
                let (status, sent, got) = get(&client, &url, browser, encoding).await?;
                ensure!(
                    status == 200 && sent == want && got == *body,
                    "nginx answered {url} with {}: {status}, {sent}, {} of {} bytes",
                    encoding.label(),
                    got.len(),
                    body.len()
                );
            }
        }
        Ok(())
    }

    pub async fn stop(mut self) {
        stop_child(&mut self.child).await;
    }
}

/// nginx's workers run as `nobody`: the scratch folder (0700 from mktemp)
/// and everything up to the files must let them in.
fn readable_by_all(scratch: &Path, www: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut dir = www.to_path_buf();
    loop {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        if dir == scratch || !dir.pop() || !dir.starts_with(scratch) {
            break;
        }
    }
    for entry in std::fs::read_dir(www)? {
        std::fs::set_permissions(entry?.path(), std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(())
}

/// The config: everything that makes a static file fast here. Keep-alive
/// without a request cap (Confab has none either), the CORS header Confab
/// sends, and `Vary` from `gzip_static`.
fn config(root: &Path, port: u16, workers: u32, origin: &str) -> String {
    let r = root.display();
    format!(
        "daemon off;\nworker_processes {workers};\npid {r}/nginx.pid;\n\
         load_module {BROTLI_STATIC};\n\
         error_log {r}/logs/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n\
           client_body_temp_path {r}/tmp-body;\n  proxy_temp_path {r}/tmp-proxy;\n\
           fastcgi_temp_path {r}/tmp-fastcgi;\n  uwsgi_temp_path {r}/tmp-uwsgi;\n\
           scgi_temp_path {r}/tmp-scgi;\n\
           {}\
           server {{\n    listen 127.0.0.1:{port} reuseport;\n    root {r}/www;\n\
             add_header Access-Control-Allow-Origin \"{origin}\";\n\
             location / {{ }}\n\
           }}\n}}\n",
        TUNING
    )
}

/// The `http` block's settings, quoted in the report's Method.
pub const TUNING: &str = "sendfile on; tcp_nopush on; tcp_nodelay on; \
    open_file_cache max=64 inactive=60s; open_file_cache_valid 60s; \
    open_file_cache_min_uses 1; gzip_static on; brotli_static on; gzip_vary on; \
    keepalive_requests 1000000; keepalive_timeout 75s; \
    types { text/html html; } default_type application/json; etag on;\n";
