//! HubSpot's timestamps: ISO-8601 UTC with milliseconds (`2026-12-03T17:51:00.123Z`), to and
//! from epoch milliseconds, without pulling a date crate into every Lambda.

/// `2026-12-03T17:51:00.123Z`.
pub fn iso(ms: i64) -> String {
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the shapes HubSpot accepts in filters).
pub fn parse_iso(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    let mut ms = days * 86_400_000;
    if bytes.len() > 10 {
        if bytes.get(10) != Some(&b'T') || bytes.len() < 19 {
            return None;
        }
        ms += num(11..13)? * 3_600_000 + num(14..16)? * 60_000 + num(17..19)? * 1000;
        if bytes.get(19) == Some(&b'.') {
            let digits: String = text[20..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let padded = format!("{digits:0<3}");
            ms += padded.get(..3)?.parse::<i64>().ok()?;
        }
    }
    Some(ms)
}

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian, days since 1970-01-01).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trips_through_parse() {
        let ms = 1_764_784_260_123;
        assert_eq!(iso(ms), "2025-12-03T17:51:00.123Z");
        assert_eq!(parse_iso(&iso(ms)), Some(ms));
    }

    #[test]
    fn a_bare_date_parses_as_midnight_utc() {
        assert_eq!(parse_iso("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_iso("not a date"), None);
    }

    #[test]
    fn malformed_text_gives_none_and_never_panics() {
        let texts = [
            "2026-12-03T1",
            "2026-1é-03",
            "2026-12-03X17:51:00Z",
            "",
            "éééééé",
        ];
        for text in texts {
            assert_eq!(parse_iso(text), None, "{text}");
        }
        assert_eq!(
            parse_iso("2026-12-03T17:51:00.Z"),
            parse_iso("2026-12-03T17:51:00Z")
        );
    }
}
