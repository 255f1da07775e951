//! A site's Import/Export tab: upload a file to import and watch it to its
//! report, or download the site's export in either format.

use confab_api::admin::{ImportSkip, ImportState, ImportStatus};
use leptos::{html, prelude::*, task::spawn_local};

use crate::{
    api::{self, Failure},
    i18n::{fill, t, Strings},
};

/// How often, and how long at most, the tab asks how an import is going:
/// every half second for up to two hours, past which it says to reload.
const POLL_MS: i32 = 500;
const MAX_POLLS: u32 = 2 * 3600 * 2;

/// The formats `confab import` reads, with `auto` first.
const FORMATS: [&str; 7] = [
    "auto",
    "disqus",
    "wordpress",
    "isso",
    "remark42",
    "commento",
    "confab",
];

#[component]
pub fn Transfer(
    /// The site imported into and exported.
    #[prop(into)]
    site: Signal<i64>,
) -> impl IntoView {
    let t = t();
    let status = RwSignal::new(None::<ImportStatus>);
    let problem = RwSignal::new(String::new());
    let format = RwSignal::new("auto".to_string());
    let dry_run = RwSignal::new(false);
    let file = NodeRef::<html::Input>::new();
    // What the site's last import (since the server started) came to.
    Effect::new(move || {
        let site = site.get();
        status.set(None);
        spawn_local(async move {
            if let Ok(s) = api::import_status(site).await {
                let running = s.state == ImportState::Running;
                status.set(Some(s));
                if running {
                    follow(site, status).await;
                }
            }
        });
    });
    let start = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let chosen = file.get().and_then(|i| i.files()).and_then(|f| f.get(0));
        let Some(chosen) = chosen else {
            problem.set(t.choose_file().into());
            return;
        };
        problem.set(String::new());
        let (site, format, dry) = (
            site.get_untracked(),
            format.get_untracked(),
            dry_run.get_untracked(),
        );
        spawn_local(async move {
            match api::import(site, &chosen, &format, dry).await {
                Ok(s) => {
                    status.set(Some(s));
                    follow(site, status).await;
                }
                Err(f) => problem.set(refusal(t, &f)),
            }
        });
    };
    view! {
        <section data-testid="import" aria-labelledby="import-h">
            <h2 id="import-h">{t.import_heading()}</h2>
            <p class="muted">{t.import_hint()}</p>
            <form class="filters" on:submit=start>
                <label>{t.import_file()}
                    <input type="file" data-testid="import-file" node_ref=file />
                </label>
                <label>{t.import_format()}
                    <select data-testid="import-format" on:change=move |e| format.set(event_target_value(&e))>
                        {FORMATS.map(|f| view! {
                            <option value=f>{if f == "auto" { t.format_auto() } else { f }}</option>
                        })}
                    </select>
                </label>
                <label>
                    <input type="checkbox" data-testid="import-dry-run"
                        on:change=move |e| dry_run.set(event_target_checked(&e)) />
                    {t.dry_run()}
                </label>
                <button data-testid="import-start"
                    disabled=move || status.get().is_some_and(|s| s.state == ImportState::Running)>
                    {t.import_start()}
                </button>
            </form>
            <p class="error" role="alert" data-testid="import-problem">{move || problem.get()}</p>
            <div role="status" aria-live="polite" data-testid="import-status">
                {move || status.get().map(|s| report(t, s))}
            </div>
        </section>
        <section data-testid="export" aria-labelledby="export-h">
            <h2 id="export-h">{t.export_heading()}</h2>
            <p class="muted">{t.export_hint()}</p>
            <p>
                <a data-testid="export-confab" download href=move || api::export_url(site.get(), "confab")>
                    {t.export_confab()}
                </a>
                " "
                <a data-testid="export-disqus" download href=move || api::export_url(site.get(), "disqus")>
                    {t.export_disqus()}
                </a>
            </p>
        </section>
    }
}

/// Asks how the import goes until it has ended (or for at most
/// [`MAX_POLLS`] turns).
async fn follow(site: i64, status: RwSignal<Option<ImportStatus>>) {
    for _ in 0..MAX_POLLS {
        if status
            .get_untracked()
            .is_none_or(|s| s.state != ImportState::Running)
        {
            return;
        }
        api::pause(POLL_MS).await;
        if let Ok(s) = api::import_status(site).await {
            status.set(Some(s));
        }
    }
}

/// Why the upload was refused: the two refusals that need their own advice,
/// else what the dashboard says of any failure.
fn refusal(t: &'static Strings, failure: &Failure) -> String {
    match failure {
        Failure::Refused { status: 409, .. } => t.import_busy().into(),
        Failure::Refused { status: 413, .. } => t.import_too_big().into(),
        other => t.failure(other),
    }
}

/// The status line and, once done, the report.
fn report(t: &'static Strings, s: ImportStatus) -> impl IntoView {
    let file: &dyn std::fmt::Display = &s.file;
    let line = match (s.state, &s.report, &s.error) {
        (ImportState::Done, Some(r), _) => {
            let text = if s.dry_run {
                t.import_dry_done()
            } else {
                t.import_done()
            };
            let args: [(&str, &dyn std::fmt::Display); 5] = [
                ("file", file),
                ("format", &r.format),
                ("imported", &r.imported),
                ("pages", &r.pages),
                ("present", &r.present),
            ];
            fill(text, &args)
        }
        (ImportState::Failed, _, error) => {
            let error = error.clone().unwrap_or_default();
            fill(t.import_failed(), &[("file", file), ("error", &error)])
        }
        _ => fill(t.import_running(), &[("file", file), ("n", &s.records)]),
    };
    let (skipped, reattached) = s
        .report
        .map(|r| (r.skipped, r.reattached))
        .unwrap_or_default();
    view! {
        <p data-testid="import-line" data-state=state_name(s.state)>{line}</p>
        {skips(t.skipped_heading(), "import-skipped", skipped)}
        {skips(t.reattached_heading(), "import-reattached", reattached)}
    }
}

/// The state for tests and styles (the build strips `Debug` text).
fn state_name(state: ImportState) -> &'static str {
    match state {
        ImportState::Running => "running",
        ImportState::Done => "done",
        ImportState::Failed => "failed",
    }
}

fn skips(heading: &'static str, testid: &'static str, list: Vec<ImportSkip>) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <h3>{heading}</h3>
            <ul data-testid=testid>
                {list.into_iter().map(|s| view! { <li><code>{s.source_id}</code> ": " {s.reason}</li> }).collect_view()}
            </ul>
        }
    })
}
