//! Made-up but realistic comment text: 1 to 6 sentences of markdown, the
//! length spread readers actually write. A fixed-seed generator keeps every
//! run's data identical, so runs compare.

/// xorshift64*: tiny, deterministic, and good enough to pick words.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const OPENERS: &[&str] = &[
    "Honestly",
    "As someone who takes the night bus",
    "I think",
    "Good news, but",
    "My sister works at the hospital and",
    "Interesting that",
    "For what it's worth",
    "Living near the depot,",
    "Not sure about this, but",
    "Finally!",
];

const MIDDLES: &[&str] = &[
    "the levy on late-night venues seems fair to me",
    "twenty minutes between buses is still a long wait in winter",
    "the trial numbers look better than anyone expected",
    "moving the layover stop a block east will not fix the noise",
    "electric buses on the busiest route should have come first",
    "small bars already struggle with rent and staff",
    "nurses finishing a late shift deserve a safe ride home",
    "the market traders start work before five anyway",
    "a taxi across the river costs more than an hour's wage",
    "the council rarely publishes timetables on time",
    "ridership always drops once a service stops being new",
    "nobody at the hearing mentioned the ferry connection",
];

const ENDINGS: &[&str] = &[
    ".",
    ", as far as I can tell.",
    " and I hope it lasts.",
    ", which nobody seems to mention.",
    "; we will see in spring.",
    "!",
    "?",
];

/// One comment body: 1 to 6 sentences, sometimes with emphasis, a link, a
/// second paragraph or a quote, like real threads.
pub fn comment(rng: &mut Rng) -> String {
    comment_of(rng, 6)
}

/// One comment body of 1 to `most` sentences (`most` > 0).
pub fn comment_of(rng: &mut Rng, most: usize) -> String {
    let sentences = 1 + rng.below(most);
    let mut out = String::new();
    if rng.below(8) == 0 {
        out.push_str("> ");
        out.push_str(rng.pick(MIDDLES));
        out.push_str("\n\n");
    }
    for i in 0..sentences {
        if i > 0 {
            // A paragraph break now and then, otherwise a space.
            out.push_str(if rng.below(4) == 0 { "\n\n" } else { " " });
        }
        let middle = rng.pick(MIDDLES);
        match rng.below(10) {
            0 => out.push_str(&format!("{} **{middle}**", rng.pick(OPENERS))),
            1 => out.push_str(&format!(
                "{} {middle} (see [the timetable](https://example.org/buses/{}))",
                rng.pick(OPENERS),
                rng.below(100)
            )),
            2 => out.push_str(&format!("{} *{middle}*", rng.pick(OPENERS))),
            _ => out.push_str(&format!("{} {middle}", rng.pick(OPENERS))),
        }
        out.push_str(rng.pick(ENDINGS));
    }
    out
}

/// A plausible display name.
pub fn author(rng: &mut Rng) -> String {
    const NAMES: &[&str] = &[
        "Ana", "Ben", "Chidi", "Dana", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jun",
    ];
    format!(
        "{} {}",
        rng.pick(NAMES),
        (b'A' + rng.below(26) as u8) as char
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_comments() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(comment(&mut a), comment(&mut b));
    }

    #[test]
    fn comments_span_short_and_long() {
        let mut rng = Rng::new(1);
        let lengths: Vec<usize> = (0..200).map(|_| comment(&mut rng).len()).collect();
        assert!(lengths.iter().any(|&l| l < 120));
        assert!(lengths.iter().any(|&l| l > 400));
    }
}
