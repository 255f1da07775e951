//! A site's word lists and what happens to a banned author's comments.

use confab_api::admin::{BanMode, SiteSettings};
use leptos::prelude::*;

use crate::{
    api,
    i18n::t,
    notice::{call, notify},
};

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub fn Settings(
    /// The site whose settings are shown.
    #[prop(into)]
    site: Signal<i64>,
) -> impl IntoView {
    let blocked = RwSignal::new(String::new());
    let suspect = RwSignal::new(String::new());
    let hold = RwSignal::new(false);
    Effect::new(move || {
        call(api::settings(site.get()), move |s| {
            blocked.set(s.blocked_words.join("\n"));
            suspect.set(s.suspect_words.join("\n"));
            hold.set(s.ban_mode == BanMode::Hold);
        });
    });
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let s = SiteSettings {
            ban_mode: if hold.get_untracked() {
                BanMode::Hold
            } else {
                BanMode::Refuse
            },
            blocked_words: lines(&blocked.get_untracked()),
            suspect_words: lines(&suspect.get_untracked()),
        };
        call(api::save_settings(site.get_untracked(), s), |_| {
            notify(t().settings_saved())
        });
    };
    view! {
        <section data-testid="settings" aria-labelledby="settings-h">
            <h2 id="settings-h">{t().words_heading()}</h2>
            <form class="stack" on:submit=save>
                <label>{t().blocked_words()}
                    <textarea rows="6" data-testid="blocked-words" prop:value=move || blocked.get()
                        on:input=move |e| blocked.set(event_target_value(&e))></textarea>
                </label>
                <label>{t().suspect_words()}
                    <textarea rows="6" data-testid="suspect-words" prop:value=move || suspect.get()
                        on:input=move |e| suspect.set(event_target_value(&e))></textarea>
                </label>
                <label class="inline">
                    <input type="checkbox" prop:checked=move || hold.get()
                        on:change=move |e| hold.set(event_target_checked(&e)) />
                    " " {t().hold_banned()}
                </label>
                <button data-testid="settings-save">{t().save()}</button>
            </form>
        </section>
    }
}
