//! The dashboard's import: the same workflow as `confab import`, on a file
//! a moderator uploaded, and then what only a running server can do: drop
//! the touched pages from every instance's caches, and say who imported
//! what in the site's audit log.

use std::path::Path;

use serde_json::json;

use super::{jobs::Job, Format, ImportError, Importer, Options, Report};
use crate::{
    moderation::{actions::record, Actor},
    store::Site,
    AppState,
};

/// What the moderator asked for.
pub struct Upload<'a> {
    pub path: &'a Path,
    /// The name the browser gave the file, for the audit log.
    pub name: &'a str,
    pub format: Format,
    pub dry_run: bool,
}

/// Imports the uploaded file into `site`, reporting progress to `job`.
pub async fn import_upload(
    state: &AppState,
    site: &Site,
    actor: &Actor,
    upload: Upload<'_>,
    job: &Job,
) -> Result<Report, ImportError> {
    let importer = Importer::new(state.store.as_ref(), &state.signing_key, &state.config);
    let source = super::open(upload.path, upload.format, importer.file_bytes, None)?;
    let options = Options {
        site: site.slug.clone(),
        format: upload.format,
        dry_run: upload.dry_run,
        map: Default::default(),
    };
    let report = super::import(&importer, options, source, &|n| job.progress(n)).await?;
    if upload.dry_run {
        return Ok(report);
    }
    for key in &report.page_keys {
        state.bus.changed(&site.slug, key, None).await;
    }
    let after = json!({
        "file": upload.name,
        "imported": report.imported,
        "present": report.present,
        "skipped": report.skipped.len(),
        "pages": report.pages(),
    });
    record(
        state,
        actor,
        site.id,
        "import",
        format!("site:{}", site.slug),
        None,
        Some(after),
    )
    .await
    .map_err(|e| ImportError::Store(anyhow::anyhow!("{e}")))?;
    Ok(report)
}
