//! `/t/{site}?page=KEY`: the thread as a whole page, with a form that posts
//! without JavaScript, for `<noscript>` links and readers who turn scripts
//! off. A GET only shows; the POST goes through the posting service, like
//! the widget's, and answers `303` back to the new comment, or the form
//! again with what was typed and why it was refused.

use std::sync::LazyLock;

use axum::{
    extract::{rejection::FormRejection, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use confab_api::{CommentStatus, ComposeSignals, ErrorCode, NewComment};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use super::{
    form::{self, Fields, Problem},
    fragment_of, language, HtmlQuery, Links,
};
use crate::{
    comments::{self, NewPost, Posted, Poster},
    domain::{input::NewCommentInput, signed::FormClaim, texts::Lang, PageKey},
    encoded::Encoding,
    http::{
        admin::{check_same_origin, pages},
        assets,
        client::Client,
        extract::{self, AppPath, AppQuery, Origin},
    },
    store::{now_ms, Site},
    AppState, Error, Result,
};

/// The fragment's query and the page's own. Not `#[serde(flatten)]`, which
/// hands numbers in a query string over as strings that no longer parse.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: String,
    cursor: Option<String>,
    parent: Option<i64>,
    lang: Option<String>,
    /// The comment the form replies to.
    reply_to: Option<i64>,
    /// Set after a post that waits for a moderator.
    held: Option<u8>,
}

impl PageQuery {
    fn thread(&self) -> HtmlQuery {
        HtmlQuery {
            page: self.page.clone(),
            cursor: self.cursor.clone(),
            parent: self.parent,
            lang: self.lang.clone(),
            view: None,
        }
    }
}

/// The page's own layout; the thread's look is the widget's stylesheet.
const STYLE: &str = "body{margin:0;font:17px/1.5 system-ui,sans-serif}\
    main{max-width:42rem;margin:2rem auto;padding:0 1rem}\
    h1{font-size:1.5em;margin:0 0 1rem}\
    .cf-form label{display:block;margin:.75rem 0 .25rem}\
    .cf-form input,.cf-form textarea{box-sizing:border-box;width:100%;font:inherit}\
    .cf-form button{margin-top:1rem;font:inherit}\
    .cf-hp{position:absolute;inset-inline-start:-100vw}";

pub async fn show(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<PageQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let site = extract::site(&state, &slug, &Origin(None)).await?;
    let lang = language(q.lang.as_deref(), &headers);
    render(
        &state,
        &site,
        &q,
        lang,
        &Fields::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The POST of the page's form. The same-origin check and the signed token
/// stand against forged posts; the token's age is the compose time the
/// widget would send.
pub async fn post(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
    AppQuery(q): AppQuery<PageQuery>,
    headers: HeaderMap,
    client: Client,
    form: Result<Form<Fields>, FormRejection>,
) -> Result<Response> {
    check_same_origin(&state, &headers)?;
    let site = extract::site(&state, &slug, &Origin(None)).await?;
    let lang = language(q.lang.as_deref(), &headers);
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    let key = PageKey::parse(&q.page).map_err(|m| Error::invalid("page", m))?;
    let post = match new_post(&state, &site, &key, &fields) {
        Ok(post) => post,
        Err(refused) => return give_back(&state, &site, &q, lang, &fields, refused).await,
    };
    let poster = Poster {
        ip_hash: client.ip_hash,
        voter: client.voter,
    };
    let links = Links::new(&state, &site.slug, key.as_str(), lang.t.lang);
    let to = match comments::post(&state, &site, post, poster).await? {
        Posted::Published(c) => format!("{}#confab-{}", links.full(&[]), c.comment.id),
        Posted::Held(_) => format!("{}#confab-form", links.full(&[("held", "1")])),
        Posted::Refused(refusal) => {
            let refused = Refused::from_error(refusal.into())?;
            return give_back(&state, &site, &q, lang, &fields, refused).await;
        }
    };
    Ok(Redirect::to(&to).into_response())
}

/// Why a form comes back: the answer's status, the error code its text is
/// worded from, the field it is about, and when to try again.
struct Refused {
    status: StatusCode,
    code: ErrorCode,
    field: Option<String>,
    retry_after: Option<u64>,
}

impl Refused {
    fn new(status: StatusCode, code: ErrorCode, field: Option<&str>) -> Self {
        let field = field.map(str::to_owned);
        Self {
            status,
            code,
            field,
            retry_after: None,
        }
    }

    /// A refusal of the posting service; an internal error stays one.
    fn from_error(e: Error) -> Result<Self> {
        match e {
            Error::Client {
                status,
                code,
                field,
                ..
            } => Ok(Self {
                status,
                code,
                field,
                retry_after: None,
            }),
            Error::RateLimited { retry_after_secs } => Ok(Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, None)
            }),
            internal @ Error::Internal(_) => Err(internal),
        }
    }
}

/// The post the form asks for, once its token holds for this site and page.
fn new_post(
    state: &AppState,
    site: &Site,
    key: &PageKey,
    fields: &Fields,
) -> Result<NewPost, Refused> {
    let now = now_ms();
    let claim = FormClaim::verify(&fields.token, &state.signing_key, now)
        .filter(|c| c.site == site.slug && c.page == key.as_str())
        .ok_or_else(|| Refused::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, None))?;
    let parent = match fields.parent.trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| {
            Refused::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                Some("parent"),
            )
        })?),
    };
    let given = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let new = NewComment {
        page: key.to_string(),
        parent,
        author: given(&fields.author),
        email: given(&fields.email),
        website: given(&fields.website),
        body: fields.body.clone(),
        ..NewComment::default()
    };
    let input = NewCommentInput::parse(&new, state.config.limits.body_chars).map_err(|e| {
        Refused::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
            Some(e.field),
        )
    })?;
    Ok(NewPost {
        input,
        parent,
        notify: false,
        signals: ComposeSignals {
            honeypot: Some(fields.hp.clone()).filter(|h| !h.is_empty()),
            compose_ms: u64::try_from(now - claim.issued).ok(),
        },
    })
}

