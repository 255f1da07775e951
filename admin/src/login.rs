//! The login form. A successful login sets the HttpOnly session cookie and
//! hands back the CSRF token, which only this page's memory keeps.

use confab_api::admin::{Login as LoginBody, Session};
use leptos::{prelude::*, task::spawn_local};

use crate::{api, i18n::t};

/// The `next` of `/admin?next=...`, which the server checks is ours.
fn next_param() -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("next")
}

#[component]
pub fn Login(
    /// Called with the new session.
    on_login: Callback<Session>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let body = LoginBody {
            email: email.get_untracked(),
            password: password.get_untracked(),
            next: next_param(),
        };
        busy.set(true);
        spawn_local(async move {
            match api::login(&body).await {
                Ok(s) if s.next != "/admin" => {
                    let _ = window().location().assign(&s.next);
                }
                Ok(s) => on_login.run(s),
                Err(f) => error.set(t().login_failure(&f)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login" data-testid="login">
            <h1>{t().login_heading()}</h1>
            <form class="stack" on:submit=submit>
                <label>{t().email()}
                    <input type="email" required autocomplete="username" autofocus
                        data-testid="login-email" on:input=move |e| email.set(event_target_value(&e)) />
                </label>
                <label>{t().password()}
                    <input type="password" required autocomplete="current-password"
                        data-testid="login-password" on:input=move |e| password.set(event_target_value(&e)) />
                </label>
                <button data-testid="login-submit" disabled=move || busy.get()>{t().log_in()}</button>
                <p role="alert" class="error" data-testid="login-error">{move || error.get()}</p>
            </form>
        </main>
    }
}
