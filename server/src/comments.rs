//! Posting a comment, as a service: what `POST .../comments` does once the
//! request is parsed, kept apart from HTTP so that other ways in (an
//! importer, a form that works without JavaScript) reuse the workflow or its
//! steps.

use confab_api::{CommentStatus, ComposeSignals, CreatedComment, Event};

use crate::{
    domain::{
        input::NewCommentInput,
        markdown, secrets,
        verdict::{Refusal, Verdict},
    },
    moderation::{
        mail,
        screen::{self, Candidate},
    },
    store::{now_ms, Created, NewCommentRow, Site},
    AppState,
};

/// A new comment, parsed and validated.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub input: NewCommentInput,
    /// The comment replied to.
    pub parent: Option<i64>,
    /// Whether the author wants replies mailed.
    pub notify: bool,
    pub signals: ComposeSignals,
}

/// Who posts, as the server knows them.
#[derive(Debug, Clone)]
pub struct Poster {
    /// Today's salted hash of the address.
    pub ip_hash: String,
    /// `t:` and the author token's hash, or `ip:` and the IP hash.
    pub voter: String,
}

/// What became of a post.
#[derive(Debug)]
pub enum Posted {
    /// Stored and visible to readers now.
    Published(CreatedComment),
    /// Stored, and waiting for a moderator; also what a comment kept as spam
    /// looks like to its author.
    Held(CreatedComment),
    /// Not stored.
    Refused(Refusal),
}

/// The whole posting workflow, in order:
/// 1. count it against the rate limits ([`screen::rate_limit`]);
/// 2. screen it ([`screen::screen`]: refusals, spam, holds);
/// 3. build the row ([`row`]: render the markdown, make the edit token and
///    the avatar);
/// 4. store it (refused when the page is locked or the parent is gone);
/// 5. publish: drop the page's cached threads everywhere and, when readers
///    can see it, send the `created` event;
/// 6. mail the site's moderators when it is held;
/// 7. mask: a comment kept as spam is reported `pending`, like every held
///    one, since telling a bot which check caught it would teach it.
///
/// A refusal at any step stores nothing.
pub async fn post(
    state: &AppState,
    site: &Site,
    post: NewPost,
    poster: Poster,
) -> anyhow::Result<Posted> {
    let candidate = Candidate {
        site,
        page: post.input.page.as_str(),
        source: post.input.body.as_str(),
        email: post.input.email.as_deref(),
        ip_hash: &poster.ip_hash,
        voter: &poster.voter,
        signals: &post.signals,
    };
    if let Err(refusal) = screen::rate_limit(state, &candidate) {
        return Ok(Posted::Refused(refusal));
    }
    let verdict = match screen::screen(state, &candidate).await? {
        Ok(verdict) => verdict,
        Err(refusal) => return Ok(Posted::Refused(refusal)),
    };
    let held = verdict.status == CommentStatus::Pending;
    let (row, edit_token) = row(state, site, post, poster, verdict, now_ms());
    let mut comment = match state.store.create_comment(&row).await? {
        Created::Comment(c) => c.into_api(),
        Created::PageLocked => return Ok(Posted::Refused(Refusal::PageLocked)),
        Created::ParentNotFound => return Ok(Posted::Refused(Refusal::ParentNotFound)),
    };
    let visible = comment.status == CommentStatus::Approved;
    let event = visible.then(|| Event::Created {
        comment: comment.clone(),
    });
    state.bus.changed(&site.slug, &row.page, event).await;
    if held {
        if let Some(held) = state.store.admin_comment(comment.id).await? {
            mail::notify_held(state, site, held);
        }
    }
    if comment.status == CommentStatus::Spam {
        comment.status = CommentStatus::Pending;
    }
    let created = CreatedComment {
        comment,
        edit_token,
    };
    Ok(if visible {
        Posted::Published(created)
    } else {
        Posted::Held(created)
    })
}

/// The row to store for `post`, written at `now_ms`, and the edit token that
/// only its author gets. Makes no I/O.
pub fn row(
    state: &AppState,
    site: &Site,
    post: NewPost,
    poster: Poster,
    verdict: Verdict,
    now_ms: i64,
) -> (NewCommentRow, String) {
    let NewCommentInput {
        page,
        body,
        author,
        email,
        website,
        title,
        url,
    } = post.input;
    let (edit_token, edit_token_hash) = secrets::new_token();
    let row = NewCommentRow {
        site_id: site.id,
        page: page.to_string(),
        title,
        url,
        parent: post.parent,
        max_depth: i64::from(state.config.max_depth),
        avatar: secrets::avatar(&site.slug, email.as_deref(), &author, &poster.voter),
        author,
        email,
        website,
        html: markdown::render(body.as_str()),
        source: body.as_str().to_owned(),
        status: verdict.status,
        notify: post.notify,
        edit_token_hash,
        ip_hash: poster.ip_hash,
        voter_hash: poster.voter,
        held_reason: verdict.held_reason,
        now_ms,
    };
    (row, edit_token)
}
