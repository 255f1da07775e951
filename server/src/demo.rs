//! The demo article served at `/`: a news page that embeds Confab exactly as a
//! site owner would, with one script tag and one placeholder.

const TEMPLATE: &str = include_str!("../assets/demo.html");

/// The article, loading the widget from `embed_src` (a path for the same
/// origin, or a full URL when the article lives on another origin).
pub fn article_html(embed_src: &str) -> String {
    TEMPLATE.replace("{{EMBED_SRC}}", &html_escape(embed_src))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
}
