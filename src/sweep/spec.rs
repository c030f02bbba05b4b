//! Sweep files: reading and checking them, and the design they describe.
//!
//! A sweep names a base scenario, a design, the parameters it varies (any numeric scenario key)
//! and the outcomes it reports (summary.json names). Problems are reported like scenario
//! problems: file, line, column, key, what was expected.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};

use super::design::{self, Range};
use crate::error::InputError;
use crate::rng;
use crate::scenario::load::{self, location, read_text};
use crate::scenario::params::{self, Kind};
use crate::scenario::{RawScenario, Scenario};
use crate::summary::HEADLINE_NAMES;

/// Most points a sweep may have (a documented limit, checked before anything runs).
pub const MAX_POINTS: usize = 10_000_000;
/// Most bootstrap resamples for the confidence intervals of Morris and Sobol indices (SALib's
/// default is 100, lwsim's 200).
pub const MAX_RESAMPLES: u32 = 10_000;
/// Fewest bootstrap resamples: an interval's width is itself estimated from them.
pub const MIN_RESAMPLES: u32 = 10;
/// Smallest Sobol base size (a power of two): below it the bootstrap has too few rows to mean
/// anything.
pub const MIN_SOBOL_SAMPLES: u32 = 8;
/// Fewest Morris trajectories: sigma and the bootstrap need at least two effects per parameter.
pub const MIN_MORRIS_TRAJECTORIES: u32 = 2;
/// Keys a sweep sets itself at every point, which a `[[parameter]]` may not vary: the run keys
/// ([`params::RUN_KEYS`]).
const SET_BY_SWEEP: [&str; 3] = params::RUN_KEYS;

/// A sweep's design (docs/SWEEPS.md, "Designs"), as `design = "..."` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DesignKind {
    /// Every combination of the parameters' values.
    Grid,
    /// A Latin hypercube of `samples` points.
    Lhs,
    /// Morris screening: `samples` trajectories of k + 1 points.
    Morris,
    /// Sobol indices: Saltelli's `samples` x (k + 2) rows on a scrambled Sobol sequence.
    Sobol,
}

/// A sweep file as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// The sweep's name; it names the output directory `output/<name>/`.
    pub name: String,
    /// The base scenario file, relative to the sweep file.
    pub scenario: String,
    /// Replicates at every point (default 10).
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    /// The sweep's base seed (default 0); each point's seed derives from it.
    #[serde(default)]
    pub seed: u64,
    /// The design.
    pub design: DesignKind,
    /// lhs: points; morris: trajectories; sobol: the base size N. Not for a grid.
    #[serde(default)]
    pub samples: Option<u32>,
    /// The summary.json headline figures to analyse [default: all of them].
    #[serde(default)]
    pub outcomes: Option<Vec<String>>,
    /// Morris: grid levels (default 4).
    #[serde(default)]
    pub levels: Option<u32>,
    /// Sobol: bootstrap resamples for the confidence intervals (default 200).
    #[serde(default)]
    pub resamples: Option<u32>,
    /// The `[[parameter]]` tables: the keys the sweep varies.
    #[serde(default, rename = "parameter")]
    pub parameters: Vec<ParameterFile>,
}

fn default_replicates() -> u32 {
    10
}

/// A `[[parameter]]` table of a sweep file, as written: the key and its values or bounds, in the
/// key's unit (docs/SCENARIOS.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterFile {
    /// A numeric scenario key (`params::SPECS`), e.g. `funding.community_budget`.
    pub key: String,
    /// grid: the values, listed.
    #[serde(default)]
    pub values: Option<Vec<f64>>,
    /// The lowest value (a grid with `steps`; lhs, morris and sobol sample from it).
    #[serde(default)]
    pub min: Option<f64>,
    /// The highest value.
    #[serde(default)]
    pub max: Option<f64>,
    /// grid with bounds: how many values, evenly spaced from `min` to `max`.
    #[serde(default)]
    pub steps: Option<u32>,
}

