//! `Authorization: Bearer <licence key>`: reading the key and why it was refused.

use common::install::LicenseKey;
use lambda_http::http::{HeaderMap, header};

/// Why a request is not authenticated. The caller sees one 401 for all of them; the logs see
/// which (never the key itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("no Authorization header")]
    Missing,
    #[error("Authorization header is not `Bearer <licence key>`")]
    Malformed,
    #[error("no tenant holds this licence key")]
    UnknownKey,
    #[error("licence key revoked")]
    Revoked,
}

/// The licence key of a `Bearer` Authorization header (scheme case-insensitive, RFC 7235).
pub fn bearer_key(headers: &HeaderMap) -> Result<LicenseKey, AuthFailure> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = values.next().ok_or(AuthFailure::Missing)?;
    if values.next().is_some() {
        return Err(AuthFailure::Malformed);
    }
    let raw = value.to_str().map_err(|_| AuthFailure::Malformed)?;
    let (scheme, token) = raw.trim().split_once(' ').ok_or(AuthFailure::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthFailure::Malformed);
    }
    LicenseKey::parse(token).ok_or(AuthFailure::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::HeaderValue;

    const KEY: &str = "dto_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(
                header::AUTHORIZATION,
                HeaderValue::from_str(value).expect("header"),
            );
        }
        map
    }

    #[test]
    fn a_bearer_licence_key_is_read_whatever_the_scheme_case() {
        for value in [
            format!("Bearer {KEY}"),
            format!("bearer {KEY}"),
            format!("BEARER  {KEY} "),
        ] {
            let key = bearer_key(&headers(&[&value])).expect(&value);
            assert_eq!(key.expose(), KEY);
        }
    }

    #[test]
    fn anything_else_is_missing_or_malformed() {
        let cases: [(&[&str], AuthFailure); 7] = [
            (&[], AuthFailure::Missing),
            (&[""], AuthFailure::Malformed),
            (&[KEY], AuthFailure::Malformed),
            (&["Basic ZHRvOng="], AuthFailure::Malformed),
            (
                &["Bearer dto_example_not_a_real_key"],
                AuthFailure::Malformed,
            ),
            (&["Bearer "], AuthFailure::Malformed),
            (
                &[
                    "Bearer dto_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    "Bearer dto_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                ],
                AuthFailure::Malformed,
            ),
        ];
        for (values, expected) in cases {
            assert_eq!(
                bearer_key(&headers(values)).map(|_| ()),
                Err(expected),
                "{values:?}"
            );
        }
    }
}
