//! The explorer page, compiled into the binary: one HTML file, its script and its style. No
//! other file is served, and the page loads nothing from the network.

/// `GET /`.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// `GET /app.js`: the page's script (plain JavaScript, no library; charts are inline SVG).
pub const APP_JS: &str = include_str!("assets/app.js");
/// `GET /app.css`.
pub const APP_CSS: &str = include_str!("assets/app.css");

#[cfg(test)]
mod tests {
    use super::APP_JS;
    use crate::summary::{FIGURES, Unit};

    /// The rows of a `const NAME = [ ... ];` table of app.js: each `["a", "b", ...]` row's
    /// quoted fields.
    fn rows(table: &str) -> Vec<Vec<&'static str>> {
        let start = APP_JS.find(&format!("const {table} = [")).expect("the table");
        let body = &APP_JS[start..];
        let body = &body[..body.find("\n];").expect("the table's end")];
        body.lines()
            .skip(1)
            .map(|row| row.split('"').skip(1).step_by(2).collect())
            .collect()
    }

    #[test]
    fn the_explorer_shows_every_headline_figure_in_its_unit() {
        let shown = rows("FIGURES");
        assert_eq!(
            shown.len(),
            FIGURES.len(),
            "app.js FIGURES: one row per headline figure"
        );
        for f in FIGURES {
            let row = shown.iter().find(|r| r[0] == f.name);
            let kind = match f.unit {
                Unit::Percent => "share",
                Unit::Number => "number",
                Unit::Pounds => "money",
            };
            assert_eq!(row.map(|r| r[2]), Some(kind), "app.js FIGURES: {}", f.name);
        }
    }

    #[test]
    fn the_explorers_capacity_charts_name_weekly_measures() {
        for row in rows("CAPACITY") {
            assert!(crate::observe::MEASURE_NAMES.contains(&row[0]), "{}", row[0]);
        }
    }
}
