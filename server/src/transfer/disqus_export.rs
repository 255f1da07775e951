//! A site as a Disqus XML export, the format every comments system imports,
//! so that a site can leave for any of them with its threads. Only what
//! readers see goes out: approved comments, and deleted ones as
//! placeholders (`isDeleted`) so that their replies keep their place.
//! Pending and spam comments stay behind: Disqus's format has no field
//! that would keep another system from publishing them. Written as rows
//! are read, through quick-xml's writer, which escapes every text.

use std::{collections::HashMap, io::Write};

use futures::StreamExt;
use quick_xml::{
    events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event},
    Writer,
};

use crate::store::{Page, Site, Store};

/// What a Disqus export wrote and left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisqusCounts {
    pub threads: u64,
    pub posts: u64,
    /// Pending and spam comments, which the format cannot mark as such.
    pub left_out: u64,
}

/// Writes the site's threads and visible comments to `out` as Disqus XML.
pub async fn export_disqus(
    store: &dyn Store,
    site: &Site,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<DisqusCounts> {
    let mut w = Writer::new_with_indent(out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.write_event(Event::Start(BytesStart::new("disqus").with_attributes([
        ("xmlns", "http://disqus.com"),
        ("xmlns:dsq", "http://disqus.com/disqus-internals"),
    ])))?;
    let mut counts = DisqusCounts::default();
    let mut threads = HashMap::new();
    for page in store.export_pages(site.id).await? {
        thread(&mut w, site, &page)?;
        threads.insert(page.key, page.id.to_string());
        counts.threads += 1;
    }
    let mut comments = store.export_comments(site.id);
    while let Some(row) = comments.next().await {
        let row = row?;
        let deleted = match row.status.as_str() {
            "approved" => false,
            "deleted" => true,
            _ => {
                counts.left_out += 1;
                continue;
            }
        };
        let thread_id = threads.get(&row.page).map_or("", String::as_str);
        let id = row.id.to_string();
        w.write_event(Event::Start(
            BytesStart::new("post").with_attributes([("dsq:id", id.as_str())]),
        ))?;
        leaf(&mut w, "id", "")?;
        leaf(&mut w, "message", &row.html)?;
        leaf(&mut w, "createdAt", &disqus_time(row.created))?;
        leaf(&mut w, "isDeleted", bool_text(deleted))?;
        leaf(&mut w, "isSpam", "false")?;
        author(&mut w, &row.author, row.email.as_deref())?;
        // The format requires an address; Confab never keeps one.
        leaf(&mut w, "ipAddress", "127.0.0.1")?;
        empty(&mut w, "thread", thread_id)?;
        if let Some(parent) = row.parent_id {
            empty(&mut w, "parent", &parent.to_string())?;
        }
        w.write_event(Event::End(BytesEnd::new("post")))?;
        counts.posts += 1;
    }
    w.write_event(Event::End(BytesEnd::new("disqus")))?;
    w.get_mut().write_all(b"\n")?;
    w.get_mut().flush()?;
    Ok(counts)
}

fn thread<W: Write>(w: &mut Writer<W>, site: &Site, page: &Page) -> std::io::Result<()> {
    let id = page.id.to_string();
    w.write_event(Event::Start(
        BytesStart::new("thread").with_attributes([("dsq:id", id.as_str())]),
    ))?;
    // Isso and others take the thread's identifier as its page: the key.
    leaf(w, "id", &page.key)?;
    leaf(w, "forum", &site.slug)?;
    leaf(w, "link", &link(site, page))?;
    leaf(w, "title", page.title.as_deref().unwrap_or(&page.key))?;
    leaf(w, "isClosed", bool_text(page.locked))?;
    leaf(w, "isDeleted", "false")?;
    w.write_event(Event::End(BytesEnd::new("thread")))
}

/// The page's address: its URL, else the key on the site's first origin.
fn link(site: &Site, page: &Page) -> String {
    if let Some(url) = &page.url {
        return url.clone();
    }
    let mut origins = site.origins.clone();
    origins.sort();
    match origins.first() {
        Some(origin) if page.key.starts_with('/') => format!("{origin}{}", page.key),
        _ => page.key.clone(),
    }
}

fn author<W: Write>(w: &mut Writer<W>, name: &str, email: Option<&str>) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new("author")))?;
    if let Some(email) = email {
        leaf(w, "email", email)?;
    }
    leaf(w, "name", name)?;
    leaf(w, "isAnonymous", bool_text(email.is_none()))?;
    w.write_event(Event::End(BytesEnd::new("author")))
}

/// `<name>text</name>`, the text escaped.
fn leaf<W: Write>(w: &mut Writer<W>, name: &str, text: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(text)))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// `<name dsq:id="id"/>`.
fn empty<W: Write>(w: &mut Writer<W>, name: &str, id: &str) -> std::io::Result<()> {
    w.write_event(Event::Empty(
        BytesStart::new(name).with_attributes([("dsq:id", id)]),
    ))
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Disqus's `createdAt`: whole seconds, UTC, `Z` (Isso's importer reads
/// exactly `%Y-%m-%dT%H:%M:%SZ`).
fn disqus_time(unix_ms: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(unix_ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn created_at_has_whole_seconds_and_a_z() {
        assert_eq!(
            super::disqus_time(1_767_261_600_123),
            "2026-01-01T10:00:00Z"
        );
    }
}
