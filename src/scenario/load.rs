//! Reading scenario files: syntax, unknown keys, types, `extends`, `--set` and ranges.
//!
//! Each problem is reported with the file, line and column of the offending key or value, the
//! dotted key, and what was expected. This is the only place scenario text is read; everything
//! after it works on a checked [`Scenario`]: the text becomes a TOML table (the files of an
//! `extends` chain merged, then `--set`), the table a [`RawScenario`], and
//! [`RawScenario::check`] the `Scenario`.

use super::params::{self, children, is_table, spec};
use super::{RawScenario, Scenario};
use crate::error::{InputError, Problem};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Most files one `extends` chain may name.
const MAX_EXTENDS_DEPTH: usize = 32;
/// Largest scenario file read (bytes); real ones are a few kilobytes.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// One file of an `extends` chain, with its text and its table.
struct Source {
    path: PathBuf,
    text: String,
    table: toml::Table,
}

/// The path that names standard input.
pub const STDIN: &str = "-";

/// Read a file as UTF-8 text, with errors naming it. The file is read once, as a stream, so
/// standard input (`-`, or `/dev/stdin`), pipes and FIFOs work like files; at most
/// 1 MiB is read.
///
/// # Errors
/// A missing or unreadable file, a directory, a file over 1 MiB, text that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let cannot = |e: std::io::Error| InputError::at(&shown, None, format!("cannot read file: {}", io_reason(&e)));
    let mut bytes = Vec::new();
    if path == Path::new(STDIN) {
        std::io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
    } else {
        let meta = std::fs::metadata(path).map_err(cannot)?;
        if meta.is_dir() {
            return Err(InputError::at(
                &shown,
                None,
                "expected a file, found a directory".into(),
            ));
        }
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(cannot)?;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(InputError::at(
            &shown,
            None,
            format!("expected a scenario file of at most {MAX_FILE_BYTES} bytes, found more"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col_bytes(e.as_bytes(), e.utf8_error().valid_up_to());
        InputError::at(
            &format!("{shown}:{line}:{col}"),
            None,
            "expected UTF-8 text (is this a TOML file?)".into(),
        )
    })
}

pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Load a scenario file, following `extends`, then apply `--set KEY=VALUE` overrides.
///
/// # Errors
/// Every problem with the file, the files it extends and the overrides, located by file, line,
/// column and dotted key.
pub fn load(path: &Path, sets: &[String]) -> Result<Scenario, InputError> {
    let sets: Vec<(&str, &str)> = sets.iter().map(|s| ("--set", s.as_str())).collect();
    load_text(path, read_text(path)?, &sets)
}

/// [`load`] with the named file's text already read (each input is read once: standard input
/// and pipes can be read only once), and each override with the flag it came from
/// (`("--set", "practices.count=7")`, `("--replicates", "simulation.replicates=0")`), which
/// messages name.
///
/// # Errors
/// As [`load`].
pub fn load_text(path: &Path, text: String, sets: &[(&str, &str)]) -> Result<Scenario, InputError> {
    load_chain(read_chain(path, text, None)?, sets)
}

/// [`load_text`] for text from someone who may read only the files in the folder `root` (the
/// explorer's `--scenarios`): `extends` may name only files inside `root` (after symbolic links
/// are followed), and nothing else is read. `path` names the text in messages and is where a
/// relative `extends` starts from (a file in `root`, which need not exist).
///
/// # Errors
/// As [`load`]; and an `extends` that leaves `root`, which is not read.
pub fn load_text_within(path: &Path, text: String, sets: &[(&str, &str)], root: &Path) -> Result<Scenario, InputError> {
    let root = root.canonicalize().map_err(|e| {
        InputError::at(
            &root.display().to_string(),
            None,
            format!("cannot read the scenarios folder: {}", io_reason(&e)),
        )
    })?;
    load_chain(read_chain(path, text, Some(&root))?, sets)
}

/// Merge a chain of files, apply the overrides and check the result.
fn load_chain(chain: Vec<Source>, sets: &[(&str, &str)]) -> Result<Scenario, InputError> {
    // Merge from the base-most file to the named one.
    let mut merged = toml::Table::new();
    for source in chain.iter().rev() {
        merge(&mut merged, source.table.clone());
    }
    merged.remove("extends");
    let mut set_keys: Vec<(String, &str)> = Vec::new();
    for (origin, set) in sets {
        let (key, value) = parse_set(origin, set)?;
        insert(&mut merged, &key, value);
        set_keys.push((key, origin));
    }
    let mut explicit = leaf_keys(&merged);
    explicit.sort();
    let mut raw: RawScenario = merged
        .try_into()
        .map_err(|e: toml::de::Error| InputError::at("--set", None, clean_message(e.message())))?;
    raw.explicit = explicit;
    let problems = match raw.check() {
        Ok(scenario) => return Ok(scenario),
        Err(problems) => problems,
    };
    let problems = problems
        .into_iter()
        .map(|(key, message)| {
            let location = match set_keys.iter().rev().find(|(k, _)| *k == key) {
                Some((_, origin)) => origin.to_string(),
                None => locate(&chain, &key),
            };
            Problem {
                location,
                key: Some(key),
                message,
            }
        })
        .collect();
    Err(InputError { problems })
}

/// Check the named file (its text given) and read and check every file its `extends` names.
/// With `within`, only files inside that (canonical) folder are read.
fn read_chain(path: &Path, text: String, within: Option<&Path>) -> Result<Vec<Source>, InputError> {
    let mut chain: Vec<Source> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = Some(path.to_path_buf());
    let mut first = Some(text);
    while let Some(path) = next.take() {
        let text = match first.take() {
            Some(text) => text,
            None => read_text(&path)?,
        };
        let (extends, table) = check_text(&path.display().to_string(), &text)?;
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        seen.push(canonical);
        if let Some((target, span)) = extends {
            let resolved = path.parent().unwrap_or(Path::new(".")).join(&target);
            let at = location(&path.display().to_string(), &text, span.start);
            // Within a folder, a file outside it and a missing file get the same answer: the
            // message says nothing about what exists elsewhere.
            if let Some(root) = within
                && !resolved
                    .canonicalize()
                    .is_ok_and(|c| c.starts_with(root) && c.is_file())
            {
                return Err(InputError::at(
                    &at,
                    Some("extends"),
                    format!(
                        "cannot extend {target:?}: expected the name of a file in the scenarios folder (no other file is read here)"
                    ),
                ));
            }
            let canonical = resolved.canonicalize().map_err(|e| {
                let from_stdin = if path == Path::new(STDIN) {
                    " (read from standard input, `extends` is relative to the working folder)"
                } else {
                    ""
                };
                InputError::at(
                    &at,
                    Some("extends"),
                    format!("cannot read {}: {}{from_stdin}", resolved.display(), io_reason(&e)),
                )
            })?;
            if seen.contains(&canonical) {
                return Err(InputError::at(
                    &at,
                    Some("extends"),
                    format!("extends {} again: `extends` must not form a cycle", resolved.display()),
                ));
            }
            if seen.len() >= MAX_EXTENDS_DEPTH {
                return Err(InputError::at(
                    &at,
                    Some("extends"),
                    format!("expected at most {MAX_EXTENDS_DEPTH} files in an extends chain"),
                ));
            }
            next = Some(resolved);
        }
        chain.push(Source { path, text, table });
    }
    Ok(chain)
}

/// The file's `extends` target with its span, if any.
type Extends = Option<(String, std::ops::Range<usize>)>;

/// Check one file's syntax, keys and types; return its `extends` target (with the target's
/// span) and its table.
fn check_text(file: &str, text: &str) -> Result<(Extends, toml::Table), InputError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(file.to_string(), |s| location(file, text, s.start));
        InputError::at(&at, None, format!("malformed TOML: {}", first_line(e.message())))
    })?;
    let mut problems = Vec::new();
    unknown_keys(doc.get_ref(), "", file, text, &mut problems);
    if !problems.is_empty() {
        // Every unknown key, in the file's order.
        problems.sort_by_key(|(pos, _)| *pos);
        return Err(InputError {
            problems: problems.into_iter().map(|(_, p)| p).collect(),
        });
    }
    // Types: every value of the wrong type, with its span and path.
    parse_toml::<RawScenario>(file, text)?;
    // A value serde took that a TOML table cannot hold (an integer beyond 64-bit signed).
    let table: toml::Table = parse_toml(file, text)?;
    let extends = doc.get_ref().get("extends").and_then(|v| match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), v.span())),
        _ => None,
    });
    Ok((extends, table))
}

