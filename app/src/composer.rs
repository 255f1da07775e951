//! The form for a new comment or a reply. Name, email and website are
//! optional and remembered; the text is a draft until the server has it.

use confab_api::{CreatedComment, NewComment};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    editor::Editor,
    i18n::Strings,
    model::{ctx, Ctx, Phase},
    storage,
};

/// How long the server lets an author change a comment. The server does
/// not say, so this mirrors its default; it refuses late edits anyway.
pub const EDIT_WINDOW_MS: i64 = 15 * 60 * 1000;

#[component]
pub fn Composer(
    /// The comment replied to; None for a top-level comment.
    #[prop(optional)]
    parent: Option<i64>,
    /// Runs after a successful post (a reply form closes itself).
    #[prop(optional)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let c = ctx();
    let t = c.t;
    let body = RwSignal::new(String::new());
    let state = RwSignal::new(Phase::Idle);
    let draft = format!("draft:{}:{}", c.e.key(), parent.unwrap_or(0));
    let sent = draft.clone();
    // Remembered across pages and sites of this host, like a browser would.
    let who = ["name", "email", "website"]
        .map(|k| (k, RwSignal::new(storage::get(k).unwrap_or_default())));

    let send = Callback::new(move |()| {
        let text = body.get_untracked();
        if text.trim().is_empty() || state.get_untracked() == Phase::Busy {
            return;
        }
        let new = new_comment(c, parent, who, text.clone());
        state.set(Phase::Busy);
        let sent = sent.clone();
        spawn_local(async move {
            match c.e.client.post(&new).await {
                Ok((held, created)) => {
                    let id = keep(c, held, created, text);
                    body.set(String::new());
                    storage::set(&sent, "");
                    state.set(if held { Phase::Done } else { Phase::Idle });
                    c.reveal(Some(id));
                    if let Some(done) = on_done {
                        done.run(());
                    }
                }
                // The text stays in the box and in the draft: retrying is
                // one more click.
                Err(e) => state.set(Phase::Failed(t.error(e))),
            }
        });
    });

    let inputs = who_fields(t, who);
    view! {
        <form class="cf-form" data-testid="composer" novalidate
            on:submit=move |ev| { ev.prevent_default(); send.run(()) }>
            <Editor body draft on_send=send focus=parent.is_some() />
            <div class="cf-who">{inputs}</div>
            <div class="cf-actions">
                <button type="submit" class="cf-primary" data-testid="submit"
                    disabled=move || state.get() == Phase::Busy>
                    {move || match state.get() {
                        Phase::Busy => t.posting,
                        Phase::Failed(_) => t.retry,
                        _ => t.post,
                    }}
                </button>
                {on_done.map(|done| view! {
                    <button type="button" on:click=move |_| done.run(())>{t.cancel}</button>
                })}
            </div>
            <p class="cf-notice" data-testid="notice" role="status">
                {move || match state.get() {
                    Phase::Done => t.held,
                    Phase::Failed(m) => m,
                    _ => "",
                }}
            </p>
        </form>
    }
}

/// The comment to send, remembering the reader's name, e-mail and website
/// for next time.
fn new_comment(
    c: Ctx,
    parent: Option<i64>,
    who: [(&'static str, RwSignal<String>); 3],
    body: String,
) -> NewComment {
    let [author, email, website] = who.map(|(k, s)| {
        let v = s.get_untracked().trim().to_owned();
        storage::set(k, &v);
        (!v.is_empty()).then_some(v)
    });
    NewComment {
        page: c.e.page.clone(),
        title: Some(c.e.title.clone()),
        url: Some(c.e.url.clone()),
        parent,
        author,
        email,
        website,
        body,
        notify: None,
    }
}

/// What a post the server took leaves behind: the edit token, a held
/// comment remembered until it is published, and the comment in the
/// thread. Returns its id.
fn keep(c: Ctx, held: bool, created: CreatedComment, text: String) -> i64 {
    let id = created.comment.id;
    let own = storage::Own {
        until: js_sys::Date::now() as i64 + EDIT_WINDOW_MS,
        token: created.edit_token,
        body: text,
    };
    storage::set_own(id, Some(&own));
    if held {
        hold(c, &created.comment);
    }
    c.insert(created.comment, false);
    id
}

/// Remembers the reader's own held comment (a post, or an edit the server
/// held) until it is published, and says that it waits.
pub fn hold(c: Ctx, comment: &confab_api::Comment) {
    let mut list = storage::pending(&c.e.key());
    list.retain(|p| p.id != comment.id);
    list.push(comment.clone());
    storage::set_pending(&c.e.key(), &list);
    c.announce.set(c.t.held.into());
}

/// The optional name, e-mail and website fields.
fn who_fields(t: &'static Strings, who: [(&'static str, RwSignal<String>); 3]) -> impl IntoView {
    let labels = [
        (t.name, "text", "name"),
        (t.email, "email", "email"),
        (t.website, "url", "url"),
    ];
    who.into_iter()
        .zip(labels)
        .map(|((_, sig), (label, kind, auto))| {
            view! {
                <label class="cf-field">
                    <span>{label}</span>
                    <input type=kind dir="auto" autocomplete=auto prop:value=move || sig.get()
                        on:input=move |ev| sig.set(event_target_value(&ev)) />
                </label>
            }
        })
        .collect_view()
}
