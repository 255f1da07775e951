//! Read load: wrk as the client, sending what a browser sends (a Lua
//! script of ours), and reading wrk's report.

use std::{path::Path, process::Stdio, time::Duration};

use anyhow::{bail, Context};

const BROWSER_LUA: &str = include_str!("../wrk/browser.lua");
const FLOOD_LUA: &str = include_str!("../wrk/flood.lua");

/// What one `wrk --latency` run reports.
#[derive(Debug, Clone, Copy)]
pub struct WrkRun {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers that were not 2xx or 3xx: any voids the run.
    pub non_2xx: u64,
    /// Connect, read, write errors and timeouts (wrk leaves timed-out
    /// requests out of its latencies).
    pub socket_errors: u64,
}

/// Which `Accept-Encoding` the load sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    None,
    /// What Chromium sends.
    Chromium,
    Gzip,
}

impl Encoding {
    pub const ALL: [Self; 3] = [Self::None, Self::Chromium, Self::Gzip];

    pub fn header(self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::Chromium => Some("gzip, deflate, br, zstd"),
            Self::Gzip => Some("gzip"),
        }
    }

    /// For the report: "no `Accept-Encoding`", "`Accept-Encoding: gzip`".
    pub fn label(self) -> String {
        match self.header() {
            None => "no `Accept-Encoding`".into(),
            Some(h) => format!("`Accept-Encoding: {h}`"),
        }
    }
}

/// The browser a load pretends to be: the article it reads from.
#[derive(Debug, Clone)]
pub struct Browser {
    /// `http://127.0.0.1:PORT`, the article's origin.
    pub origin: String,
    /// The article's URL, sent as `Referer`.
    pub referer: String,
}

/// The shape of one wrk run: threads, connections, seconds.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub threads: u32,
    pub conns: u32,
    pub secs: u64,
}

/// The Lua scripts, written once into the scratch folder.
pub struct Scripts {
    browser: std::path::PathBuf,
    flood: std::path::PathBuf,
}

impl Scripts {
    pub fn write(dir: &Path) -> anyhow::Result<Self> {
        let browser = dir.join("wrk-browser.lua");
        let flood = dir.join("wrk-flood.lua");
        std::fs::write(&browser, BROWSER_LUA)?;
        std::fs::write(&flood, format!("{BROWSER_LUA}\n{FLOOD_LUA}"))?;
        Ok(Self { browser, flood })
    }

    /// `shape` against `url` with `browser`'s headers and `encoding`.
    pub async fn read(
        &self,
        url: &str,
        shape: Shape,
        browser: &Browser,
        encoding: Encoding,
    ) -> anyhow::Result<WrkRun> {
        let args = browser_args(browser, encoding);
        wrk(url, shape, &self.browser, &args).await
    }

    /// `shape` asking for a new page key each request: `url` ends in
    /// `?page=/random`, and the script appends to it.
    pub async fn flood(
        &self,
        url: &str,
        shape: Shape,
        browser: &Browser,
    ) -> anyhow::Result<WrkRun> {
        let mut args = browser_args(browser, Encoding::Chromium);
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros());
        args.push(salt.to_string());
        wrk(url, shape, &self.flood, &args).await
    }
}

fn browser_args(browser: &Browser, encoding: Encoding) -> Vec<String> {
    vec![
        encoding.header().unwrap_or("").to_owned(),
        browser.origin.clone(),
        browser.referer.clone(),
    ]
}

/// `wrk -tT -cC -dSs --latency -s SCRIPT URL -- ARGS`, with a hard timeout.
async fn wrk(url: &str, shape: Shape, script: &Path, args: &[String]) -> anyhow::Result<WrkRun> {
    let run = tokio::process::Command::new("wrk")
        .arg(format!("-t{}", shape.threads))
        .arg(format!("-c{}", shape.conns))
        .arg(format!("-d{}s", shape.secs))
        .arg("--latency")
        .arg("-s")
        .arg(script)
        .arg(url)
        .arg("--")
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(shape.secs + 30), run)
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
    let non_2xx = match field("Non-2xx or 3xx responses:") {
        Some(n) => n.parse::<u64>()?,
        None => 0,
    };
    // "Socket errors: connect 0, read 0, write 0, timeout 0"
    let mut socket_errors = 0;
    if let Some(errs) = field("Socket errors:") {
        socket_errors += errs
            .split(',')
            .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
            .sum::<u64>();
    }
    Ok(WrkRun {
        rps,
        p50_ms: p50,
        p99_ms: p99,
        non_2xx,
        socket_errors,
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
        assert_eq!((run.non_2xx, run.socket_errors), (3, 3));
    }
}
