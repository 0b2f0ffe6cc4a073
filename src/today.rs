//! The tool's notion of today: the one place that decides which date `build`, `check` and
//! `serve` take as today (for sealing months, late months, notice deadlines).
//!
//! Order: `--today YYYY-MM-DD` on the command line, then the `GONGKAI_TODAY` environment
//! variable (tests and scripts pin the date with it, so a build is the same on any day),
//! then the local clock. A bad value is an error, never silently replaced by the clock:
//! a script that meant to pin the date must not seal months by the wall clock instead.

use chrono::NaiveDate;

/// The environment variable that sets today when `--today` is not given.
pub const TODAY_ENV: &str = "GONGKAI_TODAY";

/// Where the date came from (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--today` on the command line.
    Flag,
    /// The `GONGKAI_TODAY` environment variable.
    Env,
    /// The local clock.
    Clock,
}

/// The date the tool takes as today, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Today {
    /// The date.
    pub date: NaiveDate,
    /// Where it came from.
    pub origin: Origin,
}

/// A `--today` or `GONGKAI_TODAY` value that is not a date. Messages are for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TodayError {
    /// `--today` is not `YYYY-MM-DD`.
    #[error("--today 的值「{0}」不是有效的日期。请写成 年-月-日，例如 --today 2026-10-26。")]
    Flag(String),
    /// `GONGKAI_TODAY` is not `YYYY-MM-DD`.
    #[error("环境变量 GONGKAI_TODAY 的值「{0}」不是有效的日期。请写成 年-月-日（例如 2026-10-26），或删除这个环境变量以使用本机日期。")]
    Env(String),
}

impl Today {
    /// Resolves today from the `--today` value (if given), else `GONGKAI_TODAY`, else the
    /// local clock.
    pub fn resolve(flag: Option<&str>) -> Result<Today, TodayError> {
        let env = std::env::var(TODAY_ENV).ok();
        Today::resolve_from(flag, env.as_deref(), || chrono::Local::now().date_naive())
    }

    /// [`Today::resolve`] with the environment value and the clock given (for tests).
    /// An empty environment value counts as unset (`GONGKAI_TODAY= gongkai build`).
    pub fn resolve_from(
        flag: Option<&str>,
        env: Option<&str>,
        clock: impl FnOnce() -> NaiveDate,
    ) -> Result<Today, TodayError> {
        if let Some(flag) = flag {
            let date = parse(flag).ok_or_else(|| TodayError::Flag(flag.to_string()))?;
            return Ok(Today {
                date,
                origin: Origin::Flag,
            });
        }
        if let Some(env) = env.filter(|e| !e.trim().is_empty()) {
            let date = parse(env).ok_or_else(|| TodayError::Env(env.to_string()))?;
            return Ok(Today {
                date,
                origin: Origin::Env,
            });
        }
        Ok(Today {
            date: clock(),
            origin: Origin::Clock,
        })
    }

    /// Today from the environment or the clock, for library callers that take no
    /// command line; a bad `GONGKAI_TODAY` falls back to the clock here (the commands
    /// resolve first and refuse it with [`TodayError::Env`]).
    pub fn from_env_or_clock() -> Today {
        Today::resolve(None).unwrap_or_else(|_| Today {
            date: chrono::Local::now().date_naive(),
            origin: Origin::Clock,
        })
    }

    /// A fixed date (tests, library callers).
    pub fn fixed(date: NaiveDate) -> Today {
        Today {
            date,
            origin: Origin::Flag,
        }
    }
}

/// `YYYY-MM-DD` with one- or two-digit month and day (`2026-9-1` too), spaces around it
/// ignored. Nothing else: the date is typed by a person or a script who was told this form.
fn parse(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&m.len())
        || !(1..=2).contains(&d.len())
        || ![y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn clock() -> NaiveDate {
        day(2030, 1, 1)
    }

    #[test]
    fn flag_wins_over_env_and_clock() {
        let t = Today::resolve_from(Some("2026-10-26"), Some("2026-01-01"), clock).unwrap();
        assert_eq!(t.date, day(2026, 10, 26));
        assert_eq!(t.origin, Origin::Flag);
    }

    #[test]
    fn env_wins_over_clock_and_empty_env_is_unset() {
        let t = Today::resolve_from(None, Some(" 2026-9-5 "), clock).unwrap();
        assert_eq!((t.date, t.origin), (day(2026, 9, 5), Origin::Env));
        let t = Today::resolve_from(None, Some(""), clock).unwrap();
        assert_eq!((t.date, t.origin), (clock(), Origin::Clock));
        let t = Today::resolve_from(None, None, clock).unwrap();
        assert_eq!((t.date, t.origin), (clock(), Origin::Clock));
    }

    #[test]
    fn bad_values_are_refused_in_chinese_naming_the_value() {
        for bad in [
            "2026-02-30",
            "2026/10/26",
            "26-10-26",
            "2026-10",
            "today",
            "2026-10-26x",
        ] {
            let err = Today::resolve_from(Some(bad), None, clock).unwrap_err();
            assert_eq!(err, TodayError::Flag(bad.to_string()));
            assert!(err.to_string().contains(&format!("「{bad}」")), "{err}");
            assert!(err.to_string().contains("--today 2026-10-26"), "{err}");
        }
        let err = Today::resolve_from(None, Some("明天"), clock).unwrap_err();
        assert_eq!(
            err.to_string(),
            "环境变量 GONGKAI_TODAY 的值「明天」不是有效的日期。请写成 年-月-日（例如 2026-10-26），或删除这个环境变量以使用本机日期。"
        );
    }

    #[test]
    fn a_bad_env_value_is_refused_even_when_the_clock_would_do() {
        // A script that meant to pin the date must not silently get the clock.
        assert!(Today::resolve_from(None, Some("2026-13-01"), clock).is_err());
        // ...but a good flag makes the environment irrelevant.
        assert!(Today::resolve_from(Some("2026-12-01"), Some("bad"), clock).is_ok());
    }
}
