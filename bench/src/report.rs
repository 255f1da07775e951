//! BENCHMARKS.md: the machine, one table of figures against their targets,
//! and the notes a reader needs to trust or doubt them.

use std::fmt::Write;

/// One line of the results table.
struct Row {
    measure: String,
    result: String,
    target: String,
    met: Option<bool>,
}

#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    /// A figure and its target; `met` is None where there is no target.
    pub fn row(&mut self, measure: &str, result: String, target: &str, met: Option<bool>) {
        self.rows.push(Row {
            measure: measure.to_owned(),
            result,
            target: target.to_owned(),
            met,
        });
    }

    /// A measure that could not be taken, with why.
    pub fn failed(&mut self, measure: &str, err: &anyhow::Error) {
        eprintln!("bench: {measure} failed: {err:#}");
        let why = format!("{err:#}").replace(['\n', '|'], " ");
        let why: String = why.chars().take(300).collect();
        self.row(measure, format!("failed: {why}"), "", Some(false));
    }

    pub fn note(&mut self, text: String) {
        eprintln!("bench: {text}");
        self.notes.push(text);
    }

    pub fn render(&self, machine: &Machine, load_after: &str, method: &str) -> String {
        let mut s = String::from(
            "# Benchmarks\n\n\
             Written by `./scripts/bench` (the `confab-bench` crate in `bench/`); \
             rerun it rather than editing this file.\n\n",
        );
        let _ = writeln!(s, "| Machine | |\n|---|---|");
        for (k, v) in &machine.facts {
            let _ = writeln!(s, "| {k} | {v} |");
        }
        let _ = writeln!(
            s,
            "| load average (1, 5, 15 min) at start | {} |",
            machine.load
        );
        let _ = writeln!(s, "| load average at end | {load_after} |\n");
        s.push_str(
            "The machine is shared: other builds may have run during the benchmark, \
             so compare the load averages above before trusting small differences.\n\n",
        );
        s.push_str("## Results\n\n| Measure | Result | Target | Met |\n|---|---|---|---|\n");
        for r in &self.rows {
            let met = match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            };
            let _ = writeln!(s, "| {} | {} | {} | {met} |", r.measure, r.result, r.target);
        }
        if !self.notes.is_empty() {
            s.push_str("\n## Notes\n\n");
            for n in &self.notes {
                let _ = writeln!(s, "- {n}");
            }
        }
        s.push_str("\n## Method\n\n");
        s.push_str(method);
        s
    }
}

/// The heading of the part of BENCHMARKS.md that is measured by other
/// scripts (say, `scripts/serde-cost`): a rewrite keeps it as it was.
const SEPARATE: &str = "\n## Measured separately\n";

/// `fresh` followed by the separately measured part of `old`, if any.
pub fn keep_separate(fresh: String, old: &str) -> String {
    match old.find(SEPARATE) {
        Some(at) => fresh.trim_end().to_owned() + "\n" + &old[at..],
        None => fresh,
    }
}

/// What the figures were measured on.
pub struct Machine {
    facts: Vec<(&'static str, String)>,
    load: String,
}

impl Machine {
    pub fn describe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or("unknown".into(), |(_, v)| v.trim().to_owned());
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        let mem = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                let kib: f64 = m.lines().next()?.split_whitespace().nth(1)?.parse().ok()?;
                Some(format!("{:.1} GiB", kib / 1024.0 / 1024.0))
            })
            .unwrap_or_else(|| "unknown".into());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or("unknown".into(), |k| k.trim().to_owned());
        let facts = vec![
            ("date (UTC)", command("date", &["-u", "+%Y-%m-%d %H:%M"])),
            ("CPU", cpu),
            ("cores available", cores.to_string()),
            ("memory", mem),
            ("kernel", format!("Linux {kernel}")),
            ("commit", command("git", &["rev-parse", "--short", "HEAD"])),
            ("wrk", first_line(command("wrk", &["-v"]))),
            ("nginx", command("nginx", &["-v"])),
            ("chromium", command("chromium", &["--version"])),
        ];
        Self {
            facts,
            load: load_average(),
        }
    }
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A tool's one-line answer (stdout, else stderr, where nginx writes).
fn command(cmd: &str, args: &[&str]) -> String {
    match std::process::Command::new(cmd).args(args).output() {
        Ok(out) => {
            let text = if out.stdout.is_empty() {
                out.stderr
            } else {
                out.stdout
            };
            first_line(String::from_utf8_lossy(&text).into_owned())
        }
        Err(_) => "not found".into(),
    }
}

fn first_line(s: String) -> String {
    s.lines().next().unwrap_or("").trim().to_owned()
}

/// Byte counts in decimal kilobytes (1 KB = 1000 B), the strict reading
/// of the size targets.
pub fn kb(bytes: u64) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else {
        format!("{:.1} KB", bytes as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_keeps_what_was_measured_separately_and_only_that() {
        let old = "# Benchmarks\nold figures\n\n## Measured separately\n\n- serde: 22 KB\n";
        let new = keep_separate("# Benchmarks\nnew figures\n".into(), old);
        assert_eq!(
            new,
            "# Benchmarks\nnew figures\n\n## Measured separately\n\n- serde: 22 KB\n"
        );
        assert_eq!(keep_separate("fresh\n".into(), "nothing kept"), "fresh\n");
    }
}
