//! A sweep's files and a calibration's, read and written in one place: sweep.json (typed,
//! [`Manifest`]), design.csv, the journal (sweep.partial.csv, renamed sweep.csv when complete),
//! points.csv and sensitivity.csv. Every CSV goes through the csv crate with serde rows; every
//! number is written as `output::number` writes it (shortest round trip, empty when missing),
//! a whole-number key's value as an integer ([`Keys`]). The rest of `sweep` and `calibrate`
//! computes; this module (and `output`'s [`Batch`]) touches the disk.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::spec::Sweep;
use crate::error::{Error, InputError};
use crate::output::{Batch, number};

/// The journal: sweep.csv while the sweep runs, in point order, renamed when every point of the
/// shard is done.
pub const JOURNAL: &str = crate::output::names::JOURNAL;

/// sweep.json: the sweep, its fingerprint, the shard the directory holds, and whether it is
/// complete. Fields in this (alphabetical) order, and the sweep's keys sorted, as the file has
/// always had them.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Manifest<'a> {
    /// Every point of the shard is in sweep.csv (and, for a whole sweep, analysed).
    pub complete: bool,
    /// [`Sweep::fingerprint`] of `sweep`.
    pub fingerprint: String,
    /// The shard's index, 0 to `shards - 1`.
    pub shard: usize,
    /// How many shards the sweep is split into (1: whole).
    pub shards: usize,
    #[serde(serialize_with = "sorted_keys", deserialize_with = "sweep_back")]
    pub sweep: Cow<'a, Sweep>,
}

/// The sweep through a `serde_json::Value`, whose map sorts its keys.
fn sorted_keys<S: Serializer>(sweep: &Sweep, s: S) -> Result<S::Ok, S::Error> {
    serde_json::to_value(sweep)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

/// The sweep read back with [`Sweep::from_json`] (which rebuilds its base scenario).
fn sweep_back<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'static, Sweep>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Sweep::from_json(value)
        .map(Cow::Owned)
        .map_err(serde::de::Error::custom)
}

/// sweep.json's bytes for shard `shard` of `shards` (pretty JSON, a final newline).
pub(super) fn manifest(sweep: &Sweep, shard: usize, shards: usize, complete: bool) -> Vec<u8> {
    let m = Manifest {
        complete,
        fingerprint: sweep.fingerprint(),
        shard,
        shards,
        sweep: Cow::Borrowed(sweep),
    };
    crate::output::json_bytes(&m)
}

/// Does `dir` hold a sweep (a sweep.json)?
pub(super) fn has_manifest(dir: &Path) -> bool {
    dir.join(crate::output::names::SWEEP_JSON).exists()
}

/// Read sweep.json from a directory, the sweep checked against its fingerprint.
///
/// # Errors
/// A file that cannot be read, is not sweep.json as lwsim writes it, or whose sweep does not
/// match its fingerprint (exit 2).
pub(super) fn read_manifest(dir: &Path) -> Result<Manifest<'static>, Error> {
    let path = dir.join(crate::output::names::SWEEP_JSON);
    let at = |message: String| InputError::at(&path.display().to_string(), None, message);
    // Not read_text: sweep.json holds the whole design and may be large.
    let text = std::fs::read_to_string(&path)
        .map_err(|e| at(format!("cannot read: {}", crate::scenario::load::io_reason(&e))))?;
    let m: Manifest =
        serde_json::from_str(&text).map_err(|e| at(format!("expected sweep.json written by lwsim: {e}")))?;
    // The sweep read back must be the one written, to the last bit of every value: the merged
    // files and --resume depend on it.
    if m.fingerprint != m.sweep.fingerprint() {
        return Err(at(format!(
            "the sweep it holds does not match its fingerprint {:?} (the file was edited?); run the sweep again",
            m.fingerprint
        ))
        .into());
    }
    Ok(m)
}

/// A number in a CSV field as `output::number` writes it (empty when NaN), and read back so
/// (empty as NaN).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Num(#[serde(with = "number")] pub f64);

/// One point's values of the swept keys, in the sweep's key order, as consecutive CSV fields: a
/// whole-number key's value as an integer, anything else as [`Num`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Keys<'a> {
    values: &'a [f64],
    integer: &'a [bool],
}

