//! `GoDuration`: Traefik's duration type (`ptypes.Duration`) — Go duration strings or
//! integer seconds in, Go's `time.Duration.String()` format out.

use std::fmt;
use std::time::Duration;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_MICRO: u64 = 1_000;
const NANOS_PER_MILLI: u64 = 1_000_000;
const NANOS_PER_SECOND: u64 = 1_000_000_000;
const NANOS_PER_MINUTE: u64 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: u64 = 60 * NANOS_PER_MINUTE;

/// A signed duration in nanoseconds, like Go's `time.Duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GoDuration(pub i64);

/// Why a duration string was rejected (Go's wording where it has one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("time: {reason} {input:?}")]
pub struct DurationError {
    reason: &'static str,
    input: String,
}

impl GoDuration {
    pub const fn from_secs(secs: i64) -> Self {
        GoDuration(secs.saturating_mul(NANOS_PER_SECOND as i64))
    }

    pub const fn from_millis(millis: i64) -> Self {
        GoDuration(millis.saturating_mul(NANOS_PER_MILLI as i64))
    }

    pub fn nanos(self) -> i64 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The duration as a std `Duration`; negative durations become zero.
    pub fn to_std(self) -> Duration {
        Duration::from_nanos(u64::try_from(self.0).unwrap_or(0))
    }

    /// Parses like paerser: an integer means seconds, anything else is a Go duration.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let text = text.trim();
        match text.parse::<i64>() {
            Ok(secs) => Ok(GoDuration::from_secs(secs)),
            Err(_) => parse_go_duration(text),
        }
    }
}

impl fmt::Display for GoDuration {
    /// Go's `time.Duration.String()`: `0s`, `100ms`, `1.5s`, `1m0s`, `1h2m3s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let body = if magnitude < NANOS_PER_SECOND {
            format_sub_second(magnitude)
        } else {
            format_clock(magnitude)
        };
        write!(f, "{sign}{body}")
    }
}

fn format_sub_second(nanos: u64) -> String {
    if nanos < NANOS_PER_MICRO {
        format!("{nanos}ns")
    } else if nanos < NANOS_PER_MILLI {
        format!("{}µs", with_fraction(nanos, NANOS_PER_MICRO, 3))
    } else {
        format!("{}ms", with_fraction(nanos, NANOS_PER_MILLI, 6))
    }
}

fn format_clock(nanos: u64) -> String {
    let hours = nanos / NANOS_PER_HOUR;
    let minutes = (nanos % NANOS_PER_HOUR) / NANOS_PER_MINUTE;
    let seconds = with_fraction(nanos % NANOS_PER_MINUTE, NANOS_PER_SECOND, 9);
    if hours > 0 {
        format!("{hours}h{minutes}m{seconds}s")
    } else if minutes > 0 {
        format!("{minutes}m{seconds}s")
    } else {
        format!("{seconds}s")
    }
}

/// `value / unit` with the remainder as decimals, trailing zeros trimmed (Go's `fmtFrac`).
fn with_fraction(value: u64, unit: u64, digits: usize) -> String {
    let whole = value / unit;
    let rest = value % unit;
    if rest == 0 {
        return whole.to_string();
    }
    let decimals = format!("{rest:0digits$}");
    format!("{whole}.{}", decimals.trim_end_matches('0'))
}

fn parse_go_duration(input: &str) -> Result<GoDuration, DurationError> {
    let fail = |reason| DurationError {
        reason,
        input: input.to_owned(),
    };
    let (negative, mut rest) = match input.as_bytes().first() {
        Some(b'-') => (true, &input[1..]),
        Some(b'+') => (false, &input[1..]),
        _ => (false, input),
    };
    if rest == "0" {
        return Ok(GoDuration(0));
    }
    if rest.is_empty() {
        return Err(fail("invalid duration"));
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let (nanos, tail) = parse_component(rest).map_err(fail)?;
        total += nanos;
        rest = tail;
    }
    let total = i64::try_from(total).map_err(|_| fail("invalid duration"))?;
    Ok(GoDuration(if negative { -total } else { total }))
}

