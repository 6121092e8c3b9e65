//! The periods of Order No. 30: how long certificates are valid, how often they are reviewed, and the
//! calendar arithmetic they use. Data and arithmetic only, so that both the certificate (its [`Status`]
//! on a day) and the rules (building a new one) read them without depending on each other.
//!
//! [`Status`]: crate::Status

use chrono::{Datelike, NaiveDate};

/// Special-operation certificates are valid 6 years; management certificates 3.
pub const SPECIAL_OPERATION_VALIDITY_YEARS: i32 = 6;
pub const MANAGEMENT_VALIDITY_YEARS: i32 = 3;
/// Reviews every 3 years, or every 6 after an extension.
pub const REVIEW_INTERVAL_YEARS: u8 = 3;
pub const EXTENDED_REVIEW_INTERVAL_YEARS: u8 = 6;
/// Continuous clean years in the trade before the interval may be extended.
pub const YEARS_FOR_EXTENSION: i32 = 10;
/// Reviews and renewals are applied for within 60 days before the due date.
pub const REVIEW_WINDOW_DAYS: i64 = 60;
pub const MINIMUM_AGE: i32 = 18;

/// `date` plus whole years; 29 February becomes 28 February in a common year.
pub fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    let y = date.year() + years;
    NaiveDate::from_ymd_opt(y, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, date.month(), date.day() - 1))
        .expect("valid date")
}