impl<'a> Keys<'a> {
    /// Point `p`'s values.
    pub(crate) fn of(sweep: &'a Sweep, p: usize) -> Keys<'a> {
        Keys {
            values: &sweep.points[p],
            integer: &sweep.integer,
        }
    }
}

impl Serialize for Keys<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.values.len()))?;
        for (&x, &int) in self.values.iter().zip(self.integer) {
            if int && x.is_finite() {
                seq.serialize_element(&(x.round() as i64))?;
            } else {
                seq.serialize_element(&Num(x))?;
            }
        }
        seq.end()
    }
}

/// CSV bytes: a header of `columns`, then `rows` (whose fields may be sequences: a row's
/// [`Keys`] are as many fields as the sweep has keys).
pub(crate) fn csv_with_header<T: Serialize>(
    columns: impl IntoIterator<Item = impl AsRef<[u8]>>,
    rows: impl IntoIterator<Item = T>,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    w.write_record(columns).expect("writing to memory");
    rows_into(w, rows)
}

/// CSV bytes of rows without a header.
fn csv_rows<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    rows_into(
        csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new()),
        rows,
    )
}

fn rows_into<T: Serialize>(mut w: csv::Writer<Vec<u8>>, rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    for row in rows {
        w.serialize(row).expect("rows serialise to memory");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// `point`, then the sweep's keys.
fn key_columns(sweep: &Sweep) -> Vec<String> {
    std::iter::once("point".to_string())
        .chain(sweep.keys.iter().cloned())
        .collect()
}

/// One row of design.csv: a point's keys.
#[derive(Serialize)]
struct DesignRow<'a> {
    point: usize,
    keys: Keys<'a>,
}

/// design.csv: `point`, then each key, one row a point.
pub(super) fn design_csv(sweep: &Sweep) -> Vec<u8> {
    csv_with_header(
        key_columns(sweep),
        (0..sweep.points.len()).map(|p| DesignRow {
            point: p,
            keys: Keys::of(sweep, p),
        }),
    )
}

/// sweep.csv's columns: `point, replicate, seed`, the keys, the outcomes.
fn sweep_columns(sweep: &Sweep) -> Vec<String> {
    let mut cols = vec!["point".to_string(), "replicate".into(), "seed".into()];
    cols.extend(sweep.keys.iter().cloned());
    cols.extend(sweep.outcomes.iter().cloned());
    cols
}

/// One row of sweep.csv: one replicate at one point, written and read back (the journal, and
/// the finished file) through this one declaration.
#[derive(Serialize, Deserialize)]
struct SweepRow<V> {
    point: usize,
    replicate: u32,
    seed: u64,
    /// The point's keys' values, then its outcomes, in the sweep's order: written as
    /// [`Written`], read back as [`ReadBack`].
    values: V,
}

/// A sweep.csv row's values as written: the point's [`Keys`] (a whole-number key as an integer),
/// then the outcomes.
type Written<'a> = (Keys<'a>, Vec<Num>);

/// A sweep.csv row's values as read back: every field a number (keys, then outcomes).
type ReadBack = Vec<Num>;

impl SweepRow<ReadBack> {
    /// The row of `record` if it is one lwsim writes for `sweep`: its point and replicate in
    /// range and a value for every key and outcome.
    fn of(record: &csv::StringRecord, sweep: &Sweep) -> Option<SweepRow<ReadBack>> {
        let row: SweepRow<ReadBack> = record.deserialize(None).ok()?;
        (row.point < sweep.points.len()
            && row.replicate < sweep.replicates
            && row.values.len() == sweep.keys.len() + sweep.outcomes.len())
        .then_some(row)
    }

    /// The row's outcomes (after the keys' values).
    fn outcomes<'r>(&'r self, sweep: &Sweep) -> impl Iterator<Item = f64> + 'r {
        self.values[sweep.keys.len()..].iter().map(|v| v.0)
    }
}

/// One point's rows of sweep.csv, from each replicate's `(seed, outcomes)` in replicate order
/// (the outcomes in the sweep's order).
pub(super) fn point_rows(sweep: &Sweep, p: usize, replicates: impl IntoIterator<Item = (u64, Vec<f64>)>) -> Vec<u8> {
    csv_rows(
        replicates
            .into_iter()
            .zip(0u32..)
            .map(|((seed, outcomes), r)| SweepRow::<Written> {
                point: p,
                replicate: r,
                seed,
                values: (Keys::of(sweep, p), outcomes.into_iter().map(Num).collect()),
            }),
    )
}

