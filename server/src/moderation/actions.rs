//! What a moderator's decision does, whichever route it came by (the JSON
//! API or an e-mailed link): change the comment, teach the spam model, tell
//! the page's readers, and write the audit log.

use confab_api::{admin::ModAction, CommentStatus, Event};

use super::Actor;
use crate::{
    domain::{markdown, CommentBody},
    store::{now_ms, AdminCommentRow, NewAudit},
    AppState, Error, Result,
};

/// Applies `action` to `before` and returns the comment after it.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    before: AdminCommentRow,
    action: ModAction,
) -> Result<AdminCommentRow> {
    let store = &state.store;
    let id = before.id;
    let was = before.status();
    if was == CommentStatus::Deleted {
        return Err(Error::not_found("this comment was deleted"));
    }
    match action {
        ModAction::Approve | ModAction::Spam => {
            let spam = action == ModAction::Spam;
            let to = if spam {
                CommentStatus::Spam
            } else {
                CommentStatus::Approved
            };
            if !store.change_status(id, was, to).await? {
                return Err(Error::conflict(
                    "this comment changed meanwhile: reload it and decide again",
                ));
            }
            store.train(id, Some(spam)).await?;
        }
        ModAction::Delete => {
            store.delete_comment(id).await?;
        }
        ModAction::Pin | ModAction::Unpin => {
            store.set_pinned(id, action == ModAction::Pin).await?;
        }
    }
    if matches!(action, ModAction::Approve | ModAction::Spam) {
        state.spam.reload(store.as_ref(), before.site_id).await?;
    }
    let after = reload(state, id).await?;
    let now_visible = after.status() == CommentStatus::Approved;
    let event = match (was == CommentStatus::Approved, now_visible) {
        (false, true) => Some(Event::Created {
            comment: after.public(),
        }),
        (true, false) => Some(Event::Deleted { id }),
        (true, true) if before.pinned != after.pinned => Some(Event::Edited {
            comment: after.public(),
        }),
        _ => None,
    };
    state.bus.changed(&after.site, &after.page, event).await;
    audit(state, actor, action.as_str(), &before, &after).await?;
    Ok(after)
}

/// Replaces the text of a comment, as a moderator.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    before: AdminCommentRow,
    body: &str,
) -> Result<AdminCommentRow> {
    let body = CommentBody::parse(body, state.config.limits.body_chars)?;
    let html = markdown::render(body.as_str());
    state
        .store
        .edit_comment(before.id, body.as_str(), &html, None, now_ms())
        .await?
        .ok_or_else(|| Error::not_found("this comment was deleted"))?;
    let after = reload(state, before.id).await?;
    let event = (after.status() == CommentStatus::Approved).then(|| Event::Edited {
        comment: after.public(),
    });
    state.bus.changed(&after.site, &after.page, event).await;
    audit(state, actor, "edit", &before, &after).await?;
    Ok(after)
}

async fn reload(state: &AppState, id: i64) -> Result<AdminCommentRow> {
    Ok(state
        .store
        .admin_comment(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("comment {id} vanished"))?)
}

async fn audit(
    state: &AppState,
    actor: &Actor,
    action: &str,
    before: &AdminCommentRow,
    after: &AdminCommentRow,
) -> Result<()> {
    record(
        state,
        actor,
        before.site_id,
        action,
        format!("comment:{}", before.id),
        Some(snapshot(before)),
        Some(snapshot(after)),
    )
    .await
}

/// Writes one line of the audit log.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    site_id: i64,
    action: &str,
    target: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    state
        .store
        .add_audit(&NewAudit {
            site_id,
            moderator_id: Some(actor.id),
            moderator: actor.email.clone(),
            action: action.to_owned(),
            target,
            before,
            after,
            now_ms: now_ms(),
        })
        .await?;
    Ok(())
}

/// What the audit log keeps of a comment: what a decision can change.
fn snapshot(c: &AdminCommentRow) -> serde_json::Value {
    serde_json::json!({
        "status": c.status,
        "pinned": c.pinned,
        "source": c.source,
        "author": c.author,
    })
}
