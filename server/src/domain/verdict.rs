//! What becomes of a new comment, given what screening found out about it:
//! refused, kept as spam, held for a moderator, or published. Pure: the
//! facts are gathered beforehand (see `moderation/screen.rs`), so every rule
//! is unit-tested here without a database.

use std::{fmt, str::FromStr};

use confab_api::{admin::BanMode, CommentStatus};
use serde::{Deserialize, Serialize};

use super::words;

/// Who may publish without a moderator looking first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Moderation {
    /// Everything is published at once.
    #[default]
    Open,
    /// Everything waits for a moderator.
    All,
    /// Authors wait until one of their comments has been approved.
    FirstTime,
}

impl Moderation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::All => "all",
            Self::FirstTime => "first-time",
        }
    }
}

impl FromStr for Moderation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(Self::Open),
            "all" => Ok(Self::All),
            "first-time" => Ok(Self::FirstTime),
            other => Err(format!("unknown moderation mode {other:?}")),
        }
    }
}

impl fmt::Display for Moderation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a new comment is not stored at all. Screening refuses the first four;
/// the store the last two, as it places the comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Too many posts from this address or to this page in the last minute.
    RateLimited {
        retry_after_secs: u64,
    },
    /// The text contains this word from the site's blocked list.
    BlockedWord(String),
    /// An active ban matches, and the site refuses banned authors.
    Banned,
    /// The same author or address said exactly this here recently.
    Duplicate,
    PageLocked,
    /// The comment replied to is not an approved comment of this page.
    ParentNotFound,
}

/// Everything the rules look at, gathered before they run.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    /// What readers see of the comment, for the word lists: its rendered
    /// text and link targets (see `visible.rs`), not its markdown source.
    pub text: &'a str,
    /// How many links readers get, counted on the rendered HTML.
    pub links: usize,
    /// Whether an active ban matches the author's e-mail, address or token.
    pub banned: bool,
    /// Whether the same text came from the same author or address lately.
    pub duplicate: bool,
    /// Whether the form field hidden from people was filled in.
    pub honeypot: bool,
    /// What the site's learned model makes of the text, from 0 to 1.
    pub spam_score: f64,
    /// Whether the widget's author token has an approved comment on the
    /// site. Only the token proves "the same author": an e-mail is
    /// unverified and an IP hash is shared and changes daily.
    pub known_author: bool,
    /// How long the composer was open, when the widget said.
    pub compose_ms: Option<u64>,
}

/// The site's rules and the server's spam limits.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub moderation: Moderation,
    pub ban_mode: BanMode,
    pub blocked_words: &'a [String],
    pub suspect_words: &'a [String],
    /// Scores at or above this are spam.
    pub spam_threshold: f64,
    /// More links than this are held.
    pub max_links: usize,
    /// Composed faster than this is held.
    pub min_compose_ms: u64,
}

/// What an accepted comment is stored as.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: CommentStatus,
    /// Every check that flagged or held it, for the moderator.
    pub held_reason: Option<String>,
}

/// Refusals first, so that a refused comment stores nothing; then the
/// checks that flag spam; then those that hold it for a moderator.
pub fn verdict(facts: &Facts<'_>, rules: &Rules<'_>) -> Result<Verdict, Refusal> {
    if let Some(word) = words::find_listed(facts.text, rules.blocked_words) {
        return Err(Refusal::BlockedWord(word.to_owned()));
    }
    if facts.banned && rules.ban_mode == BanMode::Refuse {
        return Err(Refusal::Banned);
    }
    if facts.duplicate {
        return Err(Refusal::Duplicate);
    }
    let mut spam = Vec::new();
    // A honeypot hit is kept as spam, not refused: the bot learns nothing,
    // and a person whose browser filled the field in can still be approved.
    if facts.honeypot {
        spam.push("honeypot filled in".to_owned());
    }
    if facts.spam_score >= rules.spam_threshold {
        spam.push(format!("spam score {:.2}", facts.spam_score));
    }
    let held = held(facts, rules);
    Ok(if !spam.is_empty() {
        spam.extend(held);
        Verdict {
            status: CommentStatus::Spam,
            held_reason: Some(spam.join("; ")),
        }
    } else if !held.is_empty() {
        Verdict {
            status: CommentStatus::Pending,
            held_reason: Some(held.join("; ")),
        }
    } else {
        Verdict {
            status: CommentStatus::Approved,
            held_reason: None,
        }
    })
}

