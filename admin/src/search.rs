//! Search across the moderator's sites: words, author, e-mail, page, status.

use confab_api::{
    admin::{AdminComment, AdminSite},
    CommentStatus,
};
use leptos::prelude::*;

use crate::{
    api::{self, enc},
    i18n::{t, Strings},
    notice::call,
    row::{status_text, CommentRow},
};

/// The statuses to search by, in the order the picker lists them.
const STATUSES: [CommentStatus; 4] = [
    CommentStatus::Pending,
    CommentStatus::Approved,
    CommentStatus::Spam,
    CommentStatus::Deleted,
];

#[component]
pub fn Search(sites: Vec<AdminSite>) -> impl IntoView {
    let (q, author, email, page) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let status = RwSignal::new(String::new());
    let site = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Vec<AdminComment>>);
    let t = t();

    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let mut query = Vec::new();
        for (k, v) in [
            ("q", q),
            ("author", author),
            ("email", email),
            ("page", page),
            ("status", status),
            ("site", site),
        ] {
            let v = v.get_untracked();
            if !v.trim().is_empty() {
                query.push(format!("{k}={}", enc(v.trim())));
            }
        }
        let query = query.join("&");
        call(async move { api::search(&query).await }, move |list| {
            results.set(Some(list.comments))
        });
    };
    let done = Callback::new(move |c: AdminComment| {
        results.update(|r| {
            if let Some(old) = r.iter_mut().flatten().find(|o| o.id == c.id) {
                *old = c;
            }
        })
    });
    let field = move |label: &'static str, sig: RwSignal<String>, testid: &'static str| {
        view! {
            <label>{label}
                <input type="search" data-testid=testid prop:value=move || sig.get()
                    on:input=move |e| sig.set(event_target_value(&e)) />
            </label>
        }
    };

    view! {
        <section data-testid="search" aria-labelledby="search-h">
            <h2 id="search-h">{t.search()}</h2>
            <form class="filters" on:submit=submit>
                {field(t.search_words(), q, "search-q")}
                {field(t.author(), author, "search-author")}
                {field(t.email(), email, "search-email")}
                {field(t.page(), page, "search-page")}
                {status_picker(t, status)}
                <label>{t.site()}
                    <select on:change=move |e| site.set(event_target_value(&e))>
                        <option value="">{t.all_my_sites()}</option>
                        {sites.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                    </select>
                </label>
                <button data-testid="search-go">{t.search_go()}</button>
            </form>
            {move || results.get().map(|list| if list.is_empty() {
                view! { <p data-testid="search-empty">{t.search_empty()}</p> }.into_any()
            } else {
                list.into_iter().map(|c| view! {
                    <CommentRow comment=c focused=false selected=false
                        on_select=Callback::new(|()| ()) on_done=done />
                }).collect_view().into_any()
            })}
        </section>
    }
}

/// The status to search by; none for all but the deleted.
fn status_picker(t: &'static Strings, status: RwSignal<String>) -> impl IntoView {
    view! {
        <label>{t.status()}
            <select on:change=move |e| status.set(event_target_value(&e))>
                <option value="">{t.all_but_deleted()}</option>
                {STATUSES.map(|s| view! { <option value=s.as_str()>{status_text(t, s)}</option> })}
            </select>
        </label>
    }
}
