//! A site's bans: add one (e-mail, IP hash or author) with an expiry, list
//! them, remove one.

use confab_api::admin::{Ban, BanKind, NewBan};
use leptos::prelude::*;

use crate::{
    api,
    notice::{call, notify},
};

const DAY: u64 = 24 * 3600;

#[component]
pub fn Bans(
    /// The site whose bans are shown.
    #[prop(into)]
    site: Signal<i64>,
) -> impl IntoView {
    let bans = RwSignal::new(Vec::<Ban>::new());
    Effect::new(move || {
        call(api::bans(site.get()), move |b| bans.set(b));
    });
    let kind = RwSignal::new("email".to_string());
    let value = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let days = RwSignal::new("7".to_string());

    let add = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let new = new_ban(
            &kind.get_untracked(),
            &value.get_untracked(),
            &reason.get_untracked(),
            &days.get_untracked(),
        );
        call(api::ban(site.get_untracked(), new), move |b| {
            notify(format!("Banned {} {}", b.kind.as_str(), b.value));
            bans.update(|v| v.insert(0, b));
            value.set(String::new());
        });
    };
    let remove = move |id: i64| {
        call(api::unban(site.get_untracked(), id), move |()| {
            bans.update(|v| v.retain(|b| b.id != id));
            notify("Ban removed");
        });
    };

    view! {
        <section data-testid="bans" aria-labelledby="bans-h">
            <h2 id="bans-h">"Bans"</h2>
            <form class="filters" on:submit=add>
                <label>"Kind"
                    <select on:change=move |e| kind.set(event_target_value(&e))>
                        <option value="email">"E-mail"</option>
                        <option value="ip">"IP hash (today)"</option>
                        <option value="author">"Author hash"</option>
                    </select>
                </label>
                <label>"Value"
                    <input data-testid="ban-value" required prop:value=move || value.get()
                        on:input=move |e| value.set(event_target_value(&e)) />
                </label>
                <label>"Reason"
                    <input prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
                </label>
                <label>"Expires"
                    <select data-testid="ban-expiry" on:change=move |e| days.set(event_target_value(&e))>
                        <option value="1">"in 1 day"</option>
                        <option value="7" selected>"in 7 days"</option>
                        <option value="30">"in 30 days"</option>
                        <option value="0">"never"</option>
                    </select>
                </label>
                <button data-testid="ban-add">"Add ban"</button>
            </form>
            <table>
                <thead><tr><th>"Kind"</th><th>"Value"</th><th>"Reason"</th><th>"Expires"</th><th></th></tr></thead>
                <tbody>
                    <For each=move || bans.get() key=|b| b.id let:b>
                        <tr data-testid=format!("ban-{}", b.id)>
                            <td>{b.kind.as_str()}</td><td>{b.value}</td>
                            <td>{b.reason.unwrap_or_default()}</td>
                            <td>{b.expires.unwrap_or_else(|| "never".into())}</td>
                            <td><button type="button" on:click=move |_| remove(b.id)>"Remove"</button></td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

/// The ban the form describes; `days` of 0 stands for "never expires".
fn new_ban(kind: &str, value: &str, reason: &str, days: &str) -> NewBan {
    NewBan {
        kind: BanKind::parse(kind),
        value: Some(value.trim().to_owned()),
        comment: None,
        reason: (!reason.trim().is_empty()).then(|| reason.trim().to_owned()),
        expires_in_secs: days.parse::<u64>().ok().filter(|d| *d > 0).map(|d| d * DAY),
    }
}
