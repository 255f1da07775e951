//! Several placeholders on one page, each with its own thread, language
//! and theme.

use serde_json::json;

use crate::harness::{browser, spawn_site};

#[tokio::test]
async fn a_second_placeholder_gets_its_own_thread_language_and_theme() {
    let site = spawn_site().await;
    site.post_comment("On the article", None).await;
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    b.wait_widget(
        "the first thread",
        "return root.querySelector('.cf-item')",
        vec![],
    )
    .await;

    // A second placeholder, and the loader again, as a page that adds
    // comments to a second story would.
    b.js(
        "const el = document.createElement('div');
         el.setAttribute('data-confab', '');
         Object.assign(el.dataset, { site: 'demo', page: '/news/other', lang: 'de-AT',
                                     theme: 'dark', title: 'Another story' });
         document.body.append(el);
         const s = document.createElement('script');
         s.src = arguments[0] + 'embed.js';
         document.body.append(s);
         return true;",
        vec![json!(site.confab)],
    )
    .await;

    let mut second = json!(null);
    for _ in 0..150 {
        second = b
            .js(
                "const [a, b] = [...document.querySelectorAll('[data-confab]')]
                     .map(el => el.shadowRoot);
                 const empty = b?.querySelector('[data-testid=empty]');
                 return empty && {
                     empty: empty.textContent,
                     theme: b.querySelector('.confab').dataset.theme,
                     lang: b.querySelector('.confab').lang,
                     first: a.querySelector('[data-testid=count]').textContent,
                     firstTheme: a.querySelector('.confab').dataset.theme };",
                vec![],
            )
            .await;
        if !second.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        second,
        json!({ "empty": "Noch keine Kommentare. Schreiben Sie den ersten!",
                "theme": "dark", "lang": "de",
                // The first asks for no theme: `auto`, the white article's.
                "first": "1 comment", "firstTheme": "light" })
    );
    b.close().await;
}
