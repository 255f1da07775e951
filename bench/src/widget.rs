//! The widget's weight on the wire, and `--widget`: that and its first
//! paint alone, quick to rerun after a change to the widget.

use anyhow::bail;

use crate::{
    paint::{self, ms, paint, serve_article},
    Plan,
};

/// `--widget`: only the widget's sizes and first paint, on a fresh server
/// with the seeded 200-comment thread, printed rather than written to the
/// report; quick enough to run after every change to the widget.
pub async fn alone(plan: &Plan, serve: bool) -> anyhow::Result<()> {
    let article = crate::proc::Article::bind().await?;
    let origin = article.origin.clone();
    let server =
        crate::proc::Server::on_sqlite(plan, "widget.db", std::slice::from_ref(&origin)).await?;
    let result = async {
        crate::seed::thread(&crate::seed::Api::new(&server.base)?, crate::seed::PAGE).await?;
        let files = sizes(&server.base).await?;
        for f in &files {
            println!(
                "{:<40} raw {:>7} gzip {:>6} br {:>6}",
                f.name, f.raw, f.gzip, f.br
            );
        }
        let (langs, widget): (Vec<&Size>, Vec<&Size>) =
            files.iter().partition(|f| is_language(&f.name));
        println!(
            "widget total br {} (+ at most one language file, the largest {} br)",
            widget.iter().map(|f| f.br).sum::<u64>(),
            langs.iter().map(|f| f.br).max().unwrap_or(0)
        );
        let html = paint::confab_article(&server.base, crate::seed::PAGE);
        serve_article(article.listener, vec![(crate::seed::PAGE.to_owned(), html)]);
        if serve {
            println!("serving {origin}{} until interrupted", crate::seed::PAGE);
            tokio::signal::ctrl_c().await?;
            return Ok(());
        }
        let p = paint(&format!("{origin}{}", crate::seed::PAGE), plan.loads).await?;
        println!(
            "median of {}: first comment {}, heading {}, wasm received {}, thread JSON received {}, \
             the widget's own comments {}, layout shift after the first comment {}",
            p.loads,
            ms(p.first_comment_ms),
            ms(p.heading_ms),
            ms(p.code_ms),
            ms(p.json_ms),
            ms(p.widget_ms),
            p.shift.map_or("n/a".into(), |s| format!("{s:.4}"))
        );
        anyhow::Ok(())
    }
    .await;
    server.stop().await;
    result
}

/// Bytes of one file as sent raw, with gzip and with brotli.
pub struct Size {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub br: u64,
}

/// `/embed.js` and the widget files its manifest names, fetched the way a
/// browser would with each `Accept-Encoding`. Language files
/// (`assets/lang-*.json`) come after the three widget files; a reader who
/// is not served English downloads exactly one of them.
pub async fn sizes(base: &str) -> anyhow::Result<Vec<Size>> {
    let client = reqwest::Client::new();
    let embed = client
        .get(format!("{base}/embed.js"))
        .send()
        .await?
        .text()
        .await?;
    let mut names = vec!["embed.js".to_owned()];
    names.extend(manifest_files(&embed));
    anyhow::ensure!(names.len() > 1, "embed.js names no widget files");
    let mut out = Vec::new();
    for name in names {
        let url = format!("{base}/{name}");
        let mut size = Size {
            name,
            raw: 0,
            gzip: 0,
            br: 0,
        };
        for (encoding, slot) in [
            ("identity", &mut size.raw),
            ("gzip", &mut size.gzip),
            ("br", &mut size.br),
        ] {
            let resp = client
                .get(&url)
                .header("accept-encoding", encoding)
                .send()
                .await?;
            let got = resp
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("identity")
                .to_owned();
            if got != encoding {
                bail!("{url}: asked for {encoding}, got {got}");
            }
            *slot = resp.bytes().await?.len() as u64;
        }
        out.push(size);
    }
    Ok(out)
}

/// A language file, fetched only for readers not served English.
pub fn is_language(name: &str) -> bool {
    name.starts_with("assets/lang-")
}

/// The quoted `assets/...` paths in embed.js's inlined manifest
/// (`{js:"assets/widget-<hash>.js",...}`, written by server/build.rs).
fn manifest_files(embed: &str) -> Vec<String> {
    embed
        .split('"')
        .filter(|s| s.starts_with("assets/") && !s.contains(char::is_whitespace))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_manifest_names_the_widget_files() {
        let js = r#"const files = {js:"assets/widget-ab12.js",wasm:"assets/widget_bg-ab12.wasm",css:"assets/widget-cd34.css"};"#;
        assert_eq!(
            super::manifest_files(js),
            [
                "assets/widget-ab12.js",
                "assets/widget_bg-ab12.wasm",
                "assets/widget-cd34.css"
            ]
        );
    }
}
