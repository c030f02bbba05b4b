//! What every HTML page lwsim writes shares: the page head and style (the DejaVu font embedded,
//! so a page loads nothing from the network and prints cleanly to PDF), HTML escaping, and charts
//! inlined as SVG. `report` (a scenario's page and a comparison's) and `seek::report` (a seek's
//! page) both build on it, so neither imports the other for it.

#![warn(missing_docs, clippy::missing_errors_doc)]

use std::path::Path;

use base64::Engine;

use crate::charts;
use crate::error::Error;

/// The error for a folder `dir` that is not `kind` (e.g. "a results directory of `lwsim run`"),
/// saying `what` is wrong: an input error (exit 2) located at the folder.
pub fn not_a(dir: &Path, kind: &str, what: &str) -> Error {
    crate::error::InputError::at(&dir.display().to_string(), None, format!("not {kind}: {what}")).into()
}

/// Escape text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page's head, its style (the font embedded) and the opening `<body>`: shared by every
/// report lwsim writes. `title` is HTML already escaped ([`escape`]); the caller writes the body
/// and closes it with `</body></html>`.
pub fn page_head(title: &str) -> String {
    let font = base64::engine::general_purpose::STANDARD.encode(dejavu::sans::regular());
    let bold = base64::engine::general_purpose::STANDARD.encode(dejavu::sans::bold());
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
@font-face {{ font-family: "DejaVu Sans"; font-weight: normal; src: url(data:font/ttf;base64,{font}) format("truetype"); }}
@font-face {{ font-family: "DejaVu Sans"; font-weight: bold; src: url(data:font/ttf;base64,{bold}) format("truetype"); }}
body {{ font-family: "DejaVu Sans", sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }}
svg text {{ font-family: "DejaVu Sans", sans-serif !important; }}
h1 {{ font-size: 1.7em; margin-bottom: 0.2em; }} h2 {{ font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }}
table {{ border-collapse: collapse; margin: 0.6em 0; }} th, td {{ border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }} th {{ background: #f0f0f0; }}
figure {{ margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }} figure svg {{ width: 100%; height: auto; border: 1px solid #ddd; }}
figcaption {{ font-size: 0.9em; color: #555; }}
pre {{ background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.8em; white-space: pre-wrap; }}
.note {{ color: #555; font-size: 0.9em; }}
td .i {{ display: block; font-size: 0.85em; color: #555; }} td .i span, td .c span {{ white-space: nowrap; }} td .c {{ display: block; font-size: 0.85em; }} td.n strong {{ white-space: nowrap; }}
table.wide {{ font-size: 0.9em; }} table.wide th {{ vertical-align: bottom; }} table.what th {{ white-space: nowrap; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 0 1em; }}
code {{ background: #f6f6f6; padding: 0 0.2em; }}
.warning {{ color: #7a2e00; background: #fff3e6; border-left: 4px solid #D55E00; padding: 0.4em 0.8em; }}
@media print {{ body {{ margin: 0; max-width: none; }} h2 {{ break-after: avoid; }} table, pre {{ break-inside: avoid; }} .grid {{ grid-template-columns: 1fr 1fr; }} }}
</style></head><body>
"#
    )
}

/// An SVG file's markup without its XML declaration, to inline in a page.
pub fn inline_svg(svg: &str) -> &str {
    let svg = svg.trim_start_matches(|c| c != '<');
    if svg.starts_with("<?xml") {
        svg.split_once("?>").map_or(svg, |(_, rest)| rest)
    } else {
        svg
    }
}

/// A chart to inline in a page: the run's own `dir/NAME.svg` where it is there (its colours are
/// the run's), else drawn again by `draw`; the markup without its XML declaration.
///
/// # Errors
/// [`Error::Chart`] when the file is missing or holds no `<svg` and `draw` fails.
pub fn chart_svg(
    dir: &Path,
    name: &str,
    draw: impl FnOnce() -> Result<charts::Rendered, String>,
) -> Result<String, Error> {
    let [_, file] = crate::output::chart_names(name);
    let svg = match std::fs::read_to_string(dir.join(file)) {
        Ok(svg) if svg.contains("<svg") => svg,
        _ => draw().map_err(Error::Chart)?.svg,
    };
    Ok(inline_svg(&svg).to_string())
}
