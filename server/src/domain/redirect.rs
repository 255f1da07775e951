//! Where a login may send the browser next: only a path on this origin, so a
//! crafted login link cannot bounce a moderator to a look-alike site.

/// `next` if it is a same-origin path, else `/admin`.
pub fn same_origin_path(next: Option<&str>) -> &str {
    match next {
        Some(n) if is_local_path(n) => n,
        _ => "/admin",
    }
}

fn is_local_path(n: &str) -> bool {
    // `//host` and `/\host` are protocol-relative to browsers; control
    // characters (a tab inside `/\t/host`) are dropped by URL parsers.
    n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(char::is_control)
        && n.len() <= 2048
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        assert_eq!(
            same_origin_path(Some("/admin/queue?x=1")),
            "/admin/queue?x=1"
        );
        assert_eq!(same_origin_path(None), "/admin");
    }

    #[test]
    fn anything_that_could_leave_the_origin_goes_to_the_dashboard() {
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "evil",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(same_origin_path(Some(bad)), "/admin", "{bad:?}");
        }
    }
}