/// The page again, the form holding `fields` and the reason beside them.
async fn give_back(
    state: &AppState,
    site: &Site,
    q: &PageQuery,
    lang: &'static Lang,
    fields: &Fields,
    refused: Refused,
) -> Result<Response> {
    let problem = Problem {
        message: lang.t.for_error(refused.code),
        field: refused.field,
    };
    let mut page = render(state, site, q, lang, fields, Some(problem), refused.status).await?;
    if let Some(secs) = refused.retry_after {
        page.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Ok(page)
}

/// The whole page: the cached fragment, then the form filled with `fields`.
async fn render(
    state: &AppState,
    site: &Site,
    q: &PageQuery,
    lang: &'static Lang,
    fields: &Fields,
    problem: Option<Problem>,
    status: StatusCode,
) -> Result<Response> {
    let key = PageKey::parse(&q.page).map_err(|m| Error::invalid("page", m))?;
    let fragment = fragment_of(state, site, &q.thread(), lang).await?;
    let page = state.store.page(site.id, key.as_str()).await?;
    let locked = page.as_ref().is_some_and(|p| p.locked);
    // The reply's author, from the stored comment, when readers see it on
    // this page: a held comment's author is nobody's business yet.
    let reply_to = match q.reply_to {
        Some(id) => state
            .store
            .admin_comment(id)
            .await?
            .filter(|c| c.site_id == site.id && c.page == key.as_str())
            .filter(|c| c.status() == CommentStatus::Approved)
            .map(|c| {
                let name = Some(c.author).filter(|a| !a.is_empty());
                (id, name.unwrap_or_else(|| lang.t.anonymous.to_owned()))
            }),
        None => None,
    };
    let links = Links::new(state, &site.slug, key.as_str(), lang.t.lang);
    let token = FormClaim {
        site: site.slug.clone(),
        page: key.to_string(),
        issued: now_ms(),
    }
    .sign(&state.signing_key);
    let title = page.as_ref().and_then(|p| p.title.clone());
    // Only a link on the site's own origins goes back "to the article".
    let article = page
        .as_ref()
        .and_then(|p| p.url.clone())
        .filter(|u| site.owns_url(u));
    let t = &lang.t;
    let thread = String::from_utf8_lossy(fragment.pick(Encoding::Identity).0);
    // Inside `.confab .cf`, as in the widget's shadow root, so its
    // stylesheet's palette and rules apply.
    let body = html! {
        main { div.confab { div.cf {
            // The article's title, back to the article.
            h1 {
                @match &article {
                    Some(url) => a href=(url) data-testid="article" { (title.as_deref().unwrap_or(key.as_str())) },
                    None => (title.as_deref().unwrap_or(key.as_str())),
                }
            }
            @if q.held.is_some() {
                p class="cf-notice" role="status" data-testid="held" { (t.held) }
            }
            (PreEscaped(thread.as_ref()))
            @if locked {
                p class="cf-notice" data-testid="locked" { (t.err_locked) }
                // A post refused by the lock keeps what was typed, to copy.
                @if !fields.body.is_empty() {
                    textarea readonly aria-label=(t.body_label) data-testid="kept" { (fields.body) }
                }
            } @else {
                (form::form(lang, &links, fields, &token, reply_to.as_ref().map(|(id, n)| (*id, n.as_str())), problem.as_ref()))
            }
        } } }
    };
    let head_title = format!(
        "{} · {}",
        t.thread,
        title.as_deref().unwrap_or(key.as_str())
    );
    let page = (status, document(lang, &head_title, body)).into_response();
    Ok(pages::secure(page, CSP))
}

fn document(lang: &Lang, title: &str, body: Markup) -> String {
    static WIDGET_CSS: LazyLock<Option<&'static str>> = LazyLock::new(|| {
        assets::ASSETS
            .iter()
            .map(|a| a.path)
            .find(|p| p.starts_with("/assets/widget-") && p.ends_with(".css"))
    });
    html! {
        (DOCTYPE)
        html lang=(lang.t.lang) dir=(lang.t.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                @if let Some(css) = *WIDGET_CSS {
                    link rel="stylesheet" href=(css);
                }
                // Our own constant CSS, which escaping would only garble.
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

/// The page runs no script at all, posts only here, and is framed nowhere.
const CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
