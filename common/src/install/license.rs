//! Licence keys: random, shown once, stored only as a hash.
//!
//! Keys carry 256 bits of randomness, so a plain SHA-256 is enough (no password-style
//! stretching is needed), and lookups by hash make the comparison constant time by
//! construction: the secret is never compared byte by byte.

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// A licence key as the customer types it: `dto_` + 43 base64url characters.
#[derive(Debug, Clone)]
pub struct LicenseKey(SecretString);

const PREFIX: &str = "dto_";

impl LicenseKey {
    /// Accepts only well-formed keys, so junk never reaches the store.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let body = raw.strip_prefix(PREFIX)?;
        let well_formed = body.len() == 43
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(SecretString::from(raw.to_owned())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// A fresh random key (shown to the operator once).
pub fn new_license_key() -> LicenseKey {
    LicenseKey(SecretString::from(format!("{PREFIX}{}", random_token())))
}

/// The stored form of a key: lowercase hex SHA-256.
pub fn hash_license_key(key: &LicenseKey) -> String {
    hex::encode(Sha256::digest(key.expose().as_bytes()))
}

/// 32 random bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = std::array::from_fn(|_| os_random_byte());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// One byte from the OS's CSPRNG (via UUID v4, which reads getrandom), not a seeded PRNG.
fn os_random_byte() -> u8 {
    uuid::Uuid::new_v4().as_bytes()[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_parses_and_hashes_stably() {
        let key = new_license_key();
        let parsed = LicenseKey::parse(key.expose()).expect("well formed");
        assert_eq!(hash_license_key(&key), hash_license_key(&parsed));
        assert_eq!(hash_license_key(&key).len(), 64);
    }

    #[test]
    fn two_keys_differ() {
        assert_ne!(new_license_key().expose(), new_license_key().expose());
    }

    #[test]
    fn malformed_keys_are_refused() {
        for raw in [
            "",
            "dto_",
            "dto_short",
            "abc_0123456789012345678901234567890123456789012",
            &format!("dto_{}", "!".repeat(43)),
        ] {
            assert!(LicenseKey::parse(raw).is_none(), "{raw}");
        }
    }

    #[test]
    fn the_key_never_appears_in_debug_output() {
        let key = new_license_key();
        assert!(!format!("{key:?}").contains(&key.expose()[4..]));
    }
}