/// A reader of a sweep's CSV, its header skipped.
fn reader(path: &Path) -> Result<csv::Reader<File>, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(csv::Reader::from_reader(file))
}

/// The line of a csv error, if it has one.
fn line_of(e: &csv::Error) -> u64 {
    e.position().map_or(0, csv::Position::line)
}

/// "expected a sweep.csv row" at a line of `path`, or the IO error.
fn bad_row(path: &Path, e: Option<csv::Error>, line: u64) -> Error {
    if let Some(e) = e
        && e.is_io_error()
        && let csv::ErrorKind::Io(io) = e.into_kind()
    {
        return Error::io(path, io);
    }
    InputError::at(
        &format!("{}:{line}", path.display()),
        None,
        "expected a sweep.csv row".into(),
    )
    .into()
}

/// Read a directory's sweep.csv (rows in point order), calling `each(point, outcomes)` for every
/// row.
///
/// # Errors
/// sweep.csv cannot be read, or a row is not one lwsim writes for this sweep (exit 2); or
/// `each`'s error.
pub(super) fn read_rows(
    dir: &Path,
    sweep: &Sweep,
    mut each: impl FnMut(usize, &[f64]) -> Result<(), Error>,
) -> Result<(), Error> {
    let path = dir.join(crate::output::names::SWEEP_CSV);
    let mut rows = reader(&path)?;
    let mut record = csv::StringRecord::new();
    let mut outcomes = Vec::with_capacity(sweep.outcomes.len());
    while rows.read_record(&mut record).map_err(|e| {
        let line = line_of(&e);
        bad_row(&path, Some(e), line)
    })? {
        let line = record.position().map_or(0, csv::Position::line);
        let row = SweepRow::of(&record, sweep).ok_or_else(|| bad_row(&path, None, line))?;
        outcomes.clear();
        outcomes.extend(row.outcomes(sweep));
        each(row.point, &outcomes)?;
    }
    Ok(())
}

/// The journal of a running sweep, appended a block of rows at a time.
pub(super) struct Journal {
    path: PathBuf,
    file: File,
}

/// Prepare `dir` to resume a sweep: a sweep.csv left by a run killed between finishing the rows
/// and writing the analysis becomes the journal again. Returns the points the journal already
/// holds complete, in order, and the byte length of that prefix (None: no journal).
///
/// # Errors
/// The rename or reading the journal fails.
pub(super) fn resume(
    dir: &Path,
    sweep: &Sweep,
    mut expected: impl Iterator<Item = usize>,
) -> Result<(usize, Option<u64>), Error> {
    let journal = dir.join(JOURNAL);
    if !journal.exists() && dir.join(crate::output::names::SWEEP_CSV).exists() {
        std::fs::rename(dir.join(crate::output::names::SWEEP_CSV), &journal).map_err(|e| Error::io(&journal, e))?;
    }
    if !journal.exists() {
        return Ok((0, None));
    }
    // A torn last row (no newline) is not counted: rows end in '\n' once written.
    let mut file = File::open(&journal).map_err(|e| Error::io(&journal, e))?;
    let len = file.metadata().map_err(|e| Error::io(&journal, e))?.len();
    let mut last = [0u8];
    if len > 0 {
        file.seek(SeekFrom::Start(len - 1))
            .and_then(|_| file.read_exact(&mut last))
            .and_then(|()| file.rewind())
            .map_err(|e| Error::io(&journal, e))?;
    }
    let whole = |end: u64| end < len || last[0] == b'\n';
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(file);
    let mut record = csv::StringRecord::new();
    let columns = sweep_columns(sweep);
    if !matches!(rows.read_record(&mut record), Ok(true)) || record != columns || !whole(rows.position().byte()) {
        return Ok((0, Some(0)));
    }
    let (mut done, mut good) = (0usize, rows.position().byte());
    let mut current = expected.next();
    let mut replicate = 0u32;
    while let Ok(true) = rows.read_record(&mut record) {
        if !whole(rows.position().byte()) {
            break;
        }
        let Some(row) = SweepRow::of(&record, sweep) else { break };
        if Some(row.point) != current || row.replicate != replicate {
            break;
        }
        replicate += 1;
        if replicate == sweep.replicates {
            done += 1;
            good = rows.position().byte();
            replicate = 0;
            current = expected.next();
        }
    }
    Ok((done, Some(good)))
}