/// One `<number>[.<fraction>]<unit>` component; returns its nanoseconds and the rest.
fn parse_component(text: &str) -> Result<(u128, &str), &'static str> {
    let int_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (int_part, rest) = text.split_at(int_end);
    let (frac_part, rest) = match rest.strip_prefix('.') {
        Some(after_dot) => {
            let end = after_dot
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after_dot.len());
            after_dot.split_at(end)
        }
        None => ("", rest),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err("invalid duration");
    }
    let unit_end = rest
        .find(|c: char| c.is_ascii_digit() || c == '.')
        .unwrap_or(rest.len());
    let (unit, rest) = rest.split_at(unit_end);
    let scale = unit_nanos(unit)?;
    Ok((component_nanos(int_part, frac_part, scale)?, rest))
}

fn unit_nanos(unit: &str) -> Result<u128, &'static str> {
    let nanos = match unit {
        "" => return Err("missing unit in duration"),
        "ns" => 1,
        "us" | "µs" | "μs" => NANOS_PER_MICRO,
        "ms" => NANOS_PER_MILLI,
        "s" => NANOS_PER_SECOND,
        "m" => NANOS_PER_MINUTE,
        "h" => NANOS_PER_HOUR,
        _ => return Err("unknown unit in duration"),
    };
    Ok(u128::from(nanos))
}

fn component_nanos(int_part: &str, frac_part: &str, scale: u128) -> Result<u128, &'static str> {
    let whole: u128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| "invalid duration")?
    };
    // Go keeps at most the precision a nanosecond allows; more digits are truncated.
    let digits = &frac_part[..frac_part.len().min(18)];
    let fraction: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| "invalid duration")?
    };
    let fraction_nanos = fraction * scale / 10u128.pow(digits.len() as u32);
    whole
        .checked_mul(scale)
        .and_then(|n| n.checked_add(fraction_nanos))
        .ok_or("invalid duration")
}

impl Serialize for GoDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DurationVisitor)
    }
}

struct DurationVisitor;

impl de::Visitor<'_> for DurationVisitor {
    type Value = GoDuration;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a duration such as \"100ms\", \"1m30s\" or an integer number of seconds")
    }

    fn visit_i64<E: de::Error>(self, secs: i64) -> Result<GoDuration, E> {
        Ok(GoDuration::from_secs(secs))
    }

    fn visit_u64<E: de::Error>(self, secs: u64) -> Result<GoDuration, E> {
        let secs = i64::try_from(secs).map_err(|_| E::custom("duration out of range"))?;
        Ok(GoDuration::from_secs(secs))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<GoDuration, E> {
        GoDuration::parse(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        let cases = [
            (0, "0s"),
            (100 * NANOS_PER_MILLI as i64, "100ms"),
            (1_500 * NANOS_PER_MILLI as i64, "1.5s"),
            (60 * NANOS_PER_SECOND as i64, "1m0s"),
            (180 * NANOS_PER_SECOND as i64, "3m0s"),
            (90 * NANOS_PER_SECOND as i64, "1m30s"),
            (3_600 * NANOS_PER_SECOND as i64, "1h0m0s"),
            (1_500, "1.5µs"),
            (12, "12ns"),
            (-2 * NANOS_PER_SECOND as i64, "-2s"),
        ];
        for (nanos, text) in cases {
            assert_eq!(GoDuration(nanos).to_string(), text, "{nanos}");
        }
    }

    #[test]
    fn parses_go_strings_and_seconds() {
        let cases = [
            ("100ms", 100 * NANOS_PER_MILLI as i64),
            ("1m30s", 90 * NANOS_PER_SECOND as i64),
            ("1.5h", 5_400 * NANOS_PER_SECOND as i64),
            ("30", 30 * NANOS_PER_SECOND as i64),
            ("-1s", -(NANOS_PER_SECOND as i64)),
            ("0", 0),
            ("2µs", 2_000),
        ];
        for (text, nanos) in cases {
            assert_eq!(GoDuration::parse(text), Ok(GoDuration(nanos)), "{text}");
        }
    }

    #[test]
    fn rejects_bad_strings() {
        for text in ["", "1.5", "10x", "ms", "1..5s"] {
            assert!(GoDuration::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn serde_round_trip() {
        let parsed: GoDuration = serde_json::from_str("\"1m0s\"").unwrap_or_default();
        assert_eq!(
            serde_json::to_string(&parsed).ok().as_deref(),
            Some("\"1m0s\"")
        );
        let from_int: GoDuration = serde_json::from_str("5").unwrap_or_default();
        assert_eq!(from_int, GoDuration::from_secs(5));
    }
}
