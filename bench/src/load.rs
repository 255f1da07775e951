//! Read load: wrk as the client, and nginx serving a static file as the
//! yardstick for what this machine's loopback can do at all.

use std::{path::Path, process::Stdio, time::Duration};

use anyhow::{bail, Context};
use tokio::process::Child;

use crate::proc::stop_child;

/// What one `wrk --latency` run reports.
#[derive(Debug, Clone, Copy)]
pub struct WrkRun {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Non-2xx/3xx answers plus socket errors: anything but 0 spoils the run.
    pub failures: u64,
}

/// `wrk -t2 -c32 -d{secs}s --latency URL`, with a hard timeout.
pub async fn wrk(url: &str, secs: u64) -> anyhow::Result<WrkRun> {
    let run = tokio::process::Command::new("wrk")
        .args(["-t2", "-c32", &format!("-d{secs}s"), "--latency", url])
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(secs + 30), run)
        .await
        .context("wrk did not finish")?
        .context("running wrk (apt install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(&text).with_context(|| format!("reading wrk's output:\n{text}"))
}

fn parse_wrk(text: &str) -> anyhow::Result<WrkRun> {
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
    };
    let rps: f64 = field("Requests/sec:").context("no Requests/sec")?.parse()?;
    let p50 = duration_ms(field("50%").context("no 50% line (--latency)")?)?;
    let p99 = duration_ms(field("99%").context("no 99% line")?)?;
    let mut failures = 0;
    if let Some(n) = field("Non-2xx or 3xx responses:") {
        failures += n.parse::<u64>()?;
    }
    // "Socket errors: connect 0, read 0, write 0, timeout 0"
    if let Some(errs) = field("Socket errors:") {
        failures += errs
            .split(',')
            .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
            .sum::<u64>();
    }
    Ok(WrkRun {
        rps,
        p50_ms: p50,
        p99_ms: p99,
        failures,
    })
}

/// wrk prints `812.00us`, `1.23ms`, `2.01s` or `1.50m`.
fn duration_ms(s: &str) -> anyhow::Result<f64> {
    let split = s
        .find(|c: char| c.is_ascii_alphabetic())
        .context("no unit")?;
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse()?;
    Ok(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        other => bail!("unknown unit {other}"),
    })
}

/// Our own nginx, serving `body` for every path: a minimal config in a temp
/// directory, in the foreground, on a free port (nginx cannot take port 0).
pub struct Nginx {
    child: Child,
    pub port: u16,
}

impl Nginx {
    pub async fn start(dir: &Path, body: &[u8]) -> anyhow::Result<Self> {
        let root = dir.join("nginx");
        std::fs::create_dir_all(root.join("logs"))?;
        std::fs::write(root.join("thread.json"), body)?;
        let port = confab_testkit::free_port();
        let r = root.display();
        // Workers as many as cores, like Confab's tokio runtime; temp paths
        // inside our directory so nothing under /var is touched.
        let conf = format!(
            "daemon off;\nworker_processes auto;\npid {r}/nginx.pid;\n\
             error_log {r}/logs/error.log warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n\
               client_body_temp_path {r}/tmp-body;\n  proxy_temp_path {r}/tmp-proxy;\n\
               fastcgi_temp_path {r}/tmp-fastcgi;\n  uwsgi_temp_path {r}/tmp-uwsgi;\n\
               scgi_temp_path {r}/tmp-scgi;\n\
               server {{\n    listen 127.0.0.1:{port};\n    root {r};\n\
                 location / {{ default_type application/json; try_files /thread.json =404; }}\n\
               }}\n}}\n"
        );
        let conf_path = root.join("nginx.conf");
        std::fs::write(&conf_path, conf)?;
        let mut child = tokio::process::Command::new("nginx")
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
        let url = format!("http://127.0.0.1:{port}/");
        for _ in 0..500 {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(Self { child, port });
            }
            if let Some(status) = child.try_wait()? {
                let log = std::fs::read_to_string(root.join("logs/error.log")).unwrap_or_default();
                bail!("nginx exited with {status}: {log}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        bail!("nginx did not answer within 5 s")
    }

    pub async fn stop(mut self) {
        stop_child(&mut self.child).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read_in_milliseconds() {
        let text = "  Latency Distribution\n     50%  812.00us\n     75%    1.10ms\n     \
                    90%    2.00ms\n     99%    1.50s\n  Socket errors: connect 0, read 2, \
                    write 0, timeout 1\n  Non-2xx or 3xx responses: 3\n\
                    Requests/sec:  12345.67\nTransfer/sec:      1.00MB\n";
        let run = parse_wrk(text).unwrap();
        assert!((run.p50_ms - 0.812).abs() < 1e-9);
        assert!((run.p99_ms - 1500.0).abs() < 1e-9);
        assert!((run.rps - 12345.67).abs() < 1e-9);
        assert_eq!(run.failures, 6);
    }
}
