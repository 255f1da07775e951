//! The export workflow: Confab's own format, written as the rows are read,
//! so that memory stays bounded whatever the site's size.

use std::io::Write;

use futures::StreamExt;

use crate::{
    domain::transfer::confab::{
        self, CommentLine, Header, Line, ModeratorLine, PageLine, SiteLine, VERSION,
    },
    store::{rfc3339, Site, Store},
};

/// Writes the site's export to `out` and returns the number of comments.
/// `now_ms` is the export's own timestamp, the one line a second export of
/// the same data differs in.
pub async fn export(
    store: &dyn Store,
    site: &Site,
    out: &mut (dyn Write + Send),
    now_ms: i64,
) -> anyhow::Result<u64> {
    let mut origins = site.origins.clone();
    origins.sort();
    let header = Header {
        version: VERSION,
        exported: rfc3339(now_ms),
        site: SiteLine {
            slug: site.slug.clone(),
            name: site.name.clone(),
            origins,
            moderation: site.moderation.as_str().to_owned(),
            settings: site.settings.clone(),
        },
    };
    confab::write_line(out, &Line::ConfabExport(header))?;
    for page in store.export_pages(site.id).await? {
        let line = PageLine {
            key: page.key,
            title: page.title,
            url: page.url,
            locked: page.locked,
        };
        confab::write_line(out, &Line::Page(line))?;
    }
    let mut comments = store.export_comments(site.id);
    let mut count = 0;
    while let Some(row) = comments.next().await {
        let row = row?;
        let line = CommentLine {
            id: row.id,
            page: row.page,
            parent: row.parent_id,
            status: row.status,
            author: row.author,
            email: row.email,
            website: row.website,
            source: row.source,
            score: row.score,
            created: rfc3339(row.created),
            edited: row.edited.map(rfc3339),
            pinned: row.pinned,
        };
        confab::write_line(out, &Line::Comment(line))?;
        count += 1;
    }
    drop(comments);
    for m in store.moderators_of_site(site.id).await? {
        confab::write_line(out, &Line::Moderator(ModeratorLine { email: m.email }))?;
    }
    out.flush()?;
    Ok(count)
}
