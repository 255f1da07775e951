//! The moderation queue, search, and decisions on comments, single and bulk.
//! Every comment is checked against the moderator's sites first; one that is
//! not theirs, or does not exist, is a 403 either way.

use axum::{extract::State, Json};
use confab_api::{
    admin::{AdminComment, AdminEdit, BulkAction, CommentList, ModAction, Queue, QueueItem},
    CommentStatus,
};
use serde::Deserialize;

use super::session::Moderator;
use crate::{
    http::extract::{AppJson, AppPath, AppQuery},
    moderation::actions,
    store::{AdminCommentRow, Search},
    AppState, Error, Result,
};

const PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;
/// How many of the author's other comments a queue item shows.
const OTHERS: usize = 5;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    site: Option<i64>,
    before: Option<i64>,
    limit: Option<i64>,
    /// Words in the text.
    q: Option<String>,
    author: Option<String>,
    email: Option<String>,
    page: Option<String>,
    ip_hash: Option<String>,
    author_hash: Option<String>,
    /// Comma-separated statuses; all but deleted when absent.
    status: Option<String>,
}

impl ListQuery {
    fn search(&self, m: &Moderator, statuses: Vec<CommentStatus>) -> Result<Search> {
        let limit = self.limit.unwrap_or(PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid("limit", format!("limit is 1 to {MAX_PAGE}")));
        }
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(Search {
            site_ids: m.scope(self.site)?,
            statuses,
            text: given(&self.q),
            author: given(&self.author),
            email: given(&self.email),
            page: given(&self.page),
            ip_hash: given(&self.ip_hash),
            author_hash: given(&self.author_hash),
            before: self.before,
            limit,
        })
    }
}

fn next_before(rows: &[AdminCommentRow], limit: i64) -> Option<i64> {
    (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten()
}

pub async fn queue(
    State(state): State<AppState>,
    m: Moderator,
    AppQuery(q): AppQuery<ListQuery>,
) -> Result<Json<Queue>> {
    let search = q.search(&m, vec![CommentStatus::Pending, CommentStatus::Spam])?;
    let rows = state.store.search(&search).await?;
    let next_before = next_before(&rows, search.limit);
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(queue_item(&state, row).await?);
    }
    Ok(Json(Queue { items, next_before }))
}

/// A held comment with its page, its parent and the author's other comments.
async fn queue_item(state: &AppState, row: AdminCommentRow) -> Result<QueueItem> {
    let stored = state.store.page(row.site_id, &row.page).await?;
    let site = state
        .store
        .site_by_id(row.site_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("site {} vanished", row.site_id))?;
    let page = super::sites::page_info(&site, &row.page, stored);
    let parent = match row.parent_id {
        Some(id) => state.store.admin_comment(id).await?.map(|p| p.into_api()),
        None => None,
    };
    let others = state
        .store
        .search(&Search {
            site_ids: vec![row.site_id],
            author_hash: Some(row.voter_hash.clone()),
            limit: OTHERS as i64 + 1,
            ..Search::default()
        })
        .await?
        .into_iter()
        .filter(|o| o.id != row.id)
        .take(OTHERS)
        .map(AdminCommentRow::into_api)
        .collect();
    Ok(QueueItem {
        comment: row.into_api(),
        page,
        parent,
        others,
    })
}

pub async fn search(
    State(state): State<AppState>,
    m: Moderator,
    AppQuery(q): AppQuery<ListQuery>,
) -> Result<Json<CommentList>> {
    let statuses = match q.status.as_deref() {
        None | Some("") => vec![
            CommentStatus::Pending,
            CommentStatus::Approved,
            CommentStatus::Spam,
        ],
        Some(list) => list
            .split(',')
            .map(|s| CommentStatus::parse(s.trim()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                Error::invalid("status", "status is pending, approved, spam or deleted")
            })?,
    };
    let search = q.search(&m, statuses)?;
    let rows = state.store.search(&search).await?;
    Ok(Json(CommentList {
        next_before: next_before(&rows, search.limit),
        comments: rows.into_iter().map(AdminCommentRow::into_api).collect(),
    }))
}

/// The comment, if it belongs to one of the moderator's sites.
async fn owned(state: &AppState, m: &Moderator, id: i64) -> Result<AdminCommentRow> {
    match state.store.admin_comment(id).await? {
        Some(c) if m.sites.contains(&c.site_id) => Ok(c),
        _ => Err(Error::forbidden("not a comment of your sites")),
    }
}

pub async fn one(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(id): AppPath<i64>,
) -> Result<Json<AdminComment>> {
    Ok(Json(owned(&state, &m, id).await?.into_api()))
}

pub async fn edit(
    State(state): State<AppState>,
    m: Moderator,
    AppPath(id): AppPath<i64>,
    AppJson(edit): AppJson<AdminEdit>,
) -> Result<Json<AdminComment>> {
    let before = owned(&state, &m, id).await?;
    let after = actions::edit(&state, &m.actor(), before, &edit.body).await?;
    Ok(Json(after.into_api()))
}

pub async fn act(
    State(state): State<AppState>,
    m: Moderator,
    AppPath((id, action)): AppPath<(i64, String)>,
) -> Result<Json<AdminComment>> {
    let action: ModAction = serde_json::from_value(serde_json::Value::String(action))
        .map_err(|_| Error::not_found("no such action"))?;
    let before = owned(&state, &m, id).await?;
    let after = actions::apply(&state, &m.actor(), before, action).await?;
    Ok(Json(after.into_api()))
}

/// All or nothing on access: one comment outside the moderator's sites
/// refuses the whole batch before anything changes.
pub async fn bulk(
    State(state): State<AppState>,
    m: Moderator,
    AppJson(req): AppJson<BulkAction>,
) -> Result<Json<CommentList>> {
    if req.ids.is_empty() || req.ids.len() > MAX_PAGE as usize {
        return Err(Error::invalid("ids", format!("1 to {MAX_PAGE} ids")));
    }
    let mut ids = req.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let mut rows = Vec::with_capacity(ids.len());
    for id in &ids {
        rows.push(owned(&state, &m, *id).await?);
    }
    let actor = m.actor();
    let mut done = Vec::with_capacity(rows.len());
    for row in rows {
        // Already deleted: nothing left to do.
        if row.status() == CommentStatus::Deleted {
            continue;
        }
        done.push(
            actions::apply(&state, &actor, row, req.action)
                .await?
                .into_api(),
        );
    }
    Ok(Json(CommentList {
        comments: done,
        next_before: None,
    }))
}
