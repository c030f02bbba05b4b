//! The explorer page, compiled into the binary: one HTML file, its script and its style. No
//! other file is served, and the page loads nothing from the network. The script names no
//! headline figure or capacity measure of its own: it asks `GET /api/figures` ([`super::figures`]).

/// `GET /`.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// `GET /app.js`: the page's script (plain JavaScript, no library; charts are inline SVG).
pub const APP_JS: &str = include_str!("assets/app.js");
/// `GET /app.css`.
pub const APP_CSS: &str = include_str!("assets/app.css");

#[cfg(test)]
mod tests {
    use super::APP_JS;

    /// The page takes its tables of figures and measures from `GET /api/figures`
    /// ([`super::super::figures`]), not from copies of its own.
    #[test]
    fn the_page_keeps_no_table_of_figures_or_measures() {
        assert!(APP_JS.contains("api(\"/api/figures\")"));
        for name in [
            "integration_rate_24m",
            "cost_per_connected",
            "mean_caseload",
            "org_room",
            "bolted_on",
        ] {
            assert!(!APP_JS.contains(&format!("\"{name}\"")), "app.js names {name}");
        }
    }
}
