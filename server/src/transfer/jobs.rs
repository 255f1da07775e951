//! Imports started from the dashboard: at most one running per site on
//! this instance, each with a status the dashboard polls. The last one's
//! status stays until the next starts, so a moderator who looks away still
//! finds the report.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, PoisonError,
    },
};

use confab_api::admin::{ImportReport, ImportSkip, ImportState, ImportStatus};

use super::{ImportError, Report, Skip};

#[derive(Default)]
pub struct Jobs {
    by_site: Mutex<HashMap<i64, Arc<Job>>>,
}

/// One import's status, written by the import and read by the dashboard.
pub struct Job {
    status: Mutex<ImportStatus>,
    records: AtomicU64,
}

impl Jobs {
    /// Starts an import of `file` on the site, unless one is running there.
    pub fn start(&self, site_id: i64, file: &str, dry_run: bool) -> Option<Arc<Job>> {
        let mut jobs = self.by_site.lock().unwrap_or_else(PoisonError::into_inner);
        if jobs
            .get(&site_id)
            .is_some_and(|j| j.status().state == ImportState::Running)
        {
            return None;
        }
        let job = Arc::new(Job {
            status: Mutex::new(ImportStatus {
                state: ImportState::Running,
                file: file.to_owned(),
                dry_run,
                records: 0,
                report: None,
                error: None,
            }),
            records: AtomicU64::new(0),
        });
        jobs.insert(site_id, job.clone());
        Some(job)
    }

    /// The site's running or last import.
    pub fn status(&self, site_id: i64) -> Option<ImportStatus> {
        let jobs = self.by_site.lock().unwrap_or_else(PoisonError::into_inner);
        jobs.get(&site_id).map(|j| j.status())
    }

    /// Forgets an import that never began (its upload failed), so that the
    /// site may start another.
    pub fn abandon(&self, site_id: i64, job: &Arc<Job>) {
        let mut jobs = self.by_site.lock().unwrap_or_else(PoisonError::into_inner);
        if jobs.get(&site_id).is_some_and(|j| Arc::ptr_eq(j, job)) {
            jobs.remove(&site_id);
        }
    }
}

impl Job {
    pub fn status(&self) -> ImportStatus {
        let mut status = self
            .status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        status.records = status.records.max(self.records.load(Ordering::Relaxed));
        status
    }

    /// Records read so far.
    pub fn progress(&self, records: u64) {
        self.records.store(records, Ordering::Relaxed);
    }

    /// Ends the job with what the import gave.
    pub fn finish(&self, result: &Result<Report, ImportError>) {
        let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(report) => {
                status.state = ImportState::Done;
                status.records = report.records;
                status.report = Some(ImportReport {
                    format: report.format.to_owned(),
                    pages: report.pages(),
                    imported: report.imported,
                    present: report.present,
                    skipped: skips(&report.skipped),
                    reattached: skips(&report.reattached),
                });
            }
            Err(e) => {
                status.state = ImportState::Failed;
                // The file's faults are the moderator's to read; the
                // server's own stay in its log.
                status.error = Some(match e {
                    ImportError::Store(_) => {
                        "the server could not finish the import (its log says why); nothing was stored"
                            .to_owned()
                    }
                    other => other.to_string(),
                });
            }
        }
    }
}

fn skips(list: &[Skip]) -> Vec<ImportSkip> {
    list.iter()
        .map(|s| ImportSkip {
            source_id: s.source_id.clone(),
            reason: s.reason.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_import_runs_per_site_and_its_report_stays_until_the_next() {
        let jobs = Jobs::default();
        let job = jobs.start(1, "a.xml", false).unwrap();
        assert!(jobs.start(1, "b.xml", false).is_none(), "one at a time");
        assert!(jobs.start(2, "c.xml", true).is_some(), "per site");
        job.progress(40);
        assert_eq!(jobs.status(1).unwrap().records, 40);
        let report = Report {
            format: "disqus",
            ..Report::default()
        };
        job.finish(&Ok(report));
        let done = jobs.status(1).unwrap();
        assert_eq!(done.state, ImportState::Done);
        assert_eq!(done.report.unwrap().format, "disqus");
        let next = jobs.start(1, "b.xml", false).unwrap();
        next.finish(&Err(ImportError::Store(anyhow::anyhow!("disk I/O error"))));
        let failed = jobs.status(1).unwrap().error.unwrap();
        assert!(
            !failed.contains("disk"),
            "internals stay in the log: {failed}"
        );
        let next = jobs.start(1, "b.xml", false).unwrap();
        jobs.abandon(1, &next);
        assert!(jobs.status(1).is_none());
    }
}
