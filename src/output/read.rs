//! Reading results back, through the types that write them: a CSV file into its row struct
//! ([`read_rows`]), and one scenario's results folder as the pages read it ([`RunFolder`]).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{RunInfo, chart_data, csv_bytes};
use crate::charts::Monthly;
use crate::error::{Error, InputError};
use crate::scenario::RawScenario;
use crate::scenario::load::read_text;
use crate::summary::{MonthlyRow, SummaryFile};

/// The rows of the CSV file at `path`, which lwsim wrote from rows of type `T` (with
/// [`csv_bytes`]): its header must be the one `T` writes, and every row must read back as a
/// `T` (columns by name, numbers as [`super::number`] writes them).
///
/// # Errors
/// The file cannot be read; its header is not `T`'s ("expected the header `...`"), or a row does
/// not read as a `T` (exit 2, naming the file and line, and the column where there is one).
pub fn read_rows<T: Serialize + DeserializeOwned + Default>(path: &Path) -> Result<Vec<T>, Error> {
    let text = read_text(path)?;
    let at = |line: u64, message: String| -> Error {
        InputError::at(&format!("{}:{line}", path.display()), None, message).into()
    };
    let written = csv_bytes([T::default()]);
    let header = String::from_utf8_lossy(&written);
    let header = header.lines().next().unwrap_or_default();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let columns = reader.headers().cloned().unwrap_or_default();
    if columns.iter().collect::<Vec<_>>().join(",") != header {
        return Err(at(1, format!("expected the header `{header}` (the file lwsim writes)")));
    }
    let name = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| {
            row.map_err(|e| {
                let line = e.position().map_or(i as u64 + 2, csv::Position::line);
                let reason = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => {
                        match err.field().and_then(|f| columns.get(f as usize)) {
                            Some(column) => format!("column `{column}`: {}", err.kind()),
                            None => err.kind().to_string(),
                        }
                    }
                    _ => e.to_string(),
                };
                at(line, format!("expected a row of {name}: {reason}"))
            })
        })
        .collect()
}

/// One scenario's results folder (of `lwsim run`) as the scenario and comparison pages read it
/// back, each file through the type that writes it.
#[derive(Debug, Clone)]
pub struct RunFolder {
    /// The folder.
    pub dir: PathBuf,
    /// scenario.resolved.toml's text.
    pub resolved: String,
    /// The resolved scenario, as read (not checked again).
    pub scenario: RawScenario,
    /// summary.json.
    pub summary: SummaryFile,
    /// run.json; its defaults where the file is missing or not lwsim's ([`RunInfo::read`]).
    pub run: RunInfo,
    /// monthly.csv, as the charts take it (colour 0, the scenario's name).
    pub monthly: Monthly,
}

impl RunFolder {
    /// Read the results in `dir`. `refuse(what)` makes the error for a file that is missing or
    /// not lwsim's, `what` saying which and why ("no summary.json").
    ///
    /// # Errors
    /// `refuse`'s, when summary.json, scenario.resolved.toml or monthly.csv is missing, or the
    /// first two do not read as lwsim's; [`read_rows`]' for monthly.csv; `Input` when a file
    /// cannot be read.
    pub fn read(dir: &Path, refuse: &dyn Fn(&str) -> Error) -> Result<RunFolder, Error> {
        for file in ["summary.json", "scenario.resolved.toml", "monthly.csv"] {
            if !dir.join(file).is_file() {
                return Err(refuse(&format!("no {file}")));
            }
        }
        let summary: SummaryFile = serde_json::from_str(&read_text(&dir.join("summary.json"))?)
            .map_err(|e| refuse(&format!("summary.json is not lwsim's summary ({e})")))?;
        let resolved = read_text(&dir.join("scenario.resolved.toml"))?;
        let scenario: RawScenario =
            toml::from_str(&resolved).map_err(|e| refuse(&format!("scenario.resolved.toml: {e}")))?;
        let rows: Vec<MonthlyRow> = read_rows(&dir.join("monthly.csv"))?;
        let monthly = chart_data(&scenario.name, summary.replicates, 0, &rows);
        Ok(RunFolder {
            dir: dir.to_path_buf(),
            resolved,
            run: RunInfo::read(dir).unwrap_or_default(),
            scenario,
            summary,
            monthly,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::ComparisonRow;

    #[test]
    fn rows_read_back_as_they_were_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("monthly.csv");
        let rows = vec![MonthlyRow {
            month: 3,
            measure: "integration_rate",
            mean: 0.1,
            sd: f64::NAN,
            p05: 2.8e-15,
            p50: 1e-300,
            p95: 1e16,
        }];
        std::fs::write(&path, csv_bytes(&rows)).unwrap();
        let back: Vec<MonthlyRow> = read_rows(&path).unwrap();
        // Debug shows every double exactly, and NaN (the empty field) as NaN.
        assert_eq!(format!("{back:?}"), format!("{rows:?}"));
    }

    #[test]
    fn a_header_or_row_that_is_not_the_structs_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("effects.csv");
        let refused = |text: &str| {
            std::fs::write(&path, text).unwrap();
            read_rows::<ComparisonRow>(&path).unwrap_err().to_string()
        };
        let e = refused("garbage,,\n");
        assert!(
            e.contains("effects.csv:1: expected the header `scenario,measure,mean,p05,p95`"),
            "{e}"
        );
        // effects.csv's own row has the mean's standard error and confidence interval too.
        std::fs::write(&path, "scenario,measure,mean,p05,p95\n").unwrap();
        let e = read_rows::<crate::output::EffectRow>(&path).unwrap_err().to_string();
        assert!(
            e.contains("effects.csv:1: expected the header `scenario,measure,mean,p05,p95,se,mean_lo,mean_hi`"),
            "{e}"
        );
        let e = refused("scenario,measure,mean,p05,p95\nbase,share_connected,1,2,3\nbase,nonsense,1,2,3\n");
        assert!(
            e.contains(
                "effects.csv:3: expected a row of effects.csv: expected a headline figure's name, found `nonsense`"
            ),
            "{e}"
        );
        let e = refused("scenario,measure,mean,p05,p95\nbase,share_connected,x,2,3\n");
        assert!(
            e.contains(
                "effects.csv:2: expected a row of effects.csv: expected a number or an empty field, found \"x\""
            ),
            "{e}"
        );
        // The csv crate's own errors name the column.
        let path = dir.path().join("monthly.csv");
        std::fs::write(
            &path,
            "month,measure,mean,sd,p05,p50,p95\nx,integration_rate,1,1,1,1,1\n",
        )
        .unwrap();
        let e = read_rows::<MonthlyRow>(&path).unwrap_err().to_string();
        assert!(
            e.contains("monthly.csv:2: expected a row of monthly.csv: column `month`: "),
            "{e}"
        );
    }
}
