//! The dates import files give, as Unix milliseconds (UTC).

use ::time::format_description::well_known::Rfc3339;
use ::time::macros::format_description;
use ::time::{OffsetDateTime, PrimitiveDateTime};

/// An RFC 3339 date (`2013-05-02T15:53:33Z`, `2013-05-02T17:53:33.250+02:00`),
/// as Disqus writes them. `None` when it is not one.
pub(super) fn rfc3339_ms(s: &str) -> Option<i64> {
    let at = OffsetDateTime::parse(s.trim(), &Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// A WordPress comment's date, from `wp:comment_date_gmt` (UTC) or else
/// `wp:comment_date`, both `YYYY-MM-DD HH:MM:SS`.
///
/// The local date's time zone is the blog's setting, which a WXR file does
/// not give: read as UTC, it is off by at most a day's hours, which beats
/// no date. WordPress writes `0000-00-00 00:00:00` for a date it lacks
/// (drafts, some imports): that counts as missing, as does an empty value,
/// and so does a GMT date that is not a date at all when the local one is.
/// `None` when neither gives a date.
pub(super) fn wordpress_ms(date_gmt: Option<&str>, date_local: Option<&str>) -> Option<i64> {
    [date_gmt, date_local]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !is_unset(s))
        .find_map(wordpress_utc_ms)
}

/// Whether a WordPress date value says "no date" (empty, or all zeros).
pub(super) fn is_unset(s: &str) -> bool {
    let s = s.trim();
    s.is_empty() || s.starts_with("0000-00-00")
}

fn wordpress_utc_ms(s: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let at = PrimitiveDateTime::parse(s, format).ok()?.assume_utc();
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2013-05-02T15:53:33Z (`date -u -d @1367510013`).
    const MAY_2013_MS: i64 = 1_367_510_013_000;

    #[test]
    fn a_utc_rfc3339_date_is_read_to_the_millisecond() {
        assert_eq!(rfc3339_ms("2013-05-02T15:53:33Z"), Some(MAY_2013_MS));
        assert_eq!(
            rfc3339_ms("2013-05-02T15:53:33.250Z"),
            Some(MAY_2013_MS + 250)
        );
    }

    #[test]
    fn an_offset_is_taken_off_to_give_utc() {
        assert_eq!(rfc3339_ms("2013-05-02T17:53:33+02:00"), Some(MAY_2013_MS));
        assert_eq!(rfc3339_ms("2013-05-02T10:53:33-05:00"), Some(MAY_2013_MS));
    }

    #[test]
    fn whitespace_around_a_date_is_ignored() {
        assert_eq!(rfc3339_ms("\n  2013-05-02T15:53:33Z \t"), Some(MAY_2013_MS));
    }

    #[test]
    fn what_is_not_an_rfc3339_date_gives_none() {
        for bad in [
            "",
            "yesterday",
            "2013-05-02",
            "2013-05-02 15:53:33",
            "2013-13-02T15:53:33Z",
        ] {
            assert_eq!(rfc3339_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_gmt_date_wins_over_the_local_one() {
        let ms = wordpress_ms(Some("2013-05-02 15:53:33"), Some("2013-05-02 17:53:33"));
        assert_eq!(ms, Some(MAY_2013_MS));
    }

    #[test]
    fn a_zero_gmt_date_falls_back_to_the_local_date_read_as_utc() {
        let ms = wordpress_ms(Some("0000-00-00 00:00:00"), Some(" 2013-05-02 15:53:33 "));
        assert_eq!(ms, Some(MAY_2013_MS));
        assert_eq!(
            wordpress_ms(None, Some("2013-05-02 15:53:33")),
            Some(MAY_2013_MS)
        );
        assert_eq!(
            wordpress_ms(Some("  "), Some("2013-05-02 15:53:33")),
            Some(MAY_2013_MS)
        );
    }

    #[test]
    fn no_usable_wordpress_date_gives_none() {
        assert_eq!(wordpress_ms(None, None), None);
        assert_eq!(
            wordpress_ms(Some("0000-00-00 00:00:00"), Some("0000-00-00 00:00:00")),
            None
        );
        assert_eq!(wordpress_ms(Some("2013-05-02T15:53:33Z"), None), None);
        assert!(is_unset(" 0000-00-00 00:00:00") && is_unset("") && !is_unset("2013"));
    }

    #[test]
    fn an_unreadable_gmt_date_gives_way_to_the_local_one() {
        let ms = wordpress_ms(Some("soon"), Some("2013-05-02 15:53:33"));
        assert_eq!(ms, Some(MAY_2013_MS));
    }
}
