//! The import readers on hostile files: Disqus XML, WordPress WXR,
//! Confab's JSON Lines, Commento's JSON and Remark42's backup, picked by
//! the first byte. None
//! may panic, loop or hold more than the limit; every error ends the
//! records; every record that comes out holds only what the file said, in
//! bounded size.
#![no_main]

use confab::domain::transfer::{self, Limits, Record};
use libfuzzer_sys::fuzz_target;

const LIMITS: Limits = Limits {
    max_text_bytes: 4096,
};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let records: Box<dyn Iterator<Item = _>> = match pick % 5 {
        0 => Box::new(transfer::disqus::records(file, LIMITS)),
        1 => Box::new(transfer::wxr::records(file, LIMITS)),
        2 => Box::new(transfer::confab::records(file, LIMITS)),
        3 => Box::new(transfer::commento::records(file, LIMITS)),
        _ => Box::new(transfer::remark42::records(file, LIMITS)),
    };
    let mut failed = false;
    for record in records {
        assert!(!failed, "a record came after an error");
        match record {
            Ok(Record::Post(post)) => {
                // Markdown from HTML may grow past the text it came from,
                // but never without bound.
                assert!(post.body.len() <= 8 * LIMITS.max_text_bytes + 1024);
                assert!(post.author.len() <= 2 * LIMITS.max_text_bytes);
            }
            Ok(_) => {}
            Err(_) => failed = true,
        }
    }
});
