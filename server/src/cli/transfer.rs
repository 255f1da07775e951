//! `confab import` and `confab export`: the command line around the
//! transfer services, with a progress bar on a terminal.

use std::{
    io::{IsTerminal, Write},
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use anyhow::Context;

use crate::{
    domain::transfer::map::PageMap,
    store::{self, now_ms},
    transfer::{self, ExportFormat, Importer, Options},
    Config,
};

/// Reads `file` as `options` say and prints the report; `map` is the
/// `--map` CSV of moved pages.
pub(super) async fn import(
    config: &Config,
    mut options: Options,
    map: Option<&Path>,
    file: &Path,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    if let Some(map) = map {
        let text = std::fs::read_to_string(map)
            .with_context(|| format!("cannot read {}", map.display()))?;
        options.map =
            PageMap::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", map.display()))?;
    }
    let limit = config.limits.import_bytes;
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot open {}", file.display()))?
        .len();
    let read = Arc::new(AtomicU64::new(0));
    let source = transfer::open(file, options.format, limit, Some(read.clone()))?;
    let store = store::connect(&config.database_url).await?;
    let key = crate::signing_key(config, store.as_ref()).await?;
    let importer = Importer::new(store.as_ref(), &key, config);
    let progress = Progress::new(size, read);
    let report = transfer::import(&importer, options, source, &|records| {
        progress.update(records)
    })
    .await;
    progress.done();
    write!(out, "{}", report?)?;
    Ok(())
}

/// Writes the site's export to `output`, or to `out` without one, and
/// says what it wrote.
pub(super) async fn export(
    config: &Config,
    site: &str,
    format: ExportFormat,
    output: Option<&PathBuf>,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let store = store::connect(&config.database_url).await?;
    let site = store
        .site(site)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no site {site:?}"))?;
    let Some(path) = output else {
        write_export(store.as_ref(), &site, format, out).await?;
        return Ok(());
    };
    // Never over an existing file: an export is often someone's backup.
    let file = std::fs::File::create_new(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let mut file = std::io::BufWriter::new(file);
    let said = write_export(store.as_ref(), &site, format, &mut file).await?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    writeln!(out, "{said} to {}", path.display())?;
    Ok(())
}

/// Writes the export and says what it holds.
async fn write_export(
    store: &dyn store::Store,
    site: &store::Site,
    format: ExportFormat,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<String> {
    Ok(match format {
        ExportFormat::Confab => {
            let count = transfer::export(store, site, out, now_ms()).await?;
            format!("exported {count} comments")
        }
        ExportFormat::Disqus => {
            let c = transfer::export_disqus(store, site, out).await?;
            format!(
                "exported {} comments on {} pages as Disqus XML (left out {} pending or spam)",
                c.posts, c.threads, c.left_out
            )
        }
    })
}

/// Copies the configured database into the empty one at `to`, and says
/// what it copied.
pub(super) async fn migrate(
    config: &Config,
    to: &str,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    anyhow::ensure!(
        to != config.database_url,
        "--to names the database being copied"
    );
    let from = store::connect(&config.database_url).await?;
    let target = store::connect(to).await?;
    let plan = transfer::plan(from.as_ref()).await?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(plan.rows());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} rows {per_sec} eta {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    // Plain lines: one as each table starts.
    let said = std::sync::Mutex::new("");
    let progress = |table: &'static str, rows: u64| match &bar {
        Some(bar) => {
            bar.set_position(rows);
            bar.set_message(table);
        }
        None => {
            let mut said = said.lock().unwrap_or_else(|e| e.into_inner());
            if *said != table {
                *said = table;
                eprintln!("copying {table} ({rows} rows so far)");
            }
        }
    };
    let copied = transfer::migrate(from.as_ref(), target.as_ref(), &progress).await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let copied = copied?;
    for (table, rows) in &copied.0 {
        writeln!(out, "{table}\t{rows}")?;
    }
    writeln!(
        out,
        "copied {} rows of {} tables; every count matches the source",
        copied.rows(),
        copied.0.len()
    )?;
    Ok(())
}

/// A progress bar on a terminal (bytes read, rate, time left); otherwise a
/// plain line now and then, for logs.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    read: Arc<AtomicU64>,
    size: u64,
    /// Records at the last plain line.
    said: AtomicU64,
}

impl Progress {
    fn new(size: u64, read: Arc<AtomicU64>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(size);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            read,
            size,
            said: AtomicU64::new(0),
        }
    }

    fn update(&self, records: u64) {
        let read = self.read.load(Ordering::Relaxed);
        match &self.bar {
            Some(bar) => {
                bar.set_position(read);
                bar.set_message(format!("{records} records"));
            }
            None if records >= self.said.load(Ordering::Relaxed) + 100_000 => {
                self.said.store(records, Ordering::Relaxed);
                eprintln!("read {records} records, {read} of {} bytes", self.size);
            }
            None => {}
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