/// Collect every key that is not a scenario key, with the nearest valid names.
fn unknown_keys(table: &DeTable<'_>, prefix: &str, file: &str, text: &str, out: &mut Vec<(usize, Problem)>) {
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let dotted = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        if is_table(&dotted) {
            match value.get_ref() {
                DeValue::Table(inner) => unknown_keys(inner, &dotted, file, text, out),
                DeValue::Array(_) => {
                    let start = key.span().start;
                    out.push((
                        start,
                        Problem {
                            location: location(file, text, start),
                            key: Some(dotted.clone()),
                            message: format!(
                                "expected one table [{dotted}], found an array (`[[{dotted}]]` makes an array of tables)"
                            ),
                        },
                    ));
                }
                _ => {} // another non-table here is a type error, reported by serde
            }
            continue;
        }
        if spec(&dotted).is_some() || dotted == "extends" {
            continue;
        }
        let valid = children(prefix);
        let all: Vec<String> = valid.iter().map(|v| format!("`{v}`")).collect();
        // The name of a key of another section (`annual_cut` under [practices]): name that key.
        let elsewhere: Vec<&str> = params::SPECS
            .iter()
            .map(|s| s.key)
            .filter(|k| k.rsplit('.').next() == Some(name))
            .collect();
        let hint = if elsewhere.is_empty() {
            params::did_you_mean(
                &params::suggest(name, valid.iter().copied(), 0.7),
                &format!("valid keys here: {}", all.join(", ")),
            )
        } else {
            let keys: Vec<String> = elsewhere.iter().map(|k| format!("`{k}`")).collect();
            let under = match elsewhere.as_slice() {
                [one] => format!(
                    " (in a file, under [{}])",
                    one.rsplit_once('.').map_or("", |(section, _)| section)
                ),
                _ => String::new(),
            };
            format!("`{name}` is a key of another section: {}{under}", keys.join(" or "))
        };
        let place = if prefix.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in [{prefix}]")
        };
        let start = key.span().start;
        out.push((
            start,
            Problem {
                location: location(file, text, start),
                key: Some(dotted),
                message: format!("unknown key {place}; {hint}"),
            },
        ));
    }
}

