//! The `/admin` page, which loads the dashboard (or, in a binary built
//! without it, shows a plain login form), and the password setup page of
//! `confab moderator add` and `reset`; the look every server-rendered page
//! shares, which `mail_links.rs` uses too. A GET only ever shows a form;
//! only its same-origin POST acts, with the token carried in the form.
//!
//! The markup is maud's: every value is escaped where it is written, and
//! only this file's own style and script go in unescaped.

use std::time::Instant;

use axum::{
    extract::{rejection::FormRejection, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use super::check_same_origin;
use crate::{
    domain::{password, secrets},
    http::client::Client,
    moderation::passwords,
    store::now_ms,
    AppState, Error,
};

/// The look of the server-rendered pages: ours, inline, which the policy
/// below allows.
const STYLE: &str = "body{font:16px system-ui;max-width:32rem;margin:3rem auto;\
     padding:0 1rem}input,button{font:inherit;display:block;margin:.5rem 0}\
     blockquote{white-space:pre-wrap;border-left:3px solid #ccc;padding-left:1rem}";

/// An `/admin` document named `title`, with `head` after its title.
fn document(title: &str, head: Markup, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                title { (title) " · Confab" }
                (head)
            }
            body { (body) }
        }
    }
    .into_string()
}

/// A server-rendered page: `title` as its heading, then `body`.
pub(super) fn page(status: StatusCode, title: &str, body: Markup) -> Response {
    // Our own constant CSS, which escaping would only garble.
    let style = html! { style { (PreEscaped(STYLE)) } };
    let html = document(title, style, html! { h1 { (title) } (body) });
    secure(
        (status, html).into_response(),
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
}

/// The headers every server-rendered page carries (the `/admin` pages and
/// the thread's page without JavaScript), with its content policy.
pub(crate) fn secure(mut response: Response, csp: &'static str) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Tokens ride in these pages (in URLs, in forms): never cache them, never leak them
    // in a Referer to another site, never let another site frame the
    // buttons. Not `no-referrer`: with it browsers send `Origin: null` on
    // the forms' POSTs, which the same-origin check rightly refuses.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Never read as anything but the HTML it says it is.
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    response
}

pub(super) fn refused(status: StatusCode, message: &str) -> Response {
    page(status, "Sorry", html! { p { (message) } })
}

/// The dashboard when the binary carries it (it shows its own login), else
/// the plain login form.
pub async fn dashboard_page() -> Response {
    let Some((boot, css)) = crate::http::assets::DASHBOARD else {
        return login_page();
    };
    let html = document(
        "Moderation",
        html! {
            link rel="stylesheet" href=(css);
            script type="module" src=(boot) {}
        },
        html! { noscript { "The dashboard needs JavaScript." } },
    );
    // Only our own files run; the wasm needs 'wasm-unsafe-eval' to compile.
    // Comment HTML is sanitised when written, and this policy backs that up.
    secure(
        (StatusCode::OK, html).into_response(),
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    )
}

/// Posts the login form as JSON to `/admin/api/login`.
const LOGIN_SCRIPT: &str = "const f=document.getElementById('f');\
     f.onsubmit=async e=>{e.preventDefault();\
     const next=new URLSearchParams(location.search).get('next')||undefined;\
     const r=await fetch('/admin/api/login',{method:'POST',headers:{'Content-Type':\
     'application/json'},body:JSON.stringify({email:f.email.value,password:\
     f.password.value,next})});const j=await r.json();if(r.ok){location.assign(j.next)}\
     else{document.getElementById('m').textContent=j.error.message}}";

/// The login form, for a binary built without the dashboard.
fn login_page() -> Response {
    let form = html! {
        form id="f" {
            label { "E-mail" input name="email" type="email" required autocomplete="username"; }
            label {
                "Password"
                input name="password" type="password" required autocomplete="current-password";
            }
            button { "Log in" }
            p id="m" role="alert" {}
        }
        // Our own constant script: escaped, its `=>` would not run.
        script { (PreEscaped(LOGIN_SCRIPT)) }
    };
    page(StatusCode::OK, "Moderator login", form)
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    pub(super) token: Option<String>,
}

pub async fn setup_page(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let token = q.token.unwrap_or_default();
    match state
        .store
        .setup_token(&secrets::token_hash(&token), now_ms())
        .await
    {
        Ok(Some(_)) => page(
            StatusCode::OK,
            "Choose a password",
            html! {
                form method="post" action="/admin/setup" {
                    input type="hidden" name="token" value=(token);
                    label {
                        "New password (at least " (password::MIN_LEN) " characters)"
                        input name="password" type="password" required autocomplete="new-password";
                    }
                    button { "Set password" }
                }
            },
        ),
        Ok(None) => refused(StatusCode::NOT_FOUND, GONE_LINK),
        Err(e) => Error::Internal(e).into_response(),
    }
}

const GONE_LINK: &str = "This link is unknown, used or expired.";

#[derive(Debug, Deserialize)]
pub struct SetupForm {
    token: String,
    password: String,
}

pub async fn setup(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    form: Result<Form<SetupForm>, FormRejection>,
) -> Response {
    if check_same_origin(&state, &headers).is_err() {
        return refused(StatusCode::FORBIDDEN, "Cross-site requests are refused.");
    }
    // Every attempt counts against the caller's address, and a good one is
    // taken back below: guessing tokens is limited like guessing passwords.
    let ip_key = format!("setup:{}", client.ip_hash);
    let limit = state.config.limits.login_failures_per_ip;
    if let Err(retry_after_secs) = state.logins.hit(&ip_key, limit, Instant::now()) {
        let mut r = refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts from your address. Try again later.",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        return r;
    }
    let Ok(Form(form)) = form else {
        return refused(StatusCode::BAD_REQUEST, "That form is incomplete.");
    };
    match set_password(&state, form).await {
        Ok(Ok(())) => {
            state.logins.uncount(&ip_key);
            page(
                StatusCode::OK,
                "Password set",
                html! { p { "You can now " a href="/admin" { "log in" } "." } },
            )
        }
        Ok(Err((status, message))) => refused(status, &message),
        Err(e) => Error::Internal(e).into_response(),
    }
}

/// Sets the password a setup link was made for. The token is checked
/// before the password is hashed: argon2 costs 19 MiB and real time, and
/// only a link's holder may spend them.
async fn set_password(
    state: &AppState,
    form: SetupForm,
) -> anyhow::Result<Result<(), (StatusCode, String)>> {
    let unknown = || (StatusCode::NOT_FOUND, GONE_LINK.to_owned());
    let token_hash = secrets::token_hash(&form.token);
    let store = &state.store;
    if store.setup_token(&token_hash, now_ms()).await?.is_none() {
        return Ok(Err(unknown()));
    }
    if let Err(m) = password::check_new(&form.password) {
        return Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, m)));
    }
    let hash = passwords::hash(form.password).await?;
    // Spent only now, atomically: of two uses racing, one wins.
    match store
        .redeem_setup_token(&token_hash, &hash, now_ms())
        .await?
    {
        Some(_) => Ok(Ok(())),
        None => Ok(Err(unknown())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(r: Response) -> String {
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_refusal_shows_its_message_as_text() {
        let html = body(refused(StatusCode::NOT_FOUND, "<b>gone</b> & \"so\"")).await;
        assert!(html.contains("<h1>Sorry</h1><p>&lt;b&gt;gone&lt;/b&gt; &amp; &quot;so&quot;</p>"));
    }

    #[tokio::test]
    async fn the_login_form_keeps_its_own_script_and_style_as_written() {
        let html = body(login_page()).await;
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"));
        assert!(html.contains("<title>Moderator login · Confab</title>"));
        assert!(html.contains("f.onsubmit=async e=>{e.preventDefault();"));
        assert!(html.contains("blockquote{white-space:pre-wrap;"));
    }
}
