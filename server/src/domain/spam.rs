//! A learned spam score: a naive Bayes classifier over the words of a
//! comment, trained only on this site's own moderators' approve and spam
//! decisions. It runs locally; no comment is ever sent to a third party.
//!
//! Each document counts a token once (the Bernoulli view): spam repeats a
//! word to game a per-occurrence model, and one mention is what matters.

use std::collections::{HashMap, HashSet};

/// Tokens kept per document, so a huge comment costs bounded time.
const MAX_TOKENS: usize = 1500;
/// How many of the most telling tokens decide a score (as in Graham's "A Plan
/// for Spam"): the rest of a long text only dilutes the evidence.
const DECIDING_TOKENS: usize = 25;

/// Token counts per class. Cheap to clone into a snapshot and to rebuild
/// from stored decisions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpamModel {
    spam_docs: u32,
    ham_docs: u32,
    /// token -> (documents of spam containing it, documents of ham)
    tokens: HashMap<String, (u32, u32)>,
}

impl SpamModel {
    pub fn new() -> Self {
        Self::default()
    }

    /// A model from stored counts: documents per class, and per token the
    /// documents of each class that contain it.
    pub fn from_counts(
        (spam_docs, ham_docs): (u32, u32),
        tokens: impl IntoIterator<Item = (String, (u32, u32))>,
    ) -> Self {
        Self {
            spam_docs,
            ham_docs,
            tokens: tokens.into_iter().collect(),
        }
    }

    /// Learns from one moderator decision.
    pub fn train(&mut self, text: &str, is_spam: bool) {
        self.adjust(text, is_spam, true);
    }

    /// Forgets a decision that a moderator reversed.
    pub fn untrain(&mut self, text: &str, is_spam: bool) {
        self.adjust(text, is_spam, false);
    }

    fn adjust(&mut self, text: &str, is_spam: bool, add: bool) {
        let step = |n: &mut u32| {
            *n = if add {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            }
        };
        step(if is_spam {
            &mut self.spam_docs
        } else {
            &mut self.ham_docs
        });
        for t in tokens(text) {
            let e = self.tokens.entry(t).or_default();
            step(if is_spam { &mut e.0 } else { &mut e.1 });
        }
        self.tokens.retain(|_, (s, h)| *s > 0 || *h > 0);
    }

    /// Decisions learned so far, spam and ham.
    pub fn documents(&self) -> (u32, u32) {
        (self.spam_docs, self.ham_docs)
    }

    /// The probability, from 0 to 1, that `text` is spam. Until the model has
    /// seen a few decisions of each kind it answers a neutral 0.5, so a fresh
    /// site never holds comments on no evidence.
    pub fn score(&self, text: &str) -> f64 {
        if self.spam_docs < 5 || self.ham_docs < 5 {
            return 0.5;
        }
        let (ns, nh) = (f64::from(self.spam_docs), f64::from(self.ham_docs));
        let mut evidence: Vec<f64> = tokens(text)
            .filter_map(|t| {
                let &(s, h) = self.tokens.get(&t)?;
                // Laplace-smoothed rates per class, so one sighting is no proof.
                let ps = (f64::from(s) + 1.0) / (ns + 2.0);
                let ph = (f64::from(h) + 1.0) / (nh + 2.0);
                Some((ps / ph).ln())
            })
            .collect();
        evidence.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
        let prior = (ns / nh).ln();
        let log_odds = prior + evidence.iter().take(DECIDING_TOKENS).sum::<f64>();
        1.0 / (1.0 + (-log_odds).exp())
    }
}

/// The distinct tokens of a text: lower-case words of 2 to 24 characters,
/// plus the host of every link, which says more about spam than any word.
pub fn tokens(text: &str) -> impl Iterator<Item = String> {
    let mut seen = HashSet::new();
    let hosts = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '<' || c == '>')
        .filter_map(|w| {
            let rest = w
                .strip_prefix("http://")
                .or_else(|| w.strip_prefix("https://"))?;
            let host = rest.split(['/', '?', '#', ':']).next()?;
            (!host.is_empty()).then(|| format!("host:{}", host.to_lowercase()))
        });
    let words = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '$' || c == '!'))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| (2..=24).contains(&w.chars().count()));
    hosts
        .chain(words)
        .filter(move |t| seen.insert(t.clone()))
        .take(MAX_TOKENS)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Precision and recall of a model at `threshold`, from k-fold