/// Most values of the wrong type one file reports at once.
const MAX_TYPE_PROBLEMS: usize = 20;

/// Parse TOML text into `T`, reporting a syntax error or the values of the wrong type with the
/// file, line and column, and the dotted key: the one way lwsim reads a typed TOML file.
///
/// Every value of the wrong type is reported, not only the first (up to 20): after each, its
/// entry is blanked out ([`blank_entry`]) and the text read again, so a user fixes a file in one
/// pass. A later error that the blanking itself causes (a required key now missing, a line left
/// malformed) is not reported.
///
/// # Errors
/// Malformed TOML (located at the error's start), or the values serde cannot read as `T`
/// (each located, with its dotted key and what was expected, in plain words).
pub fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, InputError> {
    let mut problems = Vec::new();
    let mut current = std::borrow::Cow::Borrowed(text);
    loop {
        let deserializer = match toml::Deserializer::parse(&current) {
            Ok(d) => d,
            Err(e) if problems.is_empty() => {
                let at = e.span().map_or(file.to_string(), |s| location(file, text, s.start));
                return Err(InputError::at(
                    &at,
                    None,
                    format!("malformed TOML: {}", first_line(e.message())),
                ));
            }
            Err(_) => break,
        };
        let e = match serde_path_to_error::deserialize(deserializer) {
            Ok(value) if problems.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(e) => e,
        };
        let key = counted_from_one(e.path());
        let inner = e.into_inner();
        if !problems.is_empty() && inner.message().contains("missing field") {
            break;
        }
        // Blanking keeps every byte's position, so spans index the original text too.
        let at = inner.span().map_or(file.to_string(), |s| location(file, text, s.start));
        let key = (!key.is_empty() && key != ".").then_some(key);
        let literal = inner.span().and_then(|s| current.get(s)).unwrap_or("").trim();
        problems.push(Problem {
            location: at,
            key,
            message: describe(inner.message(), literal),
        });
        match inner.span().and_then(|s| blank_entry(&current, s)) {
            Some(next) if problems.len() < MAX_TYPE_PROBLEMS => current = std::borrow::Cow::Owned(next),
            _ => break,
        }
    }
    Err(InputError { problems })
}

/// A value's key path as people count: `parameter[2].values[1]` for the first value of the
/// second `[[parameter]]` (serde counts from 0; lwsim's own messages, and a reader, from 1).
fn counted_from_one(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        let name = match segment {
            Segment::Seq { index } => {
                out.push_str(&format!("[{}]", index + 1));
                continue;
            }
            Segment::Map { key } => key.as_str(),
            Segment::Enum { variant } => variant.as_str(),
            Segment::Unknown => "?",
        };
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(name);
    }
    out
}

