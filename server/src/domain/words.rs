//! The site's word lists and the count of written-out URLs: cheap text
//! checks that run on what readers see of every new or edited comment (see
//! `visible.rs`) before anything is stored.

/// The first listed word or phrase that `text` contains as whole words,
/// ignoring case. Whole words, so that "ass" does not catch "class".
pub fn find_listed<'a>(text: &str, list: &'a [String]) -> Option<&'a str> {
    let words = normalise(text);
    list.iter().map(String::as_str).find(|entry| {
        let entry = normalise(entry);
        !entry.is_empty() && format!(" {words} ").contains(&format!(" {entry} "))
    })
}

/// Lower-case words separated by single spaces.
fn normalise(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many URLs a text writes out: explicit URLs and bare `www.` hosts,
/// however they are wrapped.
pub fn count_links(source: &str) -> usize {
    let lower = source.to_lowercase();
    lower.matches("http://").count() + lower.matches("https://").count() + {
        // `www.` not already counted as part of a URL.
        lower.matches("www.").count() - lower.matches("://www.").count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn listed_words_match_whole_words_in_any_case() {
        let l = list(&["casino", "cheap pills"]);
        assert_eq!(find_listed("Best CASINO in town", &l), Some("casino"));
        assert_eq!(find_listed("buy Cheap  Pills!", &l), Some("cheap pills"));
        assert_eq!(find_listed("casinos and cheap pillsbury", &l), None);
        assert_eq!(find_listed("anything", &list(&["", "  "])), None);
    }

    #[test]
    fn links_are_counted_once_each_however_written() {
        assert_eq!(count_links("no links here"), 0);
        assert_eq!(
            count_links("see https://a.example and [b](http://b.example)"),
            2
        );
        assert_eq!(count_links("www.a.example and https://www.b.example"), 2);
    }
}