/// A checked sweep: everything needed to run it, merge its shards and analyse it. Written to
/// each output directory as sweep.json, from which `lwsim merge` rebuilds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sweep {
    /// The sweep's name.
    pub name: String,
    /// Rebuilt from `base_toml` when read back (see [`Sweep::from_json`]).
    #[serde(skip)]
    pub base: Scenario,
    /// The base scenario, resolved, as TOML (part of the sweep's identity).
    pub base_toml: String,
    /// Replicates at every point.
    pub replicates: u32,
    /// The base seed.
    pub seed: u64,
    /// The design.
    pub design: DesignKind,
    /// lhs: points; morris: trajectories; sobol: the base size N; 0 for a grid.
    pub samples: u32,
    /// Morris grid levels (the default where unused).
    pub levels: u32,
    /// Bootstrap resamples for the intervals (the default where unused).
    pub resamples: u32,
    /// The keys varied, in the sweep file's order: a point's values are in this order.
    pub keys: Vec<String>,
    /// Whether each key is a whole number (rounded after sampling), parallel to `keys`.
    pub integer: Vec<bool>,
    /// The headline figures analysed, in order.
    pub outcomes: Vec<String>,
    /// The points, in parameter units.
    pub points: Vec<Vec<f64>>,
    /// The points in unit coordinates (morris and sobol; empty otherwise).
    pub unit: Vec<Vec<f64>>,
}

impl Sweep {
    /// Read back a sweep written as JSON (sweep.json's `sweep`).
    ///
    /// # Errors
    /// The JSON is not a sweep, or its base scenario does not parse: the reason, as text.
    pub fn from_json(value: serde_json::Value) -> Result<Sweep, String> {
        let mut sweep: Sweep = serde_json::from_value(value).map_err(|e| e.to_string())?;
        let table: toml::Table = toml::from_str(&sweep.base_toml).map_err(|e| e.to_string())?;
        let mut explicit = crate::scenario::load::leaf_keys(&table);
        explicit.sort();
        let mut base: RawScenario = table.try_into().map_err(|e: toml::de::Error| e.to_string())?;
        // What the resolved base writes out is what it set; keys it draws are commented out.
        base.explicit = explicit;
        sweep.base = base
            .check_first()
            .map_err(|(key, expected)| format!("the base scenario: {key}: {expected}"))?;
        Ok(sweep)
    }

    /// The index of each outcome in [`HEADLINE_NAMES`].
    pub fn outcome_indices(&self) -> Vec<usize> {
        self.outcomes
            .iter()
            .map(|o| crate::summary::headline_index(o).expect("checked"))
            .collect()
    }

    /// A stable fingerprint of everything that decides the sweep's rows (FNV-1a, 64 bits). The
    /// bootstrap's `resamples` shape only the analysis written after the rows, so a sweep whose
    /// analysis failed can be resumed with them corrected.
    pub fn fingerprint(&self) -> String {
        let mut value = serde_json::to_value(self).expect("json");
        if let Some(map) = value.as_object_mut() {
            map.remove("resamples");
        }
        let text = value.to_string();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    /// The scenario of one point: the base with the point's values, its seed derived from
    /// (sweep seed, point) alone, and no per-replicate detail.
    pub fn point_scenario(&self, point: usize) -> Scenario {
        let values: Vec<(&str, toml::Value)> = self
            .keys
            .iter()
            .zip(&self.points[point])
            .zip(&self.integer)
            .map(|((k, v), int)| (k.as_str(), value(*v, *int)))
            .collect();
        load::with_values(&self.base, &values)
            .expect("every point was checked when the sweep was read")
            .with_run(point_seed(self.seed, point as u64), self.replicates, 0)
            .expect("a point's seed has 63 bits, and the replicates were checked when the sweep was read")
    }
}

/// The seed of a sweep point: `splitmix64(splitmix64(seed) ^ point)`, kept to 63 bits. Replicate
/// r of the point then has seed `replicate_seed(point seed, r)`, as in `lwsim run`.
pub fn point_seed(seed: u64, point: u64) -> u64 {
    rng::replicate_seed(seed, point) & (i64::MAX as u64)
}

/// A point's value as the TOML value its key is set to: whole-number keys rounded.
fn value(x: f64, integer: bool) -> toml::Value {
    params::toml_number(if integer { x.round() } else { x }, integer)
}

/// Where a value of the sweep file is, for error messages: `[["parameter", i], "key"]` etc.
fn locate(file: &str, text: &str, parameter: Option<usize>, key: &str) -> String {
    let Ok(doc) = DeTable::parse(text) else {
        return file.to_string();
    };
    let table = match parameter {
        None => Some(doc.get_ref()),
        Some(i) => match doc.get_ref().get("parameter").map(|v| v.get_ref()) {
            Some(DeValue::Array(items)) => items.get(i).and_then(|t| match t.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            }),
            _ => None,
        },
    };
    match table.and_then(|t| t.get(key)) {
        Some(v) => location(file, text, v.span().start),
        None => file.to_string(),
    }
}

