//! Moderator passwords: argon2id with a random salt. Both functions are slow
//! on purpose: call them through `moderation::passwords`, which runs them
//! on threads of their own.

use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};

/// The shortest password `moderator add` and the setup page accept.
pub const MIN_LEN: usize = 10;

/// Argon2's working memory, 19 MiB with the default parameters, kept by the
/// caller and reused for every hash. Argon2's own `hash_password` allocates
/// it afresh each time, and the allocator, with small allocations landing
/// in the freed space between hashes, then keeps most of every one.
pub struct Scratch(Vec<Block>);

impl Default for Scratch {
    fn default() -> Self {
        Self(vec![Block::default(); Params::DEFAULT.block_count()])
    }
}

impl Scratch {
    /// The first `n` blocks, grown once if a stored hash asks for more.
    fn blocks(&mut self, n: usize) -> &mut [Block] {
        if self.0.len() < n {
            self.0.resize(n, Block::default());
        }
        &mut self.0[..n]
    }
}

/// What `argon2`'s `PasswordHasher` does, with the caller's memory: the
/// output for `password` under `hasher`'s parameters and the salt.
fn output(
    hasher: &Argon2<'_>,
    params: &Params,
    password: &str,
    salt: &SaltString,
    scratch: &mut Scratch,
) -> anyhow::Result<Output> {
    let mut raw = [0u8; 64];
    let salt = salt
        .as_salt()
        .decode_b64(&mut raw)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    Output::init_with(len, |out| {
        hasher
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                out,
                scratch.blocks(params.block_count()),
            )
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of a new
/// password, with a random salt.
pub fn hash(password: &str, scratch: &mut Scratch) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::DEFAULT;
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let out = output(&hasher, &params, password, &salt, scratch)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("{e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(out),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string, under the parameters
/// it names. A malformed hash matches nothing.
pub fn verify(password: &str, stored: &str, scratch: &mut Scratch) -> bool {
    let mut check = || -> Option<bool> {
        let phc = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
        let version = phc
            .version
            .map_or(Ok(Version::default()), Version::try_from)
            .ok()?;
        let params = Params::try_from(&phc).ok()?;
        let salt = SaltString::from_b64(phc.salt?.as_str()).ok()?;
        let hasher = Argon2::new(algorithm, version, params.clone());
        let out = output(&hasher, &params, password, &salt, scratch).ok()?;
        // `Output`'s equality takes constant time.
        Some(phc.hash? == out)
    };
    check().unwrap_or(false)
}

/// A stored hash to check against when the moderator does not exist, so a
/// failed login takes as long whether or not the e-mail is known.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash("decoy password, never matches", &mut Scratch::default()).unwrap_or_default()
    });
    &DECOY
}

pub fn check_new(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LEN {
        return Err(format!("a password needs at least {MIN_LEN} characters"));
    }
    if password.len() > 1024 {
        return Err("that password is too long".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_others_do_not() {
        let mut scratch = Scratch::default();
        let h = hash("correct horse battery", &mut scratch).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h, &mut scratch));
        assert!(!verify("wrong", &h, &mut scratch));
        assert!(!verify("x", "not a hash", &mut scratch));
    }

    #[test]
    fn hashes_made_by_argon2s_own_hasher_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"an older password", &salt)
            .unwrap()
            .to_string();
        let mut scratch = Scratch::default();
        assert!(verify("an older password", &theirs, &mut scratch));
        assert!(!verify("an older passwore", &theirs, &mut scratch));
        // And theirs verifies ours.
        use argon2::password_hash::PasswordVerifier;
        let ours = hash("a newer password", &mut scratch).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"a newer password", &parsed)
            .is_ok());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new("short").is_err());
        assert!(check_new("long enough pass").is_ok());
    }
}