impl Journal {
    /// Open `dir`'s journal: kept to its first `keep` bytes when resuming from a finished prefix
    /// of more than nothing, else started anew with sweep.csv's header.
    ///
    /// # Errors
    /// The file cannot be opened, cut or written.
    pub(super) fn open(dir: &Path, sweep: &Sweep, keep: Option<u64>) -> Result<Journal, Error> {
        let path = dir.join(JOURNAL);
        let io = |e| Error::io(&path, e);
        let file = match keep {
            Some(len) if len > 0 => {
                let f = std::fs::OpenOptions::new().write(true).open(&path).map_err(io)?;
                f.set_len(len).map_err(io)?;
                std::fs::OpenOptions::new().append(true).open(&path).map_err(io)?
            }
            _ => {
                let mut f = File::create(&path).map_err(io)?;
                f.write_all(&csv_rows([sweep_columns(sweep)])).map_err(io)?;
                f
            }
        };
        Ok(Journal { path, file })
    }

    /// Append a block of rows ([`point_rows`]).
    ///
    /// # Errors
    /// The write fails.
    pub(super) fn append(&mut self, rows: &[u8]) -> Result<(), Error> {
        self.file.write_all(rows).map_err(|e| Error::io(&self.path, e))
    }

    /// Make what was appended durable.
    ///
    /// # Errors
    /// The sync fails.
    pub(super) fn sync(&mut self) -> Result<(), Error> {
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))
    }

    /// Close the journal and rename it sweep.csv.
    ///
    /// # Errors
    /// The rename fails.
    pub(super) fn complete(self, dir: &Path) -> Result<(), Error> {
        drop(self.file);
        let to = dir.join(crate::output::names::SWEEP_CSV);
        std::fs::rename(&self.path, &to).map_err(|e| Error::io(to, e))
    }
}

/// Remove a sweep's files that a run writes again from the start (sweep.csv, points.csv,
/// sensitivity.csv); missing ones are fine.
pub(super) fn remove_stale(dir: &Path) {
    for stale in [
        crate::output::names::SWEEP_CSV,
        crate::output::names::POINTS_CSV,
        crate::output::names::SENSITIVITY_CSV,
    ] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
}

/// points.csv, written as the points are summarised (streamed to a temporary file, adopted into
/// the batch that commits the analysis).
pub(super) struct PointsCsv {
    tmp: PathBuf,
    csv: csv::Writer<File>,
}

/// One row of points.csv.
#[derive(Serialize)]
struct PointRow<'a> {
    point: usize,
    keys: Keys<'a>,
    /// Per outcome: mean, sd, p05, p95.
    stats: &'a [[Num; 4]],
}