/// Why a moderator should look first, in the order a moderator reads.
fn held(facts: &Facts<'_>, rules: &Rules<'_>) -> Vec<String> {
    let mut held = Vec::new();
    if facts.banned {
        held.push("banned author".to_owned());
    }
    match rules.moderation {
        Moderation::Open => {}
        Moderation::All => held.push("the site holds every comment".into()),
        Moderation::FirstTime if !facts.known_author => held.push("first comment".into()),
        Moderation::FirstTime => {}
    }
    if let Some(word) = words::find_listed(facts.text, rules.suspect_words) {
        held.push(format!("suspect word {word:?}"));
    }
    if facts.links > rules.max_links {
        held.push(format!("{} links", facts.links));
    }
    if let Some(ms) = facts.compose_ms.filter(|ms| *ms < rules.min_compose_ms) {
        held.push(format!("written in {ms} ms"));
    }
    held
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: &[String] = &[];

    fn rules() -> Rules<'static> {
        Rules {
            moderation: Moderation::Open,
            ban_mode: BanMode::Hold,
            blocked_words: NONE,
            suspect_words: NONE,
            spam_threshold: 0.9,
            max_links: 3,
            min_compose_ms: 2_000,
        }
    }

    fn facts(text: &str) -> Facts<'_> {
        Facts {
            text,
            links: words::count_links(text),
            compose_ms: Some(10_000),
            ..Facts::default()
        }
    }

    fn reason(v: Result<Verdict, Refusal>) -> (CommentStatus, String) {
        let v = v.unwrap();
        (v.status, v.held_reason.unwrap_or_default())
    }

    #[test]
    fn a_plain_comment_on_an_open_site_is_published() {
        let v = verdict(&facts("hello"), &rules()).unwrap();
        assert_eq!(v.status, CommentStatus::Approved);
        assert_eq!(v.held_reason, None);
    }

    #[test]
    fn a_blocked_word_is_refused_before_anything_else() {
        let blocked = ["casino".to_owned()];
        let rules = Rules {
            blocked_words: &blocked,
            ban_mode: BanMode::Refuse,
            ..rules()
        };
        let f = Facts {
            banned: true,
            duplicate: true,
            ..facts("Best CASINO here")
        };
        assert_eq!(
            verdict(&f, &rules),
            Err(Refusal::BlockedWord("casino".into()))
        );
    }

    #[test]
    fn a_banned_author_is_refused_or_held_as_the_site_says() {
        let f = Facts {
            banned: true,
            ..facts("hello")
        };
        let refuse = Rules {
            ban_mode: BanMode::Refuse,
            ..rules()
        };
        assert_eq!(verdict(&f, &refuse), Err(Refusal::Banned));
        assert_eq!(
            reason(verdict(&f, &rules())),
            (CommentStatus::Pending, "banned author".into())
        );
    }

    #[test]
    fn a_duplicate_is_refused() {
        let f = Facts {
            duplicate: true,
            ..facts("hello")
        };
        assert_eq!(verdict(&f, &rules()), Err(Refusal::Duplicate));
    }

    #[test]
    fn spam_checks_win_over_holds_and_keep_their_reasons() {
        let all = Rules {
            moderation: Moderation::All,
            ..rules()
        };
        let f = Facts {
            honeypot: true,
            spam_score: 0.95,
            ..facts("hello")
        };
        assert_eq!(
            reason(verdict(&f, &all)),
            (
                CommentStatus::Spam,
                "honeypot filled in; spam score 0.95; the site holds every comment".into()
            )
        );
    }

    #[test]
    fn first_time_holds_only_authors_without_an_approved_comment() {
        let first = Rules {
            moderation: Moderation::FirstTime,
            ..rules()
        };
        assert_eq!(
            reason(verdict(&facts("hello"), &first)),
            (CommentStatus::Pending, "first comment".into())
        );
        let known = Facts {
            known_author: true,
            ..facts("hello")
        };
        assert_eq!(
            verdict(&known, &first).unwrap().status,
            CommentStatus::Approved
        );
    }

    #[test]
    fn suspect_words_links_and_haste_each_hold_and_say_so() {
        let suspect = ["crypto".to_owned()];
        let rules = Rules {
            suspect_words: &suspect,
            max_links: 1,
            ..rules()
        };
        let f = Facts {
            compose_ms: Some(150),
            ..facts("crypto at https://a.example and https://b.example")
        };
        assert_eq!(
            reason(verdict(&f, &rules)),
            (
                CommentStatus::Pending,
                "suspect word \"crypto\"; 2 links; written in 150 ms".into()
            )
        );
    }

    #[test]
    fn moderation_modes_read_back_what_they_print() {
        for m in [Moderation::Open, Moderation::All, Moderation::FirstTime] {
            assert_eq!(m.as_str().parse::<Moderation>(), Ok(m));
        }
        assert!("sometimes".parse::<Moderation>().is_err());
    }
}
