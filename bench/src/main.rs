//! `confab-bench`: runs Confab's benchmark on loopback and rewrites
//! BENCHMARKS.md. `./scripts/bench` builds the release binaries and calls
//! this; see `--help`.

mod flood;
mod isso;
mod load;
mod method;
mod nginx;
mod paint;
mod peer;
mod proc;
mod reads;
mod replies;
mod report;
mod scale;
mod seed;
mod stats;
mod text;
mod versus;
mod widget;
mod writes;

use std::path::PathBuf;

use anyhow::{bail, Context};

use report::{Machine, Report};

const HELP: &str = "\
confab-bench --bin PATH [--out BENCHMARKS.md] [--postgres URL] [--quick] [--only PARTS] [--widget [--serve]]

  --bin       the release `confab` binary to measure
  --out       where to write the report (default BENCHMARKS.md; with --only,
              the report is only printed unless --out is given)
  --only      a comma-separated subset of: reads (thread reads against
              nginx, memory and widget), flood (unknown pages against the
              hot thread), replies (3,000 replies to one comment), isso (the
              peer: installs Isso 0.14 from PyPI), sqlite, postgres (durable
              writes), scale
  --postgres  a PostgreSQL server to create a scratch database on (default
              $CONFAB_BENCH_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/postgres)
  --quick     short runs and a small scale database, to check the harness
  --widget    only the widget's sizes and first paint, printed (no report)
  --serve     with --widget: instead of measuring the paint, serve the seeded
              article until interrupted, to profile it in a browser
";

/// How long and how often each measure runs.
pub struct Plan {
    pub bin: PathBuf,
    /// Scratch space: databases, configs, logs, nginx's root.
    pub dir: PathBuf,
    pub rounds: u64,
    pub wrk_secs: u64,
    pub seq_posts: usize,
    pub write_secs: u64,
    pub loads: usize,
    pub bulk_pages: i64,
}

struct Opts {
    bin: PathBuf,
    out: Option<PathBuf>,
    postgres: String,
    quick: bool,
    /// The parts to run; empty runs all.
    only: Vec<String>,
    widget: bool,
    serve: bool,
}

