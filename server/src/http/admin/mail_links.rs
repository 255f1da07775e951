//! The pages behind e-mailed moderation links: a GET shows what the link
//! would do, and only its same-origin POST does it.
//!
//! A link acts for the moderator it was mailed to, only while they still
//! moderate the comment's site, and only while the comment has the status
//! it had when the mail was sent, which the link signs; the GET checks the
//! same before it shows anything of the comment. That makes links
//! single-use without remembering used ones (no table, nothing to share
//! between instances): a comment is held (`pending`) only when it is
//! posted and no decision ever returns it there, so the first decision,
//! by this link, its sibling or the dashboard, ends every link of the mail.

use axum::{
    extract::{rejection::FormRejection, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use confab_api::admin::ModAction;
use maud::html;
use serde::Deserialize;

use super::{
    check_same_origin,
    pages::{page, refused, TokenQuery},
};
use crate::{
    domain::signed::LinkClaim,
    moderation::{actions, Actor},
    store::{now_ms, AdminCommentRow},
    AppState, Error,
};

/// What a genuine, current link is good for.
struct Link {
    action: ModAction,
    actor: Actor,
    comment: AdminCommentRow,
}

const INVALID: &str = "This link is invalid or has expired.";

/// The link behind `token`, or the page that refuses it.
async fn resolve(state: &AppState, token: &str) -> Result<Link, Response> {
    let claim = LinkClaim::verify(token, &state.signing_key, now_ms())
        .ok_or_else(|| refused(StatusCode::NOT_FOUND, INVALID))?;
    let action = match claim.action.as_str() {
        "approve" => ModAction::Approve,
        "delete" => ModAction::Delete,
        _ => return Err(refused(StatusCode::NOT_FOUND, INVALID)),
    };
    let not_yours = || {
        refused(
            StatusCode::FORBIDDEN,
            "You no longer moderate this comment's site.",
        )
    };
    let internal = |e: anyhow::Error| Error::Internal(e).into_response();
    let store = &state.store;
    let moderator = store
        .moderator(claim.moderator)
        .await
        .map_err(internal)?
        .ok_or_else(not_yours)?;
    let comment = store
        .admin_comment(claim.comment)
        .await
        .map_err(internal)?
        .ok_or_else(|| refused(StatusCode::NOT_FOUND, "That comment is gone."))?;
    let sites = store
        .moderator_site_ids(moderator.id)
        .await
        .map_err(internal)?;
    if !sites.contains(&comment.site_id) {
        return Err(not_yours());
    }
    if comment.status().as_str() != claim.status {
        return Err(page(
            StatusCode::GONE,
            "Already decided",
            html! {
                p {
                    "This link was used, or the comment was moderated since the e-mail was sent. "
                    a href="/admin" { "Open the dashboard" } "."
                }
            },
        ));
    }
    Ok(Link {
        action,
        actor: Actor {
            id: moderator.id,
            email: moderator.email,
        },
        comment,
    })
}

/// Shows what the link would do, and a button that does it. Changes nothing.
pub async fn mail_page(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let token = q.token.unwrap_or_default();
    let link = match resolve(&state, &token).await {
        Ok(link) => link,
        Err(refusal) => return refusal,
    };
    let verb = if link.action == ModAction::Approve {
        "Approve"
    } else {
        "Delete"
    };
    let comment = &link.comment;
    page(
        StatusCode::OK,
        &format!("{verb} this comment?"),
        html! {
            p {
                "On " b { (comment.page) } " by " b { (comment.author) }
                " (now " (comment.status().as_str()) "):"
            }
            blockquote { (comment.source) }
            form method="post" action="/admin/mail" {
                input type="hidden" name="token" value=(token);
                button { (verb) }
            }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct MailForm {
    token: String,
}

/// The POST from the confirmation page: the signed token is its CSRF proof
/// (only the e-mail's recipient has it), and the origin must be ours.
pub async fn mail_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<MailForm>, FormRejection>,
) -> Response {
    if check_same_origin(&state, &headers).is_err() {
        return refused(StatusCode::FORBIDDEN, "Cross-site requests are refused.");
    }
    let Ok(Form(form)) = form else {
        return refused(StatusCode::NOT_FOUND, INVALID);
    };
    let link = match resolve(&state, &form.token).await {
        Ok(link) => link,
        Err(refusal) => return refusal,
    };
    match actions::apply(&state, &link.actor, link.comment, link.action).await {
        Ok(after) => page(
            StatusCode::OK,
            "Done",
            html! {
                p {
                    "The comment is now " (after.status().as_str()) ". "
                    a href="/admin" { "Open the dashboard" } "."
                }
            },
        ),
        Err(e) => e.into_response(),
    }
}
