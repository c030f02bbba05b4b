//! The model's calendar: weeks and months. A year is 52 weeks and 12 months of equal length
//! (52 / 12 weeks, 30.3 days), so monthly values have no calendar artefacts (months of 4 or 5
//! weeks). Both the model (when a lever's month ends) and the observation (monthly values) read
//! it; it depends on nothing.

#![warn(missing_docs)]

/// The model's calendar: a year is 52 weeks and 12 months of equal length, so month `m` is the
/// span of weeks `[(m - 1) * 52 / 12, m * 52 / 12)` (30.3 days). Stocks are read at the last week
/// that ends within the month: `floor(m * 52 / 12)`. Month 0 is week 0, the state at the start.
pub fn month_end_week(m: u32) -> u32 {
    m * 52 / 12
}

/// The month in which week `week` ends (week w spans `[w - 1, w)`): `ceil(week * 12 / 52)`.
pub fn month_of_week(week: u32) -> u32 {
    (week * 12).div_ceil(52)
}

/// The share of week `week`'s flows that falls in month `m` (> 0): the overlap of the week
/// `[week - 1, week)` with the month, in twelfths of a week, exact. Every week's shares over the
/// months sum to 1, so a constant weekly flow gives a constant monthly flow (52 / 12 weeks' worth).
pub fn week_share_of_month(week: u32, m: u32) -> f64 {
    if week == 0 || m == 0 {
        return 0.0;
    }
    let (w0, w1) = (12 * u64::from(week - 1), 12 * u64::from(week));
    let (m0, m1) = (52 * u64::from(m - 1), 52 * u64::from(m));
    let overlap = w1.min(m1).saturating_sub(w0.max(m0));
    overlap as f64 / 12.0
}