impl Opts {
    fn runs(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

const PARTS: [&str; 7] = [
    "reads", "flood", "replies", "isso", "sqlite", "postgres", "scale",
];

fn opts() -> anyhow::Result<Opts> {
    let mut args = std::env::args().skip(1);
    let (mut bin, mut out, mut quick, mut only) = (None, None, false, Vec::new());
    let (mut widget, mut serve) = (false, false);
    let mut postgres = std::env::var("CONFAB_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--bin" => bin = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--only" => {
                only = value()?.split(',').map(str::to_owned).collect();
                if let Some(bad) = only.iter().find(|p| !PARTS.contains(&p.as_str())) {
                    bail!("unknown part {bad} (expected {})", PARTS.join(", "));
                }
            }
            "--postgres" => postgres = value()?,
            "--quick" => quick = true,
            "--widget" => widget = true,
            "--serve" => serve = true,
            "-h" | "--help" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}\n{HELP}"),
        }
    }
    // A partial run must not replace the full report by accident.
    let out = match out {
        None if only.is_empty() => Some(PathBuf::from("BENCHMARKS.md")),
        out => out,
    };
    Ok(Opts {
        bin: bin.context("--bin is required")?,
        out,
        postgres,
        quick,
        only,
        widget,
        serve,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = opts()?;
    let scratch = tempfile::tempdir()?;
    let plan = Plan {
        bin: std::fs::canonicalize(&opts.bin)
            .with_context(|| format!("{} (build it first)", opts.bin.display()))?,
        dir: scratch.path().to_owned(),
        rounds: if opts.quick { 1 } else { 3 },
        wrk_secs: if opts.quick { 3 } else { 10 },
        seq_posts: if opts.quick { 100 } else { 500 },
        write_secs: if opts.quick { 3 } else { 10 },
        loads: if opts.quick { 2 } else { 10 },
        bulk_pages: if opts.quick { 100 } else { 10_000 },
    };
    if opts.widget {
        return widget::alone(&plan, opts.serve).await;
    }
    let machine = Machine::describe();
    let mut report = Report::default();
    if opts.quick {
        report.note("`--quick` run: short durations, one round, small scale database.".into());
    }

    let mut baseline = None;
    if opts.runs("reads") {
        eprintln!("bench: thread read, memory and widget");
        match reads::run(&plan, &mut report).await {
            Ok(b) => baseline = Some(b),
            Err(e) => report.failed("Thread read", &e),
        }
    }

    if opts.runs("flood") {
        eprintln!("bench: flood of unknown pages");
        if let Err(e) = flood::run(&plan, &mut report).await {
            report.failed("Flood", &e);
        }
    }

    if opts.runs("replies") {
        eprintln!("bench: {} replies to one comment", replies::REPLIES);
        if let Err(e) = replies::run(&plan, &mut report).await {
            report.failed("3,000 replies", &e);
        }
    }

    if opts.runs("isso") {
        eprintln!("bench: Isso {} as a peer", isso::VERSION);
        if let Err(e) = peer::run(&plan, &mut report).await {
            report.failed("Isso", &e);
        }
    }

    if opts.runs("sqlite") {
        eprintln!("bench: writes on SQLite");
        let sqlite = format!("sqlite://{}?mode=rwc", plan.dir.join("writes.db").display());
        let figures = writes::run(&plan, &sqlite).await;
        write_rows(&mut report, "SQLite", figures, true);
    }

    if opts.runs("postgres") {
        eprintln!("bench: writes on PostgreSQL");
        let figures = on_scratch_postgres(&opts.postgres, |url| {
            let plan = &plan;
            async move { writes::run(plan, &url).await }
        })
        .await;
        write_rows(&mut report, "PostgreSQL", figures, false);
    }

    if opts.runs("scale") {
        eprintln!("bench: scale");
        if let Err(e) = scale::run(&plan, &mut report, baseline.as_ref()).await {
            report.failed("Scale", &e);
        }
    }

    let mut text = report.render(&machine, &report::load_average(), &method::method());
    if let Some(out) = &opts.out {
        let old = std::fs::read_to_string(out).unwrap_or_default();
        text = report::keep_separate(text, &old);
        std::fs::write(out, &text).with_context(|| format!("{}", out.display()))?;
        eprintln!("bench: wrote {}", out.display());
    }
    print!("{text}");
    Ok(())
}

fn write_rows(
    report: &mut Report,
    backend: &str,
    figures: anyhow::Result<writes::WriteFigures>,
    latency_target: bool,
) {
    let f = match figures {
        Ok(f) => f,
        Err(e) => return report.failed(&format!("Durable writes, {backend}"), &e),
    };
    if let Some(e) = &f.first_error {
        report.note(format!(
            "{backend}: {} concurrent posts failed; the first: {e}",
            f.failed
        ));
    }
    let (target, met) = if latency_target {
        ("p50 ≤ 1.5 ms", Some(f.seq_p50_ms <= 1.5))
    } else {
        ("", None)
    };
    report.row(
        &format!("Sequential posts, {backend} (p50, p99)"),
        format!("p50 {:.2} ms, p99 {:.2} ms", f.seq_p50_ms, f.seq_p99_ms),
        target,
        met,
    );
    report.row(
        &format!("32 concurrent posters, {backend}: acknowledged posts/s"),
        format!("{:.0}/s", f.per_sec),
        "≥ 2000/s",
        Some(f.per_sec >= 2000.0),
    );
    report.row(
        &format!("Acknowledged comments missing after SIGKILL, {backend}"),
        format!("{} of {} ({} posts failed)", f.missing, f.acked, f.failed),
        "0",
        Some(f.missing == 0 && f.acked > 0),
    );
}

/// Runs `f` on a fresh database `confab_bench_<pid>` on the server at
/// `admin_url`, and drops the database afterwards whatever happened.
async fn on_scratch_postgres<F, Fut, T>(admin_url: &str, f: F) -> anyhow::Result<T>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    use sqlx::{Connection, Executor};
    let name = format!("confab_bench_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("connecting to {admin_url}"))?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    let (base, _) = admin_url
        .rsplit_once('/')
        .context("no database in the URL")?;
    let result = f(format!("{base}/{name}")).await;
    // FORCE: a killed server's connections may linger for a moment.
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await?;
    result
}
