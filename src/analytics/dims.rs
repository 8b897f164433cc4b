//! The dimensions articles are counted by, and their values: what each reads from the
//! index's fast fields, and how a date falls into its year, month, ISO week or day.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate};

use crate::error::{Error, Result};

/// What articles are counted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dim {
    Source,
    Lang,
    Year,
    Month,
    Week,
    Day,
    Entity,
    Spelling,
}

impl Dim {
    pub const ALL: [Dim; 8] = [
        Dim::Source,
        Dim::Lang,
        Dim::Year,
        Dim::Month,
        Dim::Week,
        Dim::Day,
        Dim::Entity,
        Dim::Spelling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dim::Source => "source",
            Dim::Lang => "lang",
            Dim::Year => "year",
            Dim::Month => "month",
            Dim::Week => "week",
            Dim::Day => "day",
            Dim::Entity => "entity",
            Dim::Spelling => "spelling",
        }
    }

    pub fn parse(s: &str) -> Result<Dim> {
        let s = s.trim();
        Dim::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "`{s}` is not a dimension to count by (one of: {})",
                    Dim::ALL.map(Dim::as_str).join(", ")
                ))
            })
    }

    /// `source,year`: one dimension or a pivot of two.
    pub fn parse_list(s: &str) -> Result<Vec<Dim>> {
        let dims = s.split(',').map(Dim::parse).collect::<Result<Vec<_>>>()?;
        match dims.len() {
            1 => Ok(dims),
            2 if dims[0] == dims[1] => Err(Error::Invalid(format!(
                "--by {s}: the two dimensions of a pivot must differ"
            ))),
            2 => Ok(dims),
            _ => Err(Error::Invalid(format!(
                "--by {s}: one dimension or a pivot of two"
            ))),
        }
    }

    pub fn is_date(self) -> bool {
        matches!(self, Dim::Year | Dim::Month | Dim::Week | Dim::Day)
    }

    /// The fast field a text dimension reads.
    pub(crate) fn column(self) -> Option<&'static str> {
        match self {
            Dim::Source => Some("source_key"),
            Dim::Lang => Some("lang"),
            Dim::Entity => Some("entities"),
            Dim::Spelling => Some("spellings"),
            _ => None,
        }
    }

    /// The bucket of a date (seconds since the epoch, UTC): the day number (days since
    /// 1970-01-01) of the bucket's first day.
    pub(crate) fn bucket(self, secs: i64) -> i32 {
        let day = secs.div_euclid(86_400) as i32;
        let Some(date) = from_days(day) else {
            return day;
        };
        let first = match self {
            Dim::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1),
            Dim::Month => NaiveDate::from_ymd_opt(date.year(), date.month(), 1),
            Dim::Week => {
                Some(date - Duration::days(i64::from(date.weekday().num_days_from_monday())))
            }
            _ => Some(date),
        };
        first.map_or(day, to_days)
    }

    /// The bucket after `day` (a bucket's first day).
    pub(crate) fn next(self, day: i32) -> i32 {
        let Some(date) = from_days(day) else {
            return day + 1;
        };
        let next = match self {
            Dim::Year => NaiveDate::from_ymd_opt(date.year() + 1, 1, 1),
            Dim::Month if date.month() == 12 => NaiveDate::from_ymd_opt(date.year() + 1, 1, 1),
            Dim::Month => NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1),
            Dim::Week => Some(date + Duration::days(7)),
            _ => Some(date + Duration::days(1)),
        };
        next.map_or(day + 1, to_days)
    }

    /// How a bucket is written: `2022`, `2022-03`, `2022-W09` (ISO week), `2022-03-01`.
    pub fn label(self, day: i32) -> String {
        let Some(date) = from_days(day) else {
            return day.to_string();
        };
        match self {
            Dim::Year => format!("{:04}", date.year()),
            Dim::Month => format!("{:04}-{:02}", date.year(), date.month()),
            Dim::Week => {
                let w = date.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            _ => date.format("%Y-%m-%d").to_string(),
        }
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")
}

fn from_days(day: i32) -> Option<NaiveDate> {
    epoch().checked_add_signed(Duration::days(i64::from(day)))
}

fn to_days(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_fall_into_their_buckets() {
        let secs = |s: &str| crate::index::parse_date(s).unwrap().into_timestamp_secs();
        let at = |d: Dim, s: &str| d.label(d.bucket(secs(s)));
        assert_eq!(at(Dim::Year, "2022-03-01T23:59:00"), "2022");
        assert_eq!(at(Dim::Month, "2022-03-31"), "2022-03");
        assert_eq!(at(Dim::Day, "2022-03-31T23:59:59"), "2022-03-31");
        // 2021-01-03 is a Sunday: ISO week 53 of 2020.
        assert_eq!(at(Dim::Week, "2021-01-03"), "2020-W53");
        assert_eq!(at(Dim::Week, "2021-01-04"), "2021-W01");
        assert_eq!(at(Dim::Month, "1969-12-31"), "1969-12");
        let dec = Dim::Month.bucket(secs("2022-12-05"));
        assert_eq!(Dim::Month.label(Dim::Month.next(dec)), "2023-01");
        assert_eq!(
            Dim::parse_list("source,year").unwrap(),
            [Dim::Source, Dim::Year]
        );
        assert!(Dim::parse_list("source,source").is_err());
        assert!(Dim::parse("colour")
            .unwrap_err()
            .to_string()
            .contains("one of: source, lang"));
    }
}
