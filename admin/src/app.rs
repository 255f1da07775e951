//! The dashboard's frame: asks the server for the session, shows the login
//! without one, else the tabs (queue, search, bans, words, audit,
//! import/export) and the
//! site picker that the per-site tabs share.

use confab_api::admin::Session;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api,
    audit::Audit,
    bans::Bans,
    i18n::{t, Strings},
    login::Login,
    notice::notice,
    queue::Queue,
    search::Search,
    settings::Settings,
    transfer::Transfer,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Queue,
    Search,
    Bans,
    Words,
    Audit,
    Transfer,
}

/// Each tab with its name and test hook.
fn tabs(t: &'static Strings) -> [(Tab, &'static str, &'static str); 6] {
    [
        (Tab::Queue, t.queue(), "tab-queue"),
        (Tab::Search, t.search(), "tab-search"),
        (Tab::Bans, t.bans(), "tab-bans"),
        (Tab::Words, t.tab_words(), "tab-words"),
        (Tab::Audit, t.audit_log(), "tab-audit"),
        (Tab::Transfer, t.tab_transfer(), "tab-transfer"),
    ]
}

#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(None::<Session>);
    let checked = RwSignal::new(false);
    let notice = notice();
    spawn_local(async move {
        // A 401 simply means "log in first".
        if let Ok(s) = api::session().await {
            session.set(Some(s));
        }
        checked.set(true);
    });
    let on_login = Callback::new(move |s: Session| session.set(Some(s)));
    let on_logout = Callback::new(move |()| session.set(None));
    move || {
        if !checked.get() {
            return view! { <p class="loading">{t().loading()}</p> }.into_any();
        }
        match session.get() {
            None => view! { <Login on_login /> }.into_any(),
            Some(s) => view! { <Dashboard session=s on_logout notice /> }.into_any(),
        }
    }
}

#[component]
fn Dashboard(
    session: Session,
    on_logout: Callback<()>,
    /// The status line that [`crate::row::notify`] writes.
    notice: RwSignal<String>,
) -> impl IntoView {
    let tab = RwSignal::new(Tab::Queue);
    let site = RwSignal::new(session.sites.first().map_or(0, |s| s.id));
    let logout = move |_| {
        spawn_local(async move {
            let _ = api::logout().await;
            on_logout.run(());
        })
    };
    let sites = session.sites.clone();
    let picker = move || {
        let sites = sites.clone();
        view! {
            <label class="site">{t().site()} " "
                <select data-testid="site" on:change=move |e| {
                    if let Ok(id) = event_target_value(&e).parse() { site.set(id) }
                }>
                    {sites.into_iter().map(|s| {
                        let id = s.id;
                        view! { <option value=id.to_string() selected=move || site.get() == id>{s.name}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let search_sites = session.sites.clone();
    view! {
        <header class="top">
            <h1>{t().heading()}</h1>
            <span class="muted" data-testid="who">{session.email.clone()}</span>
            <button type="button" data-testid="logout" on:click=logout>{t().log_out()}</button>
        </header>
        <nav class="tabs" aria-label=t().sections()>
            {tabs(t()).map(|(t, label, testid)| view! {
                <button type="button" data-testid=testid aria-pressed=move || (tab.get() == t).to_string()
                    on:click=move |_| tab.set(t)>{label}</button>
            })}
        </nav>
        <p class="notice" role="status" aria-live="polite" data-testid="notice">{move || notice.get()}</p>
        <main>
            {move || match tab.get() {
                Tab::Queue => view! { <Queue /> }.into_any(),
                Tab::Search => view! { <Search sites=search_sites.clone() /> }.into_any(),
                Tab::Bans => view! { {picker()} <Bans site /> }.into_any(),
                Tab::Words => view! { {picker()} <Settings site /> }.into_any(),
                Tab::Audit => view! { {picker()} <Audit site /> }.into_any(),
                Tab::Transfer => view! { {picker()} <Transfer site /> }.into_any(),
            }}
        </main>
    }
}
