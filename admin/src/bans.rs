//! A site's bans: add one (e-mail, IP hash or author) with an expiry, list
//! them, remove one.

use confab_api::admin::{Ban, BanKind, NewBan};
use leptos::prelude::*;

use crate::{
    api,
    i18n::{fill, t, Strings},
    notice::{call, notify},
};

const DAY: u64 = 24 * 3600;

#[component]
pub fn Bans(
    /// The site whose bans are shown.
    #[prop(into)]
    site: Signal<i64>,
) -> impl IntoView {
    let t = t();
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
            let kind = kind_text(t, b.kind);
            notify(fill(t.banned(), &[("kind", &kind), ("value", &b.value)]));
            bans.update(|v| v.insert(0, b));
            value.set(String::new());
        });
    };
    let remove = move |id: i64| {
        call(api::unban(site.get_untracked(), id), move |()| {
            bans.update(|v| v.retain(|b| b.id != id));
            notify(t.ban_removed());
        });
    };

    view! {
        <section data-testid="bans" aria-labelledby="bans-h">
            <h2 id="bans-h">{t.bans()}</h2>
            <form class="filters" on:submit=add>
                <label>{t.kind()}
                    <select on:change=move |e| kind.set(event_target_value(&e))>
                        <option value="email">{t.email()}</option>
                        <option value="ip">{t.ban_ip_option()}</option>
                        <option value="author">{t.ban_author_option()}</option>
                    </select>
                </label>
                <label>{t.value()}
                    <input data-testid="ban-value" required prop:value=move || value.get()
                        on:input=move |e| value.set(event_target_value(&e)) />
                </label>
                <label>{t.reason()}
                    <input prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
                </label>
                {expiry(t, days)}
                <button data-testid="ban-add">{t.add_ban()}</button>
            </form>
            <table>
                <thead><tr>
                    <th>{t.kind()}</th><th>{t.value()}</th><th>{t.reason()}</th><th>{t.expires()}</th><th></th>
                </tr></thead>
                <tbody>
                    <For each=move || bans.get() key=|b| b.id let:b>
                        <tr data-testid=format!("ban-{}", b.id)>
                            <td>{kind_text(t, b.kind)}</td><td>{b.value}</td>
                            <td>{b.reason.unwrap_or_default()}</td>
                            <td>{b.expires.unwrap_or_else(|| t.never().into())}</td>
                            <td><button type="button" on:click=move |_| remove(b.id)>{t.remove()}</button></td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

/// How long a new ban lasts, in days (0: it never expires).
fn expiry(t: &'static Strings, days: RwSignal<String>) -> impl IntoView {
    view! {
        <label>{t.expires()}
            <select data-testid="ban-expiry" on:change=move |e| days.set(event_target_value(&e))>
                {[1, 7, 30].map(|n| view! {
                    <option value=n.to_string() selected=n == 7>{t.in_days.of(n)}</option>
                })}
                <option value="0">{t.never()}</option>
            </select>
        </label>
    }
}

/// A ban's kind as the table and the notice say it.
fn kind_text(t: &'static Strings, kind: BanKind) -> &'static str {
    match kind {
        BanKind::Email => t.kind_email(),
        BanKind::Ip => t.kind_ip(),
        BanKind::Author => t.kind_author(),
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
