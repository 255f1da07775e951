//! Every language the widget speaks, as Chromium shows it: whole, with the
//! plurals and digits `Intl` gives, on a phone's width, and right to left
//! where the language is written that way.

use axum::{extract::Path, response::Html, routing::get};
use serde_json::{json, Map, Value};

use crate::harness::{browser, site_and_article_elsewhere, spawn_site, Browser, Site, OVERFLOW};

/// The language files, by tag (`zh-Hant` from `zh-Hant.json`), sorted.
fn languages() -> Vec<(String, Map<String, Value>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/i18n");
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let tag = path.file_stem().unwrap().to_str().unwrap().to_owned();
            (
                tag,
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap(),
            )
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

/// The site, and an origin it allows that serves the demo article at
/// `/{lang}/night-buses-return` with `data-lang="{lang}"` on the placeholder.
async fn site_in_every_language() -> (Site, String) {
    site_and_article_elsewhere(|article| {
        assert!(article.contains("<div data-confab "));
        axum::Router::new().route(
            "/{lang}/night-buses-return",
            get(move |Path(lang): Path<String>| async move {
                let tag = format!("<div data-confab data-lang=\"{lang}\" ");
                Html(article.replace("<div data-confab ", &tag))
            }),
        )
    })
    .await
}

/// The widget once it shows `n` comments (or its empty state): its
/// language and direction, what it says, what `Intl` says it should, and
/// any element wider than the window (after [`OVERFLOW`]).
const READ: &str = "const [n, lang] = args;
    const q = (s) => root.querySelector(s);
    const all = (s) => [...root.querySelectorAll(s)].map((e) => e.textContent);
    const empty = q('[data-testid=empty]:not([hidden])');
    if (n ? root.querySelectorAll('.cf-item').length < n : !empty) return null;
    const host = q('.confab');
    const rules = new Intl.PluralRules(lang);
    return {
        lang: host.lang, dir: host.dir,
        count: q('[data-testid=count]').textContent,
        category: rules.select(n), number: new Intl.NumberFormat(lang).format(n),
        categories: rules.resolvedOptions().pluralCategories,
        texts: {
            thread: q('[data-testid=thread]').getAttribute('aria-label'),
            sort: q('.cf-sort > span').textContent,
            sorts: all('[data-testid=sort] option'),
            tabs: all('[data-testid=composer] .cf-tab'),
            placeholder: q('[data-testid=composer] [data-testid=body]').placeholder,
            label: q('[data-testid=composer] .cf-sr').textContent,
            hint: q('[data-testid=composer] .cf-hint').textContent,
            who: all('[data-testid=composer] .cf-field > span:not(.cf-sr)'),
            post: q('[data-testid=composer] [data-testid=submit]').textContent,
            reply: q('[data-testid=reply]')?.textContent ?? null,
            empty: empty?.textContent ?? null,
        },
        overflow: overflow(),
    };";

/// What the widget must say in the language of `file` with `n` comments.
fn expected_texts(file: &Map<String, Value>, n: usize) -> Value {
    let t = |k: &str| file[k].clone();
    json!({
        "thread": t("thread"), "sort": t("sort"),
        "sorts": [t("oldest"), t("newest"), t("top")],
        "tabs": [t("write"), t("preview")],
        "placeholder": t("placeholder"), "label": t("body_label"), "hint": t("hint"),
        "who": [t("name"), t("email"), t("website")],
        "post": t("post"),
        "reply": if n > 0 { t("reply") } else { Value::Null },
        "empty": if n == 0 { t("empty") } else { Value::Null },
    })
}

#[tokio::test]
async fn every_language_shows_all_its_texts_and_plurals_and_fits_a_phone() {
    let (site, origin) = site_in_every_language().await;
    let b = browser().await;
    b.client.set_window_size(320, 800).await.unwrap();
    let width = b.js("return innerWidth", vec![]).await;
    assert_eq!(width, json!(320), "a phone's width");
    let read = format!("{OVERFLOW}\n{READ}");
    let langs = languages();
    assert!(langs.len() >= 22);
    let mut posted = 0;
    for n in [0, 1, 2, 5, 21] {
        while posted < n {
            site.post_comment(&format!("Comment {posted}"), None).await;
            posted += 1;
        }
        for (lang, file) in &langs {
            b.client
                .goto(&format!("{origin}/{lang}/night-buses-return"))
                .await
                .unwrap();
            // On a phone the article is long: the widget loads as a reader
            // scrolls down to it.
            b.scroll_to_widget().await;
            let shown = b
                .wait_widget(
                    &format!("{lang} with {n}"),
                    &read,
                    vec![json!(n), json!(lang)],
                )
                .await;
            let forms = file["comments"].as_object().unwrap();
            let needed: Vec<&str> = shown["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .filter(|c| !forms.contains_key(*c))
                .collect();
            assert!(
                needed.is_empty(),
                "{lang} lacks the plural forms {needed:?}"
            );
            let form = forms[shown["category"].as_str().unwrap()].as_str().unwrap();
            let rtl = ["ar", "he", "fa"].contains(&lang.as_str());
            assert_eq!(shown["lang"], json!(lang), "{lang}");
            assert_eq!(
                shown["dir"],
                json!(if rtl { "rtl" } else { "ltr" }),
                "{lang}"
            );
            let count = form.replace("{n}", shown["number"].as_str().unwrap());
            assert_eq!(shown["count"], json!(count), "{lang} with {n} comments");
            assert_eq!(shown["texts"], expected_texts(file, n), "{lang}");
            let fits = json!({ "page": 0, "wide": [] });
            assert_eq!(
                shown["overflow"], fits,
                "{lang} with {n} comments at 320 px"
            );
        }
    }
    b.close().await;
}

#[tokio::test]
async fn a_regional_tag_finds_its_language_file() {
    let (_site, origin) = site_in_every_language().await;
    let b = browser().await;
    let cases = [
        ("zh-TW", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("pt", "pt-BR"),
        ("pt-PT", "pt-PT"),
        ("pt-AO", "pt-PT"),
        ("de-AT", "de"),
        ("ar_EG", "ar"),
        ("en-GB", "en"),
    ];
    for (asked, got) in cases {
        b.client
            .goto(&format!("{origin}/{asked}/night-buses-return"))
            .await
            .unwrap();
        let lang = b
            .wait_widget(
                "the widget's language",
                "return root.querySelector('[data-testid=empty]:not([hidden])') && root.querySelector('.confab').lang",
                vec![],
            )
            .await;
        assert_eq!(lang, json!(got), "asked for {asked}");
    }
    b.close().await;
}

/// The first comment's box and its first reply's, once both are shown.
async fn comment_and_reply_boxes(b: &Browser) -> Value {
    b.wait_widget(
        "a comment and its reply",
        "const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right }; };
         const reply = root.querySelector('.cf-list .cf-list .cf-c');
         return reply && { dir: root.querySelector('.confab').dir,
                           direction: getComputedStyle(reply).direction,
                           comment: box(root.querySelector('.cf-c')), reply: box(reply) };",
        vec![],
    )
    .await
}

#[tokio::test]
async fn arabic_and_hebrew_threads_indent_replies_from_the_right() {
    let (site, origin) = site_in_every_language().await;
    let id = site.post_comment("A first comment", None).await["id"]
        .as_i64()
        .unwrap();
    site.post_comment("And its reply", Some(id)).await;
    let b = browser().await;
    for lang in ["ar", "he"] {
        b.client
            .goto(&format!("{origin}/{lang}/night-buses-return"))
            .await
            .unwrap();
        let boxes = comment_and_reply_boxes(&b).await;
        assert_eq!(
            (&boxes["dir"], &boxes["direction"]),
            (&json!("rtl"), &json!("rtl"))
        );
        let (comment, reply) = (&boxes["comment"], &boxes["reply"]);
        let at = |v: &Value, k: &str| v[k].as_f64().unwrap();
        // The reply rail and indent sit on the right: the reply's right
        // edge moves in, its left edge stays with its parent's.
        assert!(
            at(reply, "right") < at(comment, "right") - 20.0,
            "{lang}: {boxes}"
        );
        assert!(
            (at(reply, "left") - at(comment, "left")).abs() < 1.0,
            "{lang}: {boxes}"
        );
        b.screenshot(&format!("thread-{lang}"), ".cf-item").await;
        assert_eq!(b.axe_violations().await, json!([]), "axe in {lang}");
    }
    b.close().await;
}

#[tokio::test]
async fn each_comment_takes_the_direction_of_its_first_strong_letter() {
    let site = spawn_site().await;
    // The first strong letter decides, not the first character: digits
    // and punctuation have no direction of their own.
    let comments = [
        ("سارة", "مرحبا، الحافلات الليلية عادت!", "rtl"),
        ("Ada", "2024: the buses are back", "ltr"),
        ("דנה", "«שלום» to the night drivers", "rtl"),
        ("Ben", "« Bonjour » مرحبا", "ltr"),
    ];
    for (author, body, _) in comments {
        site.post_comment_as(author, body, None).await;
    }
    let b = browser().await;
    b.client.goto(&site.article).await.unwrap();
    let shown = b
        .wait_widget(
            "the four comments",
            "const items = [...root.querySelectorAll('.cf-item')];
             if (items.length < 4) return null;
             const dir = (e) => [e.getAttribute('dir'), e.matches(':dir(rtl)') ? 'rtl' : 'ltr',
                                 getComputedStyle(e.querySelector('p') || e).direction];
             return { thread: root.querySelector('.confab').dir,
                      comments: items.map((li) => ({ body: dir(li.querySelector('.cf-body')),
                                                     author: dir(li.querySelector('.cf-author')) })) };",
            vec![],
        )
        .await;
    let expected: Vec<Value> = comments
        .iter()
        .map(|(author, _, dir)| {
            // A name's first strong letter is its first letter here.
            let name = if author.is_ascii() { "ltr" } else { "rtl" };
            json!({ "body": ["auto", dir, dir], "author": ["auto", name, name] })
        })
        .collect();
    assert_eq!(shown, json!({ "thread": "ltr", "comments": expected }));
    b.close().await;
}
