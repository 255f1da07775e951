//! The import workflow: read records from a file on a blocking thread,
//! place each post in its thread, render and store it in one transaction,
//! and report. A file that fails to parse anywhere stores nothing; a dry
//! run does all of it and rolls back, so its counts are the real run's.

use std::{
    collections::{HashMap, HashSet},
    io::BufRead,
};

use tokio::sync::mpsc;

use super::{report::Skip, Format, ImportError, Report};
use crate::{
    domain::{
        input::{self, AUTHOR_MAX, WEBSITE_MAX},
        markdown,
        page_key::PageKey,
        secrets,
        transfer::{
            confab::SiteLine,
            map::PageMap,
            resolve::{Lost, Placement, Stored, Tree},
            Limits, Post, Record, Status, Thread,
        },
    },
    store::{now_ms, ImportPage, ImportRow, ImportTx, Moderation, Site, SiteSpec, Store},
};

/// What an import needs of the server.
pub struct Importer<'a> {
    pub store: &'a dyn Store,
    /// Signs avatars, as for new comments.
    pub signing_key: &'a [u8],
    pub max_depth: i64,
    pub limits: Limits,
    /// The most bytes a gzipped file may unpack to (`limits.import_bytes`).
    pub file_bytes: u64,
}

impl<'a> Importer<'a> {
    /// An importer into `store` with the configured depth and limits: the
    /// same for `confab import` and the dashboard.
    pub fn new(store: &'a dyn Store, signing_key: &'a [u8], config: &crate::Config) -> Self {
        Self {
            store,
            signing_key,
            max_depth: i64::from(config.max_depth),
            limits: Limits {
                max_text_bytes: config.limits.import_text_bytes,
            },
            file_bytes: config.limits.import_bytes,
        }
    }
}

/// What an import reads: a file, or Isso's database by its path.
pub enum Source<R> {
    File(R),
    IssoDatabase(std::path::PathBuf),
}

/// What to import into, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's slug.
    pub site: String,
    pub format: Format,
    /// Do everything, then roll back.
    pub dry_run: bool,
    /// Pages that moved.
    pub map: PageMap,
}

/// Imports `source` as `options` say. `progress` hears the number of
/// records read so far, now and then.
pub async fn import<R: BufRead + Send + 'static>(
    ctx: &Importer<'_>,
    options: Options,
    source: Source<R>,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<Report, ImportError> {
    let Options {
        site: slug,
        format,
        dry_run,
        map,
    } = options;
    let source = match source {
        Source::File(reader) => {
            Source::File(super::unpacked(reader, ctx.file_bytes).map_err(anyhow::Error::from)?)
        }
        Source::IssoDatabase(path) => Source::IssoDatabase(path),
    };
    let (format, source) = match (format, source) {
        (Format::Isso, Source::File(_)) => return Err(ImportError::UnknownFormat),
        (_, Source::IssoDatabase(path)) => (Format::Isso, Source::IssoDatabase(path)),
        (Format::Auto, Source::File(mut reader)) => {
            let head = reader.fill_buf().map_err(anyhow::Error::from)?;
            let format = Format::detect(head).ok_or(ImportError::UnknownFormat)?;
            (format, Source::File(reader))
        }
        (known, source) => (known, source),
    };
    let site = ctx.store.site(&slug).await?;
    if site.is_none() && format != Format::Confab {
        return Err(ImportError::NoSite(slug));
    }
    // The reader runs apart: a file's parser blocks on the file, on a
    // thread of its own. The bounded channel keeps it only a little ahead
    // of the database.
    let (send, mut records) = mpsc::channel(256);
    match source {
        Source::File(reader) => {
            let limits = ctx.limits;
            tokio::task::spawn_blocking(move || {
                for record in super::records(format, reader, limits) {
                    if send.blocking_send(record).is_err() {
                        break;
                    }
                }
            });
        }
        Source::IssoDatabase(path) => {
            tokio::spawn(async move { super::isso::records(&path, send).await });
        }
    }
    let tx = ctx.store.begin_import().await?;
    let mut run = Run {
        ctx,
        tx,
        slug,
        site,
        format,
        map,
        tree: Tree::new(ctx.max_depth),
        threads: HashMap::new(),
        pages: HashSet::new(),
        moderators: Vec::new(),
        report: Report {
            format: format.key(),
            dry_run,
            ..Report::default()
        },
        now: now_ms(),
    };
    while let Some(record) = records.recv().await {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                run.tx.finish(false).await?;
                return Err(e.into());
            }
        };
        run.report.records += 1;
        if run.report.records.is_multiple_of(1000) {
            progress(run.report.records);
        }
        if let Err(e) = run.record(record).await {
            run.tx.finish(false).await?;
            return Err(e);
        }
    }
    progress(run.report.records);
    run.finish(!dry_run).await
}

