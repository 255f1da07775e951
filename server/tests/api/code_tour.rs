//! The code tour stays true: every path named in the first column of the
//! tour tables (README.md's short one and the book's full one) exists.
//!
//! A cell may name several paths: `a/b/c.rs`, `d.rs` means `a/b/d.rs` (a bare
//! file name sits beside the cell's first path), `http/x.rs` after
//! `server/src/http/y.rs` means `server/src/http/x.rs` (a later path is
//! looked for from the repository root, then from the first path's folder
//! and each folder above it), and `{a,b}` stands for both spellings.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The first cells of the table rows under `heading` (up to the next heading
/// of the same level), or of every table row when `heading` is `None`.
fn first_cells(markdown: &str, heading: Option<&str>) -> Vec<String> {
    let mut inside = heading.is_none();
    let mut cells = Vec::new();
    for line in markdown.lines() {
        if let Some(h) = heading {
            if line.starts_with("## ") {
                inside = line.trim() == h;
                continue;
            }
        }
        if !inside || !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        if let Some(cell) = line.split('|').nth(1) {
            if cell.contains('`') {
                cells.push(cell.trim().to_owned());
            }
        }
    }
    cells
}

/// The backticked spans of a cell.
fn spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// `a/{b,c}/d` as `a/b/d` and `a/c/d`.
fn expand_braces(path: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (path.find('{'), path.find('}')) else {
        return vec![path.to_owned()];
    };
    path[open + 1..close]
        .split(',')
        .flat_map(|alt| expand_braces(&format!("{}{alt}{}", &path[..open], &path[close + 1..])))
        .collect()
}

/// Where the cell's later path `rel` lives, given the first path's folder.
fn resolve(root: &Path, first_dir: &Path, rel: &str) -> Option<PathBuf> {
    if !rel.contains('/') {
        return Some(first_dir.join(rel)).filter(|p| root.join(p).exists());
    }
    std::iter::once(Path::new(""))
        .chain(first_dir.ancestors())
        .map(|dir| dir.join(rel))
        .find(|p| root.join(p).exists())
}

/// Every path the tour names that does not exist, with the row naming it.
fn missing_paths(markdown: &str, heading: Option<&str>) -> (usize, Vec<String>) {
    let root = repo_root();
    let mut checked = 0;
    let mut missing = Vec::new();
    for cell in first_cells(markdown, heading) {
        let spans = spans(&cell);
        let Some(first) = spans.first() else { continue };
        let first_path = expand_braces(first).swap_remove(0);
        let first_dir = Path::new(&first_path)
            .parent()
            .unwrap_or(Path::new(""))
            .to_owned();
        for (i, span) in spans.iter().enumerate() {
            for path in expand_braces(span) {
                checked += 1;
                let found = if i == 0 {
                    root.join(&path).exists()
                } else {
                    resolve(&root, &first_dir, &path).is_some()
                };
                if !found {
                    missing.push(format!("`{path}` (row: {cell})"));
                }
            }
        }
    }
    (checked, missing)
}

#[test]
fn every_path_in_the_readme_code_tour_exists() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let (checked, missing) = missing_paths(&readme, Some("## Code tour"));
    assert!(
        checked >= 10,
        "found only {checked} paths under README.md's ## Code tour"
    );
    assert!(
        missing.is_empty(),
        "README.md's code tour names missing paths:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_path_in_the_book_code_tour_exists() {
    let tour = std::fs::read_to_string(repo_root().join("docs/src/code-tour.md")).unwrap();
    let (checked, missing) = missing_paths(&tour, None);
    assert!(
        checked >= 50,
        "found only {checked} paths in docs/src/code-tour.md"
    );
    assert!(
        missing.is_empty(),
        "docs/src/code-tour.md names missing paths:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_tour_reader_expands_braces_and_finds_paths_beside_the_first() {
    let cells = first_cells(
        "## Code tour\n| where | what |\n|---|---|\n| `server/migrations/{sqlite,postgres}/`, `server/src/http/nope.rs` | x |\n## Next\n| `not/this.rs` | y |\n",
        Some("## Code tour"),
    );
    assert_eq!(cells.len(), 1);
    assert_eq!(
        expand_braces(spans(&cells[0])[0]),
        ["server/migrations/sqlite/", "server/migrations/postgres/"]
    );
    let (checked, missing) = missing_paths(
        "| `server/src/http/thread.rs`, `votes.rs`, `http/client.rs`, `gone.rs` | x |\n\
         | `server/tests/api/{authz,flood}.rs`, `dump.rs` | y |",
        None,
    );
    assert_eq!(checked, 7);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].starts_with("`gone.rs`"));
}
