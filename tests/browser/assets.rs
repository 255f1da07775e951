//! The embedded widget files as a browser fetches them: hashed names, a year
//! of caching, precompressed variants and CORS for cross-origin embedding.

use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE};

use crate::harness::spawn_site;

fn hashed_names(embed_js: &str) -> Vec<String> {
    embed_js
        .split('"')
        .filter(|s| s.starts_with("assets/widget-"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn embed_js_names_content_hashed_assets_that_are_cached_for_a_year_and_precompressed() {
    let site = spawn_site().await;
    let http = reqwest::Client::new();
    let embed = http
        .get(format!("{}embed.js", site.confab))
        .send()
        .await
        .unwrap();
    assert_eq!(embed.status(), 200);
    let cache = embed.headers()[CACHE_CONTROL].to_str().unwrap().to_owned();
    assert!(
        !cache.contains("immutable"),
        "embed.js keeps a stable name: {cache}"
    );
    let names = hashed_names(&embed.text().await.unwrap());
    assert_eq!(names.len(), 3, "js, wasm and css: {names:?}");

    for name in names {
        let url = format!("{}{name}", site.confab);
        for (accept, encoding) in [("br, gzip", Some("br")), ("gzip", Some("gzip")), ("", None)] {
            let resp = http
                .get(&url)
                .header(ACCEPT_ENCODING, accept)
                .header("origin", "http://elsewhere.example")
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "{url}");
            let h = resp.headers();
            assert_eq!(
                h[CACHE_CONTROL], "public, max-age=31536000, immutable",
                "{url}"
            );
            assert_eq!(h["access-control-allow-origin"], "*");
            assert_eq!(
                h.get(CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
                encoding,
                "{url} with Accept-Encoding {accept:?}"
            );
            if name.ends_with(".wasm") {
                assert_eq!(h[CONTENT_TYPE], "application/wasm");
            }
        }
    }
}

#[tokio::test]
async fn an_unknown_asset_is_a_json_404() {
    let site = spawn_site().await;
    let resp = reqwest::get(format!("{}assets/widget-0000.js", site.confab))
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

/// The bytes of `url` as a browser that takes brotli receives them.
async fn brotli_bytes(http: &reqwest::Client, url: &str) -> usize {
    let resp = http
        .get(url)
        .header(ACCEPT_ENCODING, "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    let encoding = resp.headers().get(CONTENT_ENCODING).cloned();
    assert_eq!(
        encoding.as_ref().map(|v| v.to_str().unwrap()),
        Some("br"),
        "{url}"
    );
    resp.bytes().await.unwrap().len()
}

#[tokio::test]
async fn the_widget_keeps_to_its_budget_of_80_kb_with_embed_js_at_2_kb_recent_js_at_1_kb_and_each_language_at_1_5_kb(
) {
    let site = spawn_site().await;
    let http = reqwest::Client::new();
    let embed_url = format!("{}embed.js", site.confab);
    let embed = http
        .get(&embed_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let embed_br = brotli_bytes(&http, &embed_url).await;
    assert!(embed_br <= 2048, "embed.js is {embed_br} bytes in brotli");
    let recent_br = brotli_bytes(&http, &format!("{}recent.js", site.confab)).await;
    assert!(
        recent_br <= 1024,
        "recent.js is {recent_br} bytes in brotli"
    );

    let mut widget = 0;
    for name in hashed_names(&embed) {
        widget += brotli_bytes(&http, &format!("{}{name}", site.confab)).await;
    }
    assert!(widget <= 80_000, "the widget is {widget} bytes in brotli");

    let languages: Vec<&str> = embed
        .split('"')
        .filter(|s| s.starts_with("assets/lang-"))
        .collect();
    assert!(languages.len() >= 22, "{languages:?}");
    for name in languages {
        let size = brotli_bytes(&http, &format!("{}{name}", site.confab)).await;
        assert!(size <= 1536, "{name} is {size} bytes in brotli");
    }
    eprintln!("embed.js {embed_br} B, widget {widget} B in brotli");
}