/// `text` with the entry whose value spans `span` blanked out: every character from the start
/// of the value's first line to the value's end replaced by spaces of the same byte length
/// (line breaks kept), so every other position in the text stays where it was. `None` when
/// there is nothing left to blank.
fn blank_entry(text: &str, span: std::ops::Range<usize>) -> Option<String> {
    let end = span.end.min(text.len());
    let start = text.get(..span.start.min(end))?.rfind('\n').map_or(0, |i| i + 1);
    let entry = text.get(start..end)?;
    if entry.trim().is_empty() {
        return None;
    }
    let blank: String = entry
        .chars()
        .flat_map(|c| {
            let n = if matches!(c, '\n' | '\r') { 0 } else { c.len_utf8() };
            std::iter::repeat_n(' ', n).chain((n == 0).then_some(c))
        })
        .collect();
    Some(format!("{}{blank}{}", &text[..start], &text[end..]))
}

/// Serde's message for a value of the wrong type, in plain words, naming what the user wrote
/// where the message's own words would mislead (a date is not a "map"; `[[x]]` is an array of
/// tables; a number past TOML's 64-bit integers is not a "u64" problem).
fn describe(message: &str, literal: &str) -> String {
    let m = clean_message(message);
    let expected = m
        .strip_prefix("expected ")
        .and_then(|r| r.split_once(", found "))
        .map(|(e, _)| e.to_string());
    // An integer literal, all digits: the only text serde may report as a string when it is too
    // large for TOML's 64-bit integers.
    let digits = literal.trim_start_matches(['+', '-']);
    let is_number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if message.contains("too large")
        || message.contains("overflow")
        || message.contains("i128")
        || (is_number && m.contains("found string"))
    {
        return format!(
            "expected a number TOML can hold (integers from -9223372036854775808 to 9223372036854775807), found {literal}"
        );
    }
    // TOML's dates and times reach serde as maps; so do inline tables.
    let date_like = literal.starts_with(|c: char| c.is_ascii_digit())
        && literal.contains(['-', ':'])
        && literal.bytes().all(|b| b.is_ascii_digit() || b"-:.TZ+ ".contains(&b));
    let found = if m.contains("found string") && date_like {
        Some(format!("a date or time `{literal}`"))
    } else if m.contains("found map") && literal.starts_with('{') {
        Some(format!("an inline table `{}`", first_line(literal)))
    } else if m.contains("found map") && literal.starts_with(|c: char| c.is_ascii_digit()) {
        Some(format!("a date or time `{literal}`"))
    } else if literal.starts_with("[[")
        || (m.contains("found a sequence") || m.contains("found sequence")) && literal.starts_with('[')
    {
        Some(if literal.starts_with("[[") {
            format!("an array of tables `{}`", first_line(literal))
        } else {
            format!("an array `{}`", first_line(literal))
        })
    } else {
        None
    };
    match (expected, found) {
        (Some(e), Some(f)) => format!("expected {e}, found {f}"),
        _ => m,
    }
}

/// Where a key was set: the nearest file in the chain that sets it, or the named file when the
/// key has its default value (a check between two keys may fault the one not set).
fn locate(chain: &[Source], key: &str) -> String {
    for source in chain {
        let file = source.path.display().to_string();
        let Ok(doc) = DeTable::parse(&source.text) else {
            continue;
        };
        let mut table = doc.get_ref();
        let mut parts = key.split('.').peekable();
        while let Some(part) = parts.next() {
            let Some(value) = table.get(part) else { break };
            if parts.peek().is_none() {
                return location(&file, &source.text, value.span().start);
            }
            match value.get_ref() {
                DeValue::Table(inner) => table = inner,
                _ => break,
            }
        }
    }
    // Not set in any file: the default applies, in the scenario named.
    chain.first().map_or("(default)".to_string(), |s| {
        format!("{} (the default value)", s.path.display())
    })
}