/// One import under way.
struct Run<'a> {
    ctx: &'a Importer<'a>,
    tx: Box<dyn ImportTx>,
    slug: String,
    /// None until a Confab export's header creates it.
    site: Option<Site>,
    format: Format,
    map: PageMap,
    tree: Tree,
    /// Each thread's page id, or why it has none.
    threads: HashMap<String, Result<i64, String>>,
    /// The pages the threads landed on: two links (`http:` and `https:`)
    /// may name one.
    pages: HashSet<i64>,
    moderators: Vec<String>,
    report: Report,
    now: i64,
}

impl Run<'_> {
    async fn record(&mut self, record: Record) -> Result<(), ImportError> {
        match record {
            Record::Site(line) => self.site_line(line).await?,
            Record::Thread(thread) => self.thread(thread).await?,
            Record::Post(post) => self.post(post).await?,
            Record::Moderator(email) => self.moderators.push(email),
        }
        Ok(())
    }

    /// The site, which every record after the header needs.
    fn site(&self) -> Result<&Site, ImportError> {
        self.site
            .as_ref()
            .ok_or_else(|| ImportError::NoSite(self.slug.clone()))
    }

    /// A Confab export's site: created from the file when it does not
    /// exist; an existing site keeps its own settings.
    async fn site_line(&mut self, line: SiteLine) -> Result<(), ImportError> {
        if self.site.is_some() {
            return Ok(());
        }
        let moderation: Moderation = line
            .moderation
            .parse()
            .map_err(|_| anyhow::anyhow!("unknown moderation {:?}", line.moderation))?;
        let spec = SiteSpec {
            slug: self.slug.clone(),
            name: line.name,
            origins: line.origins,
            moderation,
        };
        let id = self
            .tx
            .create_site(&spec, &line.settings.to_string())
            .await?;
        self.site = Some(Site {
            id,
            slug: spec.slug,
            name: spec.name,
            origins: spec.origins,
            moderation,
            settings: line.settings,
        });
        self.report.created_site = true;
        Ok(())
    }

    async fn thread(&mut self, thread: Thread) -> Result<(), ImportError> {
        let site = self.site()?;
        let key = match self.map.get(&thread.link) {
            Some(moved) => Ok(moved.clone()),
            None => PageKey::parse(&thread.link),
        };
        let page = match key {
            Ok(key) => ImportPage {
                site_id: site.id,
                key: key.to_string(),
                title: thread
                    .title
                    .map(|t| input::imported_name(&t, input::TITLE_MAX)),
                url: thread.url.filter(|u| site.owns_url(u)),
                locked: thread.locked,
                now_ms: self.now,
            },
            Err(why) => {
                let why = format!("its thread's link {:?}: {why}", thread.link);
                self.threads.insert(thread.source_id, Err(why));
                return Ok(());
            }
        };
        let id = self.tx.page(&page).await?;
        self.threads.insert(thread.source_id, Ok(id));
        if self.pages.insert(id) {
            self.report.page_keys.push(page.key);
        }
        Ok(())
    }

    async fn post(&mut self, post: Post) -> Result<(), ImportError> {
        let page_id = match self.threads.get(&post.thread) {
            Some(Ok(id)) => *id,
            Some(Err(why)) => {
                let why = why.clone();
                self.skip(&post, why);
                return Ok(());
            }
            None => {
                let why = format!("its thread {:?} is not in the file", post.thread);
                self.skip(&post, why);
                return Ok(());
            }
        };
        if let Some(stored) = self.earlier(&post.source_id).await? {
            self.report.present += 1;
            let released = self.tree.stored(&post.source_id, stored);
            return self.place_all(released).await;
        }
        let placement = self.tree.place(post, page_id);
        self.place_all(vec![placement]).await
    }

    fn skip(&mut self, post: &Post, reason: String) {
        self.report.skipped.push(Skip {
            source_id: post.source_id.clone(),
            reason,
        });
    }

    /// Where an earlier import stored the post `source_id`, if one did.
    async fn earlier(&mut self, source_id: &str) -> Result<Option<Stored>, ImportError> {
        let site_id = self.site()?.id;
        if let Some(found) = self
            .tx
            .imported(site_id, self.format.key(), source_id)
            .await?
        {
            return Ok(Some(found));
        }
        // A Confab export keeps ids: back home, its comments are there.
        match (self.format, source_id.parse::<i64>()) {
            (Format::Confab, Ok(id)) if !self.report.created_site => {
                Ok(self.tx.on_site(site_id, id).await?)
            }
            _ => Ok(None),
        }
    }

    /// Stores the placed posts, and the replies each one releases.
    async fn place_all(&mut self, mut todo: Vec<Placement>) -> Result<(), ImportError> {
        while let Some(placement) = todo.pop() {
            let (post, stored, lost) = match placement {
                Placement::Waiting => continue,
                Placement::Top {
                    post,
                    page_id,
                    lost,
                } => (post, (page_id, None, 0), lost),
                Placement::Under {
                    post,
                    page_id,
                    parent,
                    depth,
                } => (post, (page_id, Some(parent), depth), None),
            };
            if let Some(lost) = lost {
                let reason = match lost {
                    Lost::ParentMissing => "the comment it replies to is not in the file",
                    Lost::ParentElsewhere => "the comment it replies to is on another page",
                };
                self.report.reattached.push(Skip {
                    source_id: post.source_id.clone(),
                    reason: reason.to_owned(),
                });
            }
            let (page_id, parent, depth) = stored;
            let row = self.row(&post, page_id, parent, depth)?;
            let id = self.tx.insert(&row).await?;
            self.report.imported += 1;
            let stored = Stored {
                id,
                page_id,
                parent,
                depth,
            };
            todo.extend(self.tree.stored(&post.source_id, stored));
        }
        Ok(())
    }

    /// The row for `post`, made as safe as a new comment: the name cleaned,
    /// the website http(s) only, the body rendered and sanitised, no
    /// address kept. A deleted comment keeps only its place in the thread.
    fn row(
        &self,
        post: &Post,
        page_id: i64,
        parent: Option<i64>,
        depth: i64,
    ) -> Result<ImportRow, ImportError> {
        let site = self.site()?;
        let deleted = post.status == Status::Deleted;
        let keep = |v: Option<String>| v.filter(|_| !deleted);
        let email = keep(input::email(post.email.as_deref()).ok().flatten());
        let website = keep(
            input::http_url("website", post.website.as_deref(), WEBSITE_MAX)
                .ok()
                .flatten(),
        );
        let source = if deleted {
            String::new()
        } else {
            post.body.clone()
        };
        let author = if deleted {
            String::new()
        } else {
            input::imported_name(&post.author, AUTHOR_MAX)
        };
        let voter = format!("import:{}:{}", self.format.key(), post.source_id);
        Ok(ImportRow {
            site_id: site.id,
            format: self.format.key(),
            source_id: post.source_id.clone(),
            id: (self.format == Format::Confab)
                .then(|| post.source_id.parse().ok())
                .flatten(),
            page_id,
            parent,
            depth,
            avatar: secrets::avatar(self.ctx.signing_key, &site.slug, email.as_deref(), &voter),
            author,
            email,
            website,
            html: markdown::render(&source),
            source,
            status: post.status.as_str(),
            held_reason: (post.status == Status::Pending).then(|| "imported as pending".into()),
            created: post.created_ms.unwrap_or(self.now),
            edited: post.edited_ms,
            score: post.score,
            pinned: post.pinned,
            edit_token_hash: secrets::new_token().1,
            voter_hash: voter,
        })
    }

    /// Attaches what still waits, then commits (or, for a dry run, rolls
    /// back) and adds the moderators.
    async fn finish(mut self, commit: bool) -> Result<Report, ImportError> {
        for source_id in self.tree.awaited() {
            if let Some(stored) = self.earlier(&source_id).await? {
                let released = self.tree.stored(&source_id, stored);
                self.place_all(released).await?;
            }
        }
        loop {
            let orphans = self.tree.orphans();
            if orphans.is_empty() {
                break;
            }
            self.place_all(orphans).await?;
        }
        self.tx.finish(commit).await?;
        if commit {
            let store = self.ctx.store;
            store.forget_sites();
            if let Some(site) = &self.site {
                for email in &self.moderators {
                    let email = email.trim().to_lowercase();
                    if store.moderator_by_email(&email).await?.is_none() {
                        self.report.moderators += 1;
                    }
                    store.add_moderator(&email, None, &[site.id]).await?;
                }
            }
        } else {
            self.report.moderators = self.moderators.len() as u64;
        }
        Ok(self.report)
    }
}
