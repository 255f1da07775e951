//! The demo article served at `/` when `demo = true`: a news page that embeds
//! Confab exactly as a site owner would, with one script tag and one
//! placeholder, under a content policy that lets only the widget run.

use std::sync::LazyLock;

use base64::Engine;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::{Digest, Sha256};

/// The article's look: our own constant CSS, which escaping would garble.
const STYLE: &str = "
  body { font: 18px/1.6 Georgia, serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 2rem; line-height: 1.2; }
  .byline { color: #666; font-size: .9rem; }
  footer { margin-top: 3rem; color: #666; font-size: .9rem; }
";

const TITLE: &str = "Night buses return to the river district after two-year trial";

/// The story, one paragraph each.
const PARAGRAPHS: [&str; 6] = [
    "The city council voted on Thursday to make the river district's night bus network \
     permanent, ending a two-year trial that drew more riders than its planners had hoped for.",
    "Three routes will run every twenty minutes between midnight and five in the morning, \
     linking the hospital, the ferry terminal and the market halls. The council said about \
     1,900 people used the buses on an average weeknight last winter, nearly twice the figure \
     in its first month.",
    "Nurses and market traders were among the loudest supporters. \"Before the trial, the last \
     bus left at half past eleven and a taxi cost me a quarter of a shift,\" said one \
     night-shift nurse who spoke at the public hearing.",
    "Not everyone was pleased. Residents of two streets near the depot complained about engine \
     noise, and the council agreed to move the layover stop a block east and to test electric \
     buses on the busiest route from the spring.",
    "The permanent service will cost about 2.4 million a year, paid for partly by a new levy on \
     late-night venues. Opposition councillors argued the levy would fall hardest on small \
     bars, and proposed a smaller charge for venues with fewer than fifty seats, which was \
     accepted.",
    "Timetables for the new routes will be published on the transport office's website next \
     month.",
];

/// The CSP source of [`STYLE`]: its hash, so that no other inline style runs.
static STYLE_HASH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(STYLE.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
});

/// The article's `Content-Security-Policy`, with the widget served from
/// `widget` (`'self'`, or the Confab origin when the article lives
/// elsewhere). The loader imports the widget's module and compiles its wasm
/// (`'wasm-unsafe-eval'`), links its stylesheet into the shadow root and
/// fetches the thread and events: all from that one origin.
pub fn content_security_policy(widget: &str) -> String {
    let style = STYLE_HASH.as_str();
    format!(
        "default-src 'none'; script-src {widget} 'wasm-unsafe-eval'; \
         style-src {widget} {style}; connect-src {widget}; img-src {widget} data:; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// The article, loading the widget from `embed_src` (a path for the same
/// origin, or a full URL when the article lives on another origin).
pub fn article_html(embed_src: &str) -> String {
    article(embed_src).into_string()
}

fn article(embed_src: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (TITLE) }
                link rel="canonical" href="/news/night-buses-return";
                style { (PreEscaped(STYLE)) }
            }
            body {
                article {
                    h1 { (TITLE) }
                    p class="byline" { "By the Harbour Gazette city desk" }
                    @for text in PARAGRAPHS { p { (text) } }
                }
                section aria-label="Comments" {
                    div data-confab data-site="demo" data-page="/news/night-buses-return" {
                        "No comments"
                    }
                    script src=(embed_src) async {}
                }
                footer { "Harbour Gazette · A demo article for Confab" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_article_embeds_the_widget_with_one_script_and_one_placeholder() {
        let html = super::article_html("http://127.0.0.1:9/embed.js");
        assert_eq!(html.matches("<script").count(), 1);
        assert_eq!(html.matches("data-confab ").count(), 1);
        assert!(html.contains(r#"src="http://127.0.0.1:9/embed.js""#));
    }

    #[test]
    fn the_script_source_cannot_leave_its_attribute() {
        let html = super::article_html("/e.js\"><script>alert(1)</script>");
        assert_eq!(html.matches("<script").count(), 1);
        assert!(html.contains(r#"src="/e.js&quot;&gt;&lt;script&gt;"#));
    }

    #[test]
    fn the_policy_allows_the_article_s_own_style_by_its_hash_and_nothing_inline() {
        let csp = super::content_security_policy("'self'");
        assert!(csp.contains("style-src 'self' 'sha256-"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{csp}"
        );
    }
}