/// Split `KEY=VALUE`, check the key, and parse VALUE as a TOML value (a bare word that is not
/// a number is a string). `origin` is the flag the override came from, for messages.
fn parse_set(origin: &str, set: &str) -> Result<(String, toml::Value), InputError> {
    let Some((key, raw)) = set.split_once('=') else {
        return Err(InputError::at(
            origin,
            None,
            format!("expected KEY=VALUE, found {set:?}"),
        ));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(InputError::at(
            origin,
            None,
            format!("expected a key before '=', found {set:?}"),
        ));
    }
    if key == "extends" {
        return Err(InputError::at(
            origin,
            Some(key),
            "`extends` names a file to build on and can be set only in a scenario file, not with --set".into(),
        ));
    }
    if spec(key).is_none() {
        let hint = params::did_you_mean(
            &params::suggest(key, params::SPECS.iter().map(|s| s.key), 0.8),
            "`lwsim keys` lists every key",
        );
        return Err(InputError::at(origin, Some(key), format!("unknown key; {hint}")));
    }
    let raw = raw.trim();
    let number_like = raw
        .trim_start_matches(['+', '-'])
        .starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let value = match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t.remove("v").expect("parsed one key"),
        Err(e) if number_like => {
            let m = e.message();
            let bare = raw.trim_start_matches(['+', '-']);
            let why = if bare.starts_with('.')
                || bare.ends_with('.')
                || raw.contains(".e")
                || raw.contains(".E")
                || raw.contains(',')
            {
                "a number as TOML writes it: a digit on both sides of a decimal point (0.1, not .1 or 5.) and no comma"
                    .to_string()
            } else if raw.contains(['.', 'e', 'E']) {
                "a finite number (a double holds up to about 1.8e308)".to_string()
            } else if m.contains("too large")
                || m.contains("overflow")
                || raw.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+')
            {
                "a number TOML can hold (integers from -9223372036854775808 to 9223372036854775807)".to_string()
            } else {
                "a number (such as 12, 0.5 or 1e3; no units or % sign)".to_string()
            };
            return Err(InputError::at(
                origin,
                Some(key),
                format!("expected {why}, found {raw}"),
            ));
        }
        Err(_) if !raw.contains(['"', '\'', '[', '{', '=']) && !raw.is_empty() => toml::Value::String(raw.to_string()),
        Err(_) => {
            return Err(InputError::at(
                origin,
                Some(key),
                format!("expected a TOML value, found {raw:?}"),
            ));
        }
    };
    // Type check this one key alone so that the message names it.
    let mut alone = toml::Table::new();
    insert(&mut alone, key, value.clone());
    if let Err(e) = alone.try_into::<RawScenario>() {
        return Err(InputError::at(origin, Some(key), describe(e.message(), raw)));
    }
    Ok((key.to_string(), value))
}

pub(crate) fn insert(table: &mut toml::Table, key: &str, value: toml::Value) {
    let (parents, leaf) = key.rsplit_once('.').map_or((None, key), |(p, l)| (Some(p), l));
    let mut t = table;
    for part in parents.into_iter().flat_map(|p| p.split('.')) {
        let entry = t
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        t = entry.as_table_mut().expect("made a table");
    }
    t.insert(leaf.to_string(), value);
}

/// Every value (not table) in `table`, below `prefix`, as (dotted name, value), in the table's
/// order.
pub(crate) fn leaves(table: &toml::Table, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
    for (key, value) in table {
        let dotted = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(t) => leaves(t, &dotted, out),
            _ => out.push((dotted, value.clone())),
        }
    }
}

/// The dotted names of every value (not table) in `table` (`leaves`' names), in the table's
/// order: `[a] b = 1` gives `a.b`.
pub fn leaf_keys(table: &toml::Table) -> Vec<String> {
    let mut out = Vec::new();
    leaves(table, "", &mut out);
    out.into_iter().map(|(key, _)| key).collect()
}

/// Deep-merge `over` into `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

pub(crate) fn location(file: &str, text: &str, offset: usize) -> String {
    let (line, col) = line_col_bytes(text.as_bytes(), offset);
    format!("{file}:{line}:{col}")
}

fn line_col_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, col)
}

pub(crate) fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

/// Serde's type errors in plain words: "expected a whole number, found a decimal number `1.5`".
pub(crate) fn clean_message(message: &str) -> String {
    let m = first_line(message);
    let m = m
        .strip_prefix("invalid type: ")
        .map(|rest| match rest.split_once(", expected ") {
            Some((found, expected)) => format!(
                "expected {}, found {}",
                plain_type(expected),
                found.replace("floating point", "decimal number")
            ),
            None => rest.to_string(),
        });
    let m = m.unwrap_or_else(|| first_line(message).to_string());
    if m.starts_with("invalid value: integer")
        && let Some((found, expected)) = m.trim_start_matches("invalid value: ").split_once(", expected ")
    {
        let number = found.trim_start_matches("integer ").trim_matches('`');
        let most = match expected {
            "u8" => Some(u64::from(u8::MAX)),
            "u16" => Some(u64::from(u16::MAX)),
            "u32" => Some(u64::from(u32::MAX)),
            _ => None,
        };
        return match most {
            Some(most) if !number.starts_with('-') => {
                format!("expected a whole number of at most {most}, found {number}")
            }
            _ => format!("expected {}, found {}", plain_type(expected), found),
        };
    }
    m
}

