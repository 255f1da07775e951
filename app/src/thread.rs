//! The thread as the reader sees it: a header, the comments, or an invitation
//! to write the first one.

use leptos::prelude::*;

use crate::api::Client;

/// What the placeholder's `data-*` attributes ask for.
#[derive(Clone, Debug)]
pub struct Embed {
    pub client: Client,
    pub page: String,
}

impl Embed {
    pub fn read(el: &web_sys::HtmlElement, base: String) -> Self {
        let site = el.get_attribute("data-site").unwrap_or_else(|| "demo".into());
        let page = el
            .get_attribute("data-page")
            .or_else(|| web_sys::window()?.location().pathname().ok())
            .unwrap_or_else(|| "/".into());
        Self {
            client: Client::new(base, site),
            page,
        }
    }
}

/// The whole thread of one page.
#[component]
pub fn Thread(
    /// Where and what to load.
    embed: Embed,
) -> impl IntoView {
    let thread = LocalResource::new(move || {
        let embed = embed.clone();
        async move { embed.client.thread(&embed.page).await }
    });
    view! {
        <section class="confab-thread" data-testid="thread">
            <Suspense fallback=|| view! { <p class="confab-loading">"Loading comments…"</p> }>
                {move || thread.get().map(|t| match t {
                    Ok(t) if t.total == 0 => view! {
                        <p class="confab-empty" data-testid="empty">"No comments yet. Be the first to share your thoughts."</p>
                    }.into_any(),
                    Ok(t) => view! {
                        <h2 data-testid="count">{format!("{} comments", t.total)}</h2>
                    }.into_any(),
                    Err(_) => view! {
                        <p class="confab-error" role="alert">"Comments could not be loaded."</p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
