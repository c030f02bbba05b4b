//! The explorer page, compiled into the binary: one HTML file, its script and its style. No
//! other file is served, and the page loads nothing from the network.

/// `GET /`.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// `GET /app.js`: the page's script (plain JavaScript, no library; charts are inline SVG).
pub const APP_JS: &str = include_str!("assets/app.js");
/// `GET /app.css`.
pub const APP_CSS: &str = include_str!("assets/app.css");