fn plain_type(expected: &str) -> String {
    match expected {
        "u32" | "u64" | "usize" | "u16" | "u8" => "a whole number (not negative, no decimal point)".into(),
        "f64" | "f32" => "a number".into(),
        "a string" => "a string in quotes".into(),
        other if other.starts_with("struct ") => "a table".into(),
        other => other.to_string(),
    }
}

/// A scenario with some keys set to new values and checked, like `--set`: a sweep's points, a
/// seek's and a dose-response curve's lever values. `base` may be raw (a checked scenario
/// changed in code) or checked; each value is converted to its field's type as a file's would be
/// and set on the field ([`params::Spec::write`]), and the keys set join `explicit`.
///
/// # Errors
/// The first problem, as (dotted key, what was expected): a key that is not a scenario key, a
/// value of the wrong type, or the first problem [`RawScenario::check`] finds.
pub fn with_values(base: &RawScenario, values: &[(&str, toml::Value)]) -> Result<Scenario, (String, String)> {
    let mut scenario = base.clone();
    for (key, value) in values {
        let Some(spec) = spec(key) else {
            return Err((key.to_string(), "unknown key".into()));
        };
        spec.write(&mut scenario, value.clone())
            .map_err(|e| (key.to_string(), clean_message(e.message())))?;
        if !scenario.explicit.iter().any(|e| e == key) {
            scenario.explicit.push(key.to_string());
        }
    }
    scenario.explicit.sort();
    scenario.check_first()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number TOML does not write that way is told how it does; only a value past a double's
    /// range is told about the range (`.1` was told "a double holds up to about 1.8e308").
    #[test]
    fn a_malformed_number_in_set_is_told_how_toml_writes_numbers() {
        let toml_form = "expected a number as TOML writes it: a digit on both sides of a decimal point (0.1, not .1 or 5.) and no comma";
        for raw in [".1", "5.", "0.1,", "0,1", "-.5", "1.e3"] {
            let e = parse_set("--set", &format!("funding.annual_cut={raw}")).unwrap_err();
            assert!(e.to_string().contains(toml_form), "{raw}: {e}");
        }
        let e = parse_set("--set", "funding.annual_cut=1e999").unwrap_err();
        assert!(e.to_string().contains("a double holds up to about 1.8e308"), "{e}");
    }

    #[test]
    fn blanking_an_entry_keeps_every_other_position() {
        let text = "a = 1\nb = \"é\"\nc = [1,\n  2]\n";
        let value = text.find("\"é\"").unwrap();
        let blanked = blank_entry(text, value..value + "\"é\"".len()).unwrap();
        assert_eq!(blanked, "a = 1\n        \nc = [1,\n  2]\n");
        assert_eq!(blanked.len(), text.len());
        // A value over several lines keeps its line breaks.
        let array = text.find('[').unwrap();
        let blanked = blank_entry(text, array..text.len() - 1).unwrap();
        assert_eq!(blanked, "a = 1\nb = \"é\"\n       \n    \n");
        // Nothing left to blank.
        assert_eq!(blank_entry("   \n", 0..3), None);
    }

    #[test]
    fn every_value_of_the_wrong_type_is_reported() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: Option<u32>,
            b: Option<f64>,
            c: Option<String>,
        }
        let e = parse_toml::<T>("f.toml", "a = \"x\"\nb = 2.5\nc = 3\n").unwrap_err();
        let shown: Vec<String> = e
            .problems
            .iter()
            .map(|p| format!("{} {:?}", p.location, p.key))
            .collect();
        assert_eq!(shown, ["f.toml:1:5 Some(\"a\")", "f.toml:3:5 Some(\"c\")"]);
        // A syntax error is reported alone.
        let e = parse_toml::<T>("f.toml", "a = \n").unwrap_err();
        assert_eq!(e.problems.len(), 1);
        assert!(e.problems[0].message.starts_with("malformed TOML"), "{e:?}");
    }
}
