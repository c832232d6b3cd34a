//! The URI a v3 signature covers, and how to rebuild it from what API Gateway hands us.

/// Percent-sequences HubSpot decodes before hashing a v3 signature; every other `%xx` stays
/// as sent. HubSpot does not say whether the hex digits are matched case-insensitively, so
/// both cases are decoded (`%3a` and `%3A`).
const DECODED: [(u8, char); 12] = [
    (0x3A, ':'),
    (0x2F, '/'),
    (0x3F, '?'),
    (0x40, '@'),
    (0x21, '!'),
    (0x24, '$'),
    (0x27, '\''),
    (0x28, '('),
    (0x29, ')'),
    (0x2A, '*'),
    (0x2C, ','),
    (0x3B, ';'),
];

/// Applies HubSpot's v3 URI decoding rules to a full request URI.
pub fn decode_for_v3(uri: &str) -> std::borrow::Cow<'_, str> {
    if !uri.contains('%') {
        return std::borrow::Cow::Borrowed(uri);
    }
    let bytes = uri.as_bytes();
    let mut out = String::with_capacity(uri.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(ch) = decoded_char(bytes[i + 1], bytes[i + 2])
        {
            out.push(ch);
            i += 3;
            continue;
        }
        // Copy one whole UTF-8 character so multi-byte characters survive untouched.
        let ch_len = utf8_len(bytes[i]);
        out.push_str(&uri[i..i + ch_len]);
        i += ch_len;
    }
    std::borrow::Cow::Owned(out)
}

fn decoded_char(high: u8, low: u8) -> Option<char> {
    let value = hex_value(high)? << 4 | hex_value(low)?;
    DECODED
        .iter()
        .find(|(byte, _)| *byte == value)
        .map(|(_, ch)| *ch)
}

fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|v| v as u8)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Rebuilds the public URI HubSpot called from the pieces API Gateway passes on:
/// `scheme://host` + the raw path (stage prefix included, still percent-encoded) + `?` + the
/// raw query string, when there is one.
pub fn public_uri(scheme: &str, host: &str, raw_path: &str, raw_query: Option<&str>) -> String {
    let mut uri = String::with_capacity(scheme.len() + host.len() + raw_path.len() + 64);
    uri.push_str(scheme);
    uri.push_str("://");
    uri.push_str(host);
    uri.push_str(raw_path);
    push_query(&mut uri, raw_query);
    uri
}

/// The public URI under a configured base URL (custom domain, CDN, or a local emulator):
/// `base` without a trailing slash + the route path + `?` + the raw query string.
pub fn public_uri_under_base(base: &str, route_path: &str, raw_query: Option<&str>) -> String {
    let mut uri = String::with_capacity(base.len() + route_path.len() + 64);
    uri.push_str(base.trim_end_matches('/'));
    uri.push_str(route_path);
    push_query(&mut uri, raw_query);
    uri
}

fn push_query(uri: &mut String, raw_query: Option<&str>) {
    if let Some(query) = raw_query.filter(|q| !q.is_empty()) {
        uri.push('?');
        uri.push_str(query);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hubspots_twelve_sequences_are_decoded() {
        let raw = "https://x.io/a%3Ab%2Fc%3Fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm";
        assert_eq!(decode_for_v3(raw), "https://x.io/a:b/c?d@e!f$g'h(i)j*k,l;m");
    }

    #[test]
    fn other_sequences_stay_encoded() {
        let raw = "https://x.io/a%20b%25c%2Bd%3De%26f";
        assert_eq!(decode_for_v3(raw), raw);
    }

    #[test]
    fn lowercase_hex_digits_are_decoded_too() {
        assert_eq!(
            decode_for_v3("https://x.io/?e=a%40b%3a1"),
            "https://x.io/?e=a@b:1"
        );
    }

    #[test]
    fn truncated_or_invalid_sequences_are_copied_verbatim() {
        for raw in [
            "https://x.io/%",
            "https://x.io/%3",
            "https://x.io/%zz",
            "https://x.io/%%3A",
        ] {
            let expected = raw.replace("%3A", ":");
            assert_eq!(decode_for_v3(raw), expected, "{raw}");
        }
    }

    #[test]
    fn multibyte_characters_survive_decoding() {
        assert_eq!(decode_for_v3("https://x.io/é%40ü"), "https://x.io/é@ü");
    }

    #[test]
    fn decoding_is_not_applied_twice() {
        // %253A is an encoded '%' followed by "3A": only HubSpot's list is decoded, once.
        assert_eq!(decode_for_v3("https://x.io/%253A"), "https://x.io/%253A");
    }

    #[test]
    fn public_uri_keeps_stage_prefix_and_raw_query() {
        let uri = public_uri(
            "https",
            "abc.execute-api.eu-west-1.amazonaws.com",
            "/prod/webhooks/hubspot",
            Some("b=2&a=1"),
        );
        assert_eq!(
            uri,
            "https://abc.execute-api.eu-west-1.amazonaws.com/prod/webhooks/hubspot?b=2&a=1"
        );
        assert_eq!(
            public_uri("https", "h.io", "/p", Some("")),
            "https://h.io/p"
        );
    }

    #[test]
    fn base_url_form_trims_a_trailing_slash() {
        let uri = public_uri_under_base(
            "https://hooks.example.com/deeto/",
            "/webhooks/hubspot",
            None,
        );
        assert_eq!(uri, "https://hooks.example.com/deeto/webhooks/hubspot");
    }
}
