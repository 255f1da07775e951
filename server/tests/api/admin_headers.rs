//! Hostile input, the dashboard's headers: every `/admin` page, whichever the binary serves,
//! carries a content policy that forbids framing, nosniff, a same-origin
//! Referrer-Policy and no-store.

use crate::helpers::*;
use confab_testkit::on_both_backends;

/// The pages a moderator's browser opens: the dashboard (or the plain login
/// form), the password set-up page and an e-mailed link's confirmation page,
/// the last two also when their token is bad.
const PAGES: [&str; 5] = [
    "/admin",
    "/admin/setup",
    "/admin/setup?token=not-a-token",
    "/admin/mail",
    "/admin/mail?token=not-a-token",
];

on_both_backends!(every_admin_page_forbids_framing_sniffing_referrers_and_caching);

async fn every_admin_page_forbids_framing_sniffing_referrers_and_caching(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in PAGES {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        for want in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(
                directives.contains(&want),
                "{path}: {want} missing from {csp}"
            );
        }
        let scripts = directives
            .iter()
            .find(|d| d.starts_with("script-src"))
            .expect("script-src");
        // 'wasm-unsafe-eval' compiles our wasm; eval of strings stays banned.
        let sources: Vec<&str> = scripts.split_whitespace().collect();
        assert!(
            !sources.contains(&"'unsafe-eval'") && !sources.contains(&"*"),
            "{path}: {scripts}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
        assert!(
            h["content-type"].to_str().unwrap().starts_with("text/html"),
            "{path}"
        );
    }
}
