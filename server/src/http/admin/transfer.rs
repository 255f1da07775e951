//! The dashboard's Import/Export tab: a moderator uploads a file to import
//! into one of their sites and polls its status, or downloads the site's
//! export. The upload goes to a temporary file as it arrives (never into
//! memory), within `limits.upload_bytes`; the import then runs on its own
//! task, one at a time per site, through the same service as
//! `confab import`.

use std::io::{Seek, Write};

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use confab_api::{admin::ImportStatus, ErrorCode};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use super::{session::Moderator, sites::own_site};
use crate::{
    domain::input,
    http::extract::{AppPath, AppQuery},
    moderation::actions::record,
    store::now_ms,
    transfer::{self, ExportFormat, Format, Upload},
    AppState, Error, Result,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `auto` (the default) or a format `confab import` names.
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    dry_run: bool,
    /// The file's name, for the status and the audit log.
    #[serde(default)]
    file: Option<String>,
}

/// `POST /admin/api/sites/{site}/import`: the file is the body
/// (`application/octet-stream`). Answers 202 with the running status.
pub async fn start_import(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
    AppQuery(q): AppQuery<ImportQuery>,
    body: Body,
) -> Result<(StatusCode, Json<ImportStatus>)> {
    let site = own_site(&state, &m, site_id).await?;
    let format = match q.format.as_deref().unwrap_or("auto") {
        "" => Format::Auto,
        name => <Format as clap::ValueEnum>::from_str(name, true).map_err(|_| {
            Error::invalid(
                "format",
                "one of auto, disqus, wordpress, isso, remark42, commento, confab",
            )
        })?,
    };
    let name =
        input::plain_line("file", q.file.as_deref(), 200)?.unwrap_or_else(|| "upload".into());
    let job = state
        .imports
        .start(site.id, &name, q.dry_run)
        .ok_or_else(|| Error::conflict("an import is already running on this site"))?;
    let upload = match receive(body, state.config.limits.upload_bytes).await {
        Ok(file) => file,
        Err(e) => {
            state.imports.abandon(site.id, &job);
            return Err(e);
        }
    };
    let status = job.status();
    let actor = m.actor();
    let ends = job.clone();
    let run = tokio::spawn(async move {
        let asked = Upload {
            path: upload.path(),
            name: &name,
            format,
            dry_run: q.dry_run,
        };
        let result = transfer::import_upload(&state, &site, &actor, asked, &job).await;
        if let Err(e @ transfer::ImportError::Store(_)) = &result {
            tracing::error!(site = site.slug, "dashboard import failed: {e:#}");
        }
        result
    });
    // Whatever becomes of the import, even a panic, its job ends, so that
    // the site is never left unable to import again.
    tokio::spawn(async move {
        let result = run.await.unwrap_or_else(|_| {
            let e = anyhow::anyhow!("the import task panicked");
            Err(transfer::ImportError::Store(e))
        });
        ends.finish(&result);
    });
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// Writes the body to a temporary file, refusing it past `limit` bytes.
async fn receive(body: Body, limit: u64) -> Result<tempfile::NamedTempFile> {
    let temp = tempfile::NamedTempFile::new().map_err(anyhow::Error::from)?;
    let mut file = tokio::fs::File::from_std(temp.reopen().map_err(anyhow::Error::from)?);
    let mut chunks = body.into_data_stream();
    let mut total = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| Error::bad_request("the upload was cut off"))?;
        total += chunk.len() as u64;
        if total > limit {
            return Err(Error::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                format!(
                    "the file is over the upload limit of {limit} bytes (limits.upload_bytes); \
                     import it with `confab import` on the server"
                ),
            ));
        }
        file.write_all(&chunk).await.map_err(anyhow::Error::from)?;
    }
    file.flush().await.map_err(anyhow::Error::from)?;
    if total == 0 {
        return Err(Error::bad_request("the upload is empty"));
    }
    Ok(temp)
}

/// `GET /admin/api/sites/{site}/import`: the running or last import.
pub async fn import_status(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
) -> Result<Json<ImportStatus>> {
    let site = own_site(&state, &m, site_id).await?;
    state
        .imports
        .status(site.id)
        .map(Json)
        .ok_or_else(|| Error::not_found("no import has run on this site since the server started"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `confab` (the default) or `disqus`.
    #[serde(default)]
    format: Option<String>,
}

/// `GET /admin/api/sites/{site}/export`: the site's export as a download.
/// It is written to an unnamed temporary file first, then streamed from
/// it, so memory stays bounded whatever the site's size.
pub async fn export(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(site_id): AppPath<i64>,
    AppQuery(q): AppQuery<ExportQuery>,
) -> Result<Response> {
    let site = own_site(&state, &m, site_id).await?;
    let format = match q.format.as_deref().unwrap_or("confab") {
        "confab" => ExportFormat::Confab,
        "disqus" => ExportFormat::Disqus,
        _ => return Err(Error::invalid("format", "confab or disqus")),
    };
    let mut file = std::io::BufWriter::new(tempfile::tempfile().map_err(anyhow::Error::from)?);
    let (comments, extension, kind) = match format {
        ExportFormat::Confab => {
            let n = transfer::export(state.store.as_ref(), &site, &mut file, now_ms()).await?;
            (n, "jsonl", "application/x-ndjson")
        }
        ExportFormat::Disqus => {
            let c = transfer::export_disqus(state.store.as_ref(), &site, &mut file).await?;
            (c.posts, "xml", "application/xml")
        }
    };
    file.flush().map_err(anyhow::Error::from)?;
    let mut file = file
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
    file.rewind().map_err(anyhow::Error::from)?;
    let after = json!({ "format": extension, "comments": comments });
    let target = format!("site:{}", site.slug);
    record(
        &state,
        &m.actor(),
        site.id,
        "export",
        target,
        None,
        Some(after),
    )
    .await?;
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    // Only the slug's plain characters: the name then needs no escaping.
    let slug: String = site
        .slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let date = time::OffsetDateTime::now_utc().date();
    let name = format!("attachment; filename=\"confab-{slug}-{date}.{extension}\"");
    let disposition = HeaderValue::from_str(&name).map_err(anyhow::Error::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