impl PointsCsv {
    /// Start points.csv in `dir`: `point`, the keys, and per outcome `{o}_mean, {o}_sd, {o}_p05,
    /// {o}_p95`.
    ///
    /// # Errors
    /// The temporary file cannot be created or written.
    pub(super) fn create(dir: &Path, sweep: &Sweep) -> Result<PointsCsv, Error> {
        let tmp = dir.join(format!(".points.csv.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(file);
        let mut cols = key_columns(sweep);
        for o in &sweep.outcomes {
            cols.extend(["mean", "sd", "p05", "p95"].map(|s| format!("{o}_{s}")));
        }
        csv.write_record(&cols).map_err(|e| csv_io(&tmp, e))?;
        Ok(PointsCsv { tmp, csv })
    }

    /// Point `p`'s row: per outcome its mean, sd, p05 and p95 (NaN: undefined).
    ///
    /// # Errors
    /// The write fails.
    pub(super) fn write(&mut self, sweep: &Sweep, p: usize, stats: &[[f64; 4]]) -> Result<(), Error> {
        let stats: Vec<[Num; 4]> = stats.iter().map(|s| s.map(Num)).collect();
        let row = PointRow {
            point: p,
            keys: Keys::of(sweep, p),
            stats: &stats,
        };
        self.csv.serialize(row).map_err(|e| csv_io(&self.tmp, e))
    }

    /// Flush and sync points.csv, to be renamed into place by `batch`.
    ///
    /// # Errors
    /// The flush or sync fails.
    pub(super) fn finish(self, dir: &Path, batch: &mut Batch) -> Result<(), Error> {
        let file = self
            .csv
            .into_inner()
            .map_err(|e| Error::io(&self.tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.tmp, e))?;
        batch.adopt(self.tmp, dir.join(crate::output::names::POINTS_CSV));
        Ok(())
    }
}

/// A csv error while writing: an IO error (serialising lwsim's rows cannot fail otherwise).
fn csv_io(path: &Path, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        other => Error::io(path, std::io::Error::other(format!("{other:?}"))),
    }
}

/// One row of sensitivity.csv: one parameter's indices for one outcome.
#[derive(Serialize)]
pub(super) struct IndexRow {
    pub parameter: String,
    pub outcome: String,
    /// Morris: mu_star, mu, sigma, mu_star_conf. Sobol: S1, S1_conf, ST, ST_conf.
    pub indices: [Num; 4],
    pub noise_floor: Num,
    /// Morris: the defined elementary effects. Sobol: the defined rows.
    pub defined: usize,
    pub undefined: usize,
    /// Notes, `; ` between them (no comma or quote: never quoted).
    pub note: String,
}

/// sensitivity.csv: `columns` (the design's names), then the rows.
pub(super) fn sensitivity_csv(columns: &[&str; 10], rows: &[IndexRow]) -> Vec<u8> {
    csv_with_header(columns, rows)
}

/// `lwsim merge`: the shards' sweep.csv rows interleaved back into point order (point p is in
/// shard p % shards.len()) as `out`'s sweep.csv. `shards` are the shard directories in shard
/// order.
///
/// # Errors
/// A shard's sweep.csv cannot be read or ends early, or the output cannot be written.
pub(super) fn interleave(shards: &[PathBuf], sweep: &Sweep, out: &Path) -> Result<(), Error> {
    let mut readers = Vec::new();
    for dir in shards {
        let path = dir.join(crate::output::names::SWEEP_CSV);
        let rows = reader(&path)?;
        readers.push((path, rows));
    }
    let tmp = out.join(JOURNAL);
    let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(file);
    w.write_record(sweep_columns(sweep)).map_err(|e| csv_io(&tmp, e))?;
    let mut record = csv::ByteRecord::new();
    for p in 0..sweep.points.len() {
        let (path, rows) = &mut readers[p % shards.len()];
        for _ in 0..sweep.replicates {
            let read = rows.read_byte_record(&mut record).map_err(|e| {
                let line = line_of(&e);
                bad_row(path, Some(e), line)
            })?;
            if !read {
                return Err(InputError::at(&path.display().to_string(), None, format!("ends before point {p}")).into());
            }
            w.write_byte_record(&record).map_err(|e| csv_io(&tmp, e))?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::io(&tmp, e.into_error()))?
        .sync_all()
        .map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, out.join(crate::output::names::SWEEP_CSV))
        .map_err(|e| Error::io(out.join(crate::output::names::SWEEP_CSV), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_numbers_are_written_as_before() {
        let values = [3.0, 0.1, f64::NAN, 2.6];
        let integer = [true, false, false, true];
        let keys = Keys {
            values: &values,
            integer: &integer,
        };
        let row = SweepRow::<Written> {
            point: 7,
            replicate: 1,
            seed: u64::MAX,
            values: (keys, vec![Num(1.0), Num(f64::NAN), Num(2.8e-15)]),
        };
        let bytes = csv_rows([row]);
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            format!("7,1,{},3,0.1,,3,1.0,,2.8e-15\n", u64::MAX)
        );
        // Read back through the same row: every value, a missing one as NaN.
        let record = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[..])
            .records()
            .next()
            .unwrap()
            .unwrap();
        let back: SweepRow<ReadBack> = record.deserialize(None).unwrap();
        assert_eq!((back.point, back.replicate, back.seed), (7, 1, u64::MAX));
        let values: Vec<f64> = back.values.iter().map(|v| v.0).collect();
        assert_eq!(values[..2], [3.0, 0.1]);
        assert!(values[2].is_nan() && values[5].is_nan());
        assert_eq!(values[3..5], [3.0, 1.0]);
        assert_eq!(values[6], 2.8e-15);
    }
}