/// cross-validation over labelled texts: each fold is scored by a model
/// trained on the other folds only.
pub fn cross_validate(samples: &[(&str, bool)], folds: usize, threshold: f64) -> Evaluation {
    let mut ev = Evaluation::default();
    for fold in 0..folds {
        let mut model = SpamModel::new();
        for (i, (text, spam)) in samples.iter().enumerate() {
            if i % folds != fold {
                model.train(text, *spam);
            }
        }
        for (i, (text, spam)) in samples.iter().enumerate() {
            if i % folds == fold {
                let flagged = model.score(text) >= threshold;
                match (flagged, *spam) {
                    (true, true) => ev.true_positives += 1,
                    (true, false) => ev.false_positives += 1,
                    (false, true) => ev.false_negatives += 1,
                    (false, false) => ev.true_negatives += 1,
                }
            }
        }
    }
    ev
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    pub true_positives: u32,
    pub false_positives: u32,
    pub true_negatives: u32,
    pub false_negatives: u32,
}

impl Evaluation {
    pub fn precision(&self) -> f64 {
        let flagged = self.true_positives + self.false_positives;
        f64::from(self.true_positives) / f64::from(flagged.max(1))
    }

    pub fn recall(&self) -> f64 {
        let spam = self.true_positives + self.false_negatives;
        f64::from(self.true_positives) / f64::from(spam.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPAM: &[&str] = &[
        "Cheap pills!!! Buy now at https://pills.example/buy best price",
        "Make $5000 a week from home, click https://money.example now",
        "Buy cheap watches, best price, https://watches.example limited offer",
        "Casino bonus! Win big today at https://casino.example click here",
        "Best price viagra, buy now https://pills.example discreet shipping",
        "Earn money fast, work from home, https://money.example click",
    ];
    const HAM: &[&str] = &[
        "I rode the night bus last winter and it was always full.",
        "The council should publish the ridership figures per route.",
        "Moving the layover stop a block east seems like a fair compromise.",
        "Electric buses would help with the noise the residents mention.",
        "As a nurse I can confirm the last bus used to leave far too early.",
        "Does anyone know when the timetables will be published?",
    ];

    fn trained() -> SpamModel {
        let mut m = SpamModel::new();
        for s in SPAM {
            m.train(s, true);
        }
        for h in HAM {
            m.train(h, false);
        }
        m
    }

    #[test]
    fn an_untrained_model_is_neutral() {
        assert_eq!(SpamModel::new().score("buy cheap pills"), 0.5);
    }

    #[test]
    fn a_trained_model_tells_spam_from_discussion() {
        let m = trained();
        let spam = m.score("Buy cheap pills now, best price at https://pills.example");
        let ham = m.score("The night bus route to the hospital was a good idea.");
        assert!(spam > 0.9, "spam scored {spam}");
        assert!(ham < 0.1, "ham scored {ham}");
    }

    #[test]
    fn untraining_a_reversed_decision_restores_the_model() {
        let mut m = trained();
        let before = m.clone();
        m.train("some brand new words here", true);
        m.untrain("some brand new words here", true);
        assert_eq!(m, before);
    }

    #[test]
    fn tokens_are_distinct_lowercase_words_and_link_hosts() {
        let t: Vec<String> = tokens("Buy BUY now https://Pills.Example/x?y a").collect();
        assert!(t.contains(&"host:pills.example".to_string()));
        assert_eq!(t.iter().filter(|w| *w == "buy").count(), 1);
        assert!(!t.contains(&"a".to_string()), "one-letter words are noise");
    }

    #[test]
    fn a_huge_text_is_scored_on_a_bounded_number_of_tokens() {
        let text: String = (0..100_000).map(|i| format!("w{i} ")).collect();
        assert_eq!(tokens(&text).count(), MAX_TOKENS);
    }

    #[test]
    fn cross_validation_counts_every_sample_once() {
        let samples: Vec<(&str, bool)> = SPAM
            .iter()
            .map(|s| (*s, true))
            .chain(HAM.iter().map(|h| (*h, false)))
            .collect();
        let ev = cross_validate(&samples, 3, 0.5);
        let total = ev.true_positives + ev.false_positives + ev.true_negatives + ev.false_negatives;
        assert_eq!(total as usize, samples.len());
    }
}
