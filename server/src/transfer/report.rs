//! What an import did, for the person who ran it.

use std::fmt;

/// One post not imported, or imported differently from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The post's id in the file.
    pub source_id: String,
    pub reason: String,
}

/// The counts and the reasons of an import (or of a dry run, which reports
/// what the import would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The format read (what `--format auto` found).
    pub format: &'static str,
    pub dry_run: bool,
    /// Records read from the file: pages, comments and the rest.
    pub records: u64,
    /// Comments stored by this import.
    pub imported: u64,
    /// Comments an earlier import (or the database the export came from)
    /// already holds: left as they are.
    pub present: u64,
    /// Comments not stored, with why.
    pub skipped: Vec<Skip>,
    /// Replies stored at the top level of their page, with why.
    pub reattached: Vec<Skip>,
    /// Moderators added (without a password).
    pub moderators: u64,
    /// Whether the import created the site (from a Confab export).
    pub created_site: bool,
    /// The keys of the pages the threads landed on, each once, for the
    /// caches a running server must drop.
    pub page_keys: Vec<String>,
}

impl Report {
    /// The pages the threads landed on.
    pub fn pages(&self) -> u64 {
        self.page_keys.len() as u64
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run {
            "would import"
        } else {
            "imported"
        };
        writeln!(
            f,
            "{verb} {} comments on {} pages; {} already present; {} skipped; {} reattached at the top level",
            self.imported,
            self.pages(),
            self.present,
            self.skipped.len(),
            self.reattached.len()
        )?;
        if self.created_site {
            writeln!(f, "created the site from the export")?;
        }
        if self.moderators > 0 {
            writeln!(
                f,
                "added {} moderators without a password: `confab moderator reset EMAIL` gives each a setup link",
                self.moderators
            )?;
        }
        for s in &self.skipped {
            writeln!(f, "skipped {}: {}", s.source_id, s.reason)?;
        }
        for s in &self.reattached {
            writeln!(f, "reattached {}: {}", s.source_id, s.reason)?;
        }
        Ok(())
    }
}
