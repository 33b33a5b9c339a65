//! Wall-clock timestamps in RFC 3339, without a date-time dependency. A change replayed from
//! the state database runs at the time it was first made, so that replaying it gives the same
//! state.

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

thread_local! {
    static FIXED: Cell<Option<Duration>> = const { Cell::new(None) };
}

/// Since the Unix epoch: the wall clock, or the time [`at`] fixed.
pub fn now() -> Duration {
    FIXED.with(Cell::get).unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    })
}

/// Runs `f` with the clock standing at `time`.
pub fn at<T>(time: Duration, f: impl FnOnce() -> T) -> T {
    let before = FIXED.with(|fixed| fixed.replace(Some(time)));
    let out = f();
    FIXED.with(|fixed| fixed.set(before));
    out
}

/// Now, as `2024-05-06T07:08:09.123456Z` (the shape the reference's examples use).
pub fn now_rfc3339() -> String {
    let since = now();
    format_unix(since.as_secs(), since.subsec_micros())
}

/// `seconds` from now, or `None` past what RFC 3339 can write (the year 9999).
pub fn rfc3339_in(seconds: u64) -> Option<String> {
    const LAST_WRITABLE: u64 = 253_402_300_799;
    let since = now();
    let at = since.as_secs().checked_add(seconds)?;
    (at <= LAST_WRITABLE).then(|| format_unix(at, since.subsec_micros()))
}

pub fn format_unix(secs: u64, micros: u32) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm: proleptic Gregorian calendar from the Unix epoch.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::format_unix;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            format_unix(1_575_892_878, 909_000),
            "2019-12-09T12:01:18.909000Z"
        );
        assert_eq!(format_unix(951_782_400, 0), "2000-02-29T00:00:00.000000Z");
    }
}