/// Read and check a sweep file, and build its design.
///
/// # Errors
/// Every problem with the file, located by file, line, column and key.
pub fn read(path: &Path) -> Result<Sweep, InputError> {
    read_from(path, read_text(path)?)
}

/// [`read`] with the file's text already read (standard input and pipes are read once).
///
/// # Errors
/// As [`read`].
pub fn read_from(path: &Path, text: String) -> Result<Sweep, InputError> {
    let file = path.display().to_string();
    let err = |parameter: Option<usize>, key: &str, shown: &str, msg: String| {
        InputError::at(&locate(&file, &text, parameter, key), Some(shown), msg)
    };
    let raw: SweepFile = load::parse_toml(&file, &text)?;
    if !params::valid_name(&raw.name) {
        return Err(err(
            None,
            "name",
            "name",
            format!(
                "expected a name of letters, digits, '-', '_' or '.' (it names a directory), found {:?}",
                raw.name
            ),
        ));
    }
    let base_path: PathBuf = path.parent().unwrap_or(Path::new(".")).join(&raw.scenario);
    if !base_path.is_file() {
        let what = if base_path.is_dir() {
            "is a directory"
        } else {
            "no such file"
        };
        return Err(err(
            None,
            "scenario",
            "scenario",
            format!("cannot read the base scenario {}: {what}", base_path.display()),
        ));
    }
    let base = load::load(&base_path, &[])?;
    if raw.parameters.is_empty() {
        return Err(err(
            None,
            "design",
            "parameter",
            "expected at least one [[parameter]]".into(),
        ));
    }
    // A sweep's seed and replicates take the values a scenario's do.
    for (field, key, value) in [
        ("seed", "simulation.seed", raw.seed),
        ("replicates", "simulation.replicates", u64::from(raw.replicates)),
    ] {
        let spec = params::spec(key).expect("a scenario key");
        if let Some(message) = spec.problem(params::Number::Whole(value)) {
            return Err(err(None, field, field, message));
        }
    }
    let outcomes = match &raw.outcomes {
        None => HEADLINE_NAMES.iter().map(|s| s.to_string()).collect(),
        Some(list) if list.is_empty() => {
            return Err(err(
                None,
                "outcomes",
                "outcomes",
                "expected at least one outcome".into(),
            ));
        }
        Some(list) => {
            for o in list {
                if !HEADLINE_NAMES.contains(&o.as_str()) {
                    return Err(err(
                        None,
                        "outcomes",
                        "outcomes",
                        format!(
                            "unknown outcome `{o}`; expected summary.json names: {}",
                            HEADLINE_NAMES.join(", ")
                        ),
                    ));
                }
            }
            if let Some((a, o)) = list.iter().enumerate().find(|(a, o)| list[..*a].contains(o)) {
                return Err(err(
                    None,
                    "outcomes",
                    "outcomes",
                    format!(
                        "expected each outcome once, found `{o}` twice (entries {} and {})",
                        list.iter().position(|x| x == o).expect("found") + 1,
                        a + 1
                    ),
                ));
            }
            list.clone()
        }
    };
    let mut keys = Vec::new();
    let mut integer = Vec::new();
    let mut values = Vec::new();
    let mut ranges = Vec::new();
    for (i, p) in raw.parameters.iter().enumerate() {
        let shown = format!("parameter[{}].key", i + 1);
        let Some(spec) = params::spec(&p.key).filter(|s| s.kind != Kind::Text) else {
            let numeric = params::SPECS.iter().filter(|s| s.kind != Kind::Text).map(|s| s.key);
            let hint = params::did_you_mean(&params::suggest(&p.key, numeric, 0.8), "`lwsim keys` lists every key");
            return Err(err(
                Some(i),
                "key",
                &shown,
                format!("unknown or non-numeric scenario key `{}`; {hint}", p.key),
            ));
        };
        if keys.contains(&p.key) {
            return Err(err(Some(i), "key", &shown, format!("`{}` is varied twice", p.key)));
        }
        if SET_BY_SWEEP.contains(&p.key.as_str()) {
            return Err(err(
                Some(i),
                "key",
                &shown,
                format!(
                    "`{}` is set by the sweep itself (its top-level `seed` and `replicates`; each point's seed is derived from the sweep's), so varying it would have no effect",
                    p.key
                ),
            ));
        }
        let is_int = spec.kind == Kind::Int;
        let at = |k: &str| format!("parameter[{}].{k}", i + 1);
        // The values this parameter takes (grid), or its bounds (other designs).
        let list = match (&p.values, p.min, p.max) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(err(
                    Some(i),
                    "values",
                    &at("values"),
                    "expected either `values` or `min` and `max`, not both".into(),
                ));
            }
            (Some(v), None, None) => {
                if v.is_empty() {
                    return Err(err(
                        Some(i),
                        "values",
                        &at("values"),
                        "expected at least one value, found an empty list".into(),
                    ));
                }
                if raw.design != DesignKind::Grid {
                    return Err(err(
                        Some(i),
                        "values",
                        &at("values"),
                        "expected `min` and `max`: only a grid takes a list of values".into(),
                    ));
                }
                if v.len() == 1 {
                    return Err(err(
                        Some(i),
                        "values",
                        &at("values"),
                        format!(
                            "expected at least 2 values, found only {}: a parameter that does not vary is a setting; set it in the base scenario (or with `lwsim run --set`) and leave it out of the sweep",
                            v[0]
                        ),
                    ));
                }
                if let Some((a, _)) = v
                    .iter()
                    .enumerate()
                    .find(|(a, x)| v[..*a].iter().any(|y| y.to_bits() == x.to_bits()))
                {
                    return Err(err(
                        Some(i),
                        "values",
                        &at("values"),
                        format!("expected distinct values, found {} twice", v[a]),
                    ));
                }
                if p.steps.is_some() {
                    return Err(err(
                        Some(i),
                        "steps",
                        &at("steps"),
                        "expected `steps` only with `min` and `max`: a list of values is the grid itself".into(),
                    ));
                }
                v.clone()
            }
            (None, Some(min), Some(max)) => {
                for (field, x) in [("min", min), ("max", max)] {
                    if !x.is_finite() {
                        return Err(err(
                            Some(i),
                            field,
                            &at(field),
                            format!("expected a finite number, found {x:?}"),
                        ));
                    }
                }
                if min > max {
                    return Err(err(
                        Some(i),
                        "max",
                        &at("max"),
                        format!("expected max at least min ({min}), found {max}"),
                    ));
                }
                // A parameter that cannot move is a setting, not a parameter: in Morris and
                // Sobol its index would measure only the model's noise.
                if min == max || (is_int && min.round() == max.round()) {
                    return Err(err(
                        Some(i),
                        "max",
                        &at("max"),
                        format!(
                            "expected max above min ({min}){}, found {max}: a parameter that does not vary is a setting; set it in the base scenario (or with `lwsim run --set`) and leave it out of the sweep",
                            if is_int { " after rounding to whole numbers" } else { "" }
                        ),
                    ));
                }
                ranges.push(Range {
                    min,
                    max,
                    integer: is_int,
                });
                if raw.design == DesignKind::Grid {
                    let Some(steps) = p.steps else {
                        return Err(err(
                            Some(i),
                            "min",
                            &at("steps"),
                            "expected `steps` (at least 2) for a grid over min..max".into(),
                        ));
                    };
                    if steps < 2 {
                        return Err(err(
                            Some(i),
                            "steps",
                            &at("steps"),
                            format!(
                                "expected at least 2 steps (min and max are both values of the grid), found {steps}"
                            ),
                        ));
                    }
                    if steps as usize > MAX_POINTS {
                        return Err(err(
                            Some(i),
                            "steps",
                            &at("steps"),
                            format!("expected at most {MAX_POINTS} steps, found {steps}"),
                        ));
                    }
                    let grid: Vec<f64> = design::linspace(min, max, steps as usize)
                        .into_iter()
                        .map(|x| if is_int { x.round() } else { x })
                        .collect();
                    // Rounded, a whole-number grid can hold a value twice, each with its own
                    // seeds: two "caseload 11" rows differing by chance alone.
                    if let Some(twice) = grid.windows(2).find(|w| w[0] == w[1]) {
                        return Err(err(
                            Some(i),
                            "steps",
                            &at("steps"),
                            format!(
                                "expected steps that round to distinct whole numbers from {} to {} (at most {}), found {steps}: rounded, the grid holds {} twice",
                                params::fmt_num(min),
                                params::fmt_num(max),
                                params::fmt_num((max.round() - min.round() + 1.0).max(1.0)),
                                params::fmt_num(twice[0])
                            ),
                        ));
                    }
                    grid
                } else {
                    if p.steps.is_some() {
                        return Err(err(
                            Some(i),
                            "steps",
                            &at("steps"),
                            format!(
                                "`steps` has no effect with design = \"{}\" (steps: grid; the design samples between min and max)",
                                format!("{:?}", raw.design).to_lowercase()
                            ),
                        ));
                    }
                    vec![min, max]
                }
            }
            _ => {
                return Err(err(
                    Some(i),
                    "key",
                    &shown,
                    "expected `values`, or `min` and `max`".into(),
                ));
            }
        };
        // Every value (or both bounds) must be a valid value of the key: finite, whole for a
        // whole-number key (before it is rounded), and in the key's range.
        for (k, x) in list.iter().enumerate() {
            // A grid over bounds lists the values between them; the ends are min and max.
            let field = match (p.values.is_some(), k) {
                (true, _) => "values",
                (false, 0) => "min",
                _ => "max",
            };
            if !x.is_finite() {
                return Err(err(
                    Some(i),
                    field,
                    &p.key,
                    format!("expected a finite number, found {x:?}"),
                ));
            }
            // A listed value must be whole; bounds are rounded where the design lands.
            let listed = p.values.is_some();
            if is_int && (*x < spec.min || *x > spec.max || (listed && x.fract() != 0.0)) {
                return Err(err(
                    Some(i),
                    field,
                    &p.key,
                    format!(
                        "expected {} in [{}, {}], found {x:?}",
                        if listed { "a whole number" } else { "a value" },
                        params::fmt_num(spec.min),
                        params::fmt_num(spec.max)
                    ),
                ));
            }
            if let Err((_, message)) = load::with_values(&base, &[(p.key.as_str(), value(*x, is_int))]) {
                return Err(err(Some(i), field, &p.key, message));
            }
        }
        keys.push(p.key.clone());
        integer.push(is_int);
        values.push(list);
    }
    let k = keys.len();
    let samples = raw.samples.unwrap_or(0);
    if raw.design != DesignKind::Grid && samples == 0 {
        return Err(err(
            None,
            "design",
            "samples",
            "expected `samples` (at least 1): lhs points, morris trajectories or the sobol base size".into(),
        ));
    }
    if raw.design == DesignKind::Sobol && (samples < MIN_SOBOL_SAMPLES || !samples.is_power_of_two()) {
        return Err(err(
            None,
            "samples",
            "samples",
            format!(
                "expected a power of two, at least {MIN_SOBOL_SAMPLES}, for the sobol base size (a Sobol sequence is balanced only in blocks of 2^m points; 256 or more for indices to trust), found {samples}"
            ),
        ));
    }
    if raw.design == DesignKind::Morris && samples < MIN_MORRIS_TRAJECTORIES {
        return Err(err(
            None,
            "samples",
            "samples",
            format!(
                "expected at least {MIN_MORRIS_TRAJECTORIES} morris trajectories (sigma and the bootstrap interval need several; 20 or more to rank), found {samples}"
            ),
        ));
    }
    // A setting the design does not read is refused, not ignored: the user meant something by it.
    for (field, given, used, whose) in [
        (
            "samples",
            raw.samples.is_some(),
            raw.design != DesignKind::Grid,
            "samples: lhs, morris and sobol; a grid is every combination of the parameters' values",
        ),
        (
            "levels",
            raw.levels.is_some(),
            raw.design == DesignKind::Morris,
            "levels: morris",
        ),
        (
            "resamples",
            raw.resamples.is_some(),
            matches!(raw.design, DesignKind::Morris | DesignKind::Sobol),
            "resamples: morris and sobol",
        ),
    ] {
        if given && !used {
            return Err(err(
                None,
                field,
                field,
                format!(
                    "`{field}` has no effect with design = \"{}\" ({whose})",
                    format!("{:?}", raw.design).to_lowercase()
                ),
            ));
        }
    }
    let levels = raw.levels.unwrap_or(4);
    if raw.design == DesignKind::Morris && !(2..=100).contains(&levels) {
        return Err(err(
            None,
            "levels",
            "levels",
            format!("expected a value in [2, 100], found {levels}"),
        ));
    }
    let resamples = raw.resamples.unwrap_or(200);
    if !(MIN_RESAMPLES..=MAX_RESAMPLES).contains(&resamples) {
        return Err(err(
            None,
            "resamples",
            "resamples",
            format!("expected a value in [{MIN_RESAMPLES}, {MAX_RESAMPLES}] (bootstrap resamples), found {resamples}"),
        ));
    }
    let size: f64 = match raw.design {
        DesignKind::Grid => values.iter().map(|v| v.len() as f64).product(),
        DesignKind::Lhs => f64::from(samples),
        DesignKind::Morris => f64::from(samples) * (k as f64 + 1.0),
        DesignKind::Sobol => f64::from(samples) * (k as f64 + 2.0),
    };
    if size > MAX_POINTS as f64 {
        return Err(err(
            None,
            "design",
            "design",
            format!("expected at most {MAX_POINTS} points, found {size}"),
        ));
    }
    if raw.design == DesignKind::Sobol && (k + 2) * 2 > sobol_burley::NUM_DIMENSIONS as usize {
        return Err(err(
            None,
            "design",
            "parameter",
            format!(
                "expected at most {} parameters for sobol",
                sobol_burley::NUM_DIMENSIONS / 2 - 2
            ),
        ));
    }
    let mut design_rng = rng::generator(rng::splitmix64(raw.seed ^ 0x5EED_DE51_6000_0000));
    let (unit, points) = match raw.design {
        DesignKind::Grid => (Vec::new(), design::grid(&values)),
        DesignKind::Lhs => {
            let u = design::lhs_unit(samples as usize, k, &mut design_rng);
            let p = design::scale(&u, &ranges);
            (Vec::new(), p)
        }
        DesignKind::Morris => {
            let u = design::morris_unit(samples as usize, k, levels as usize, &mut design_rng);
            let p = design::scale(&u, &ranges);
            (u, p)
        }
        DesignKind::Sobol => {
            let u = design::saltelli_unit(samples as usize, k, (raw.seed & 0xFFFF_FFFF) as u32);
            let p = design::scale(&u, &ranges);
            (u, p)
        }
    };
    // An outcome named for a month the runs never reach is undefined at every point (as seek
    // refuses such a goal); the default list, every headline figure, keeps such figures empty.
    let months = crate::summary::months(base.simulation.weeks);
    if raw.outcomes.is_some() && !keys.iter().any(|k| k == "simulation.weeks") {
        for o in &outcomes {
            let month = crate::summary::headline_index(o).and_then(|i| crate::summary::FIGURES[i].month);
            if let Some(month) = month.filter(|&m| m > months) {
                return Err(err(
                    None,
                    "outcomes",
                    "outcomes",
                    format!(
                        "`{o}` is taken at month {month}, but the base scenario runs {} weeks ({months} months), so it would be empty at every point: use integration_rate_end, or set simulation.weeks to {} or more",
                        base.simulation.weeks,
                        crate::observe::month_end_week(month)
                    ),
                ));
            }
        }
    }
    Ok(Sweep {
        name: raw.name.clone(),
        base_toml: base.to_toml(),
        base,
        replicates: raw.replicates,
        seed: raw.seed,
        design: raw.design,
        samples,
        levels,
        resamples,
        keys,
        integer,
        outcomes,
        points,
        unit,
    })
}
