"""lwsim from Python: the link-worker programme simulation, with results as pandas objects.

    >>> import lwsim
    >>> r = lwsim.run("scenarios/deep-end-baseline.toml", replicates=200, seed=7)
    >>> r.summary["integration_rate_24m"]["mean"]       # summary.json, as a dict
    >>> r.monthly.query("measure == 'integration_rate'")  # monthly.csv, as a DataFrame

The numbers are those of ``lwsim run`` for the same scenario, ``set``, replicates and seed:
the engine builds the very bytes the command line writes (summary.json, monthly.csv,
weekly.csv, practices.csv, scenario.resolved.toml), in memory, and this module parses them.
Nothing is written to disk by :func:`run` or :func:`run_toml`.

The model runs with the GIL released (other Python threads go on), and Ctrl-C stops it
between replicates with ``KeyboardInterrupt``. Bad input raises ``ValueError`` with the
message ``lwsim`` prints after ``error:``; a scenario file that does not exist raises
``FileNotFoundError``; a failure to write (sweeps) raises ``OSError``.

See docs/PYTHON.md for the whole API and two worked examples (scenario discovery with the EMA
Workbench, Sobol sensitivity with SALib).
"""

from __future__ import annotations

import io
import json
import numbers
import os
import tempfile
import warnings
from functools import cached_property
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

import pandas as pd

from . import _lwsim

__all__ = [
    "Result",
    "SweepResult",
    "keys",
    "keys_markdown",
    "run",
    "run_toml",
    "sweep",
    "validate",
    "__version__",
]

__version__: str = _lwsim.__version__

PathLike = Union[str, "os.PathLike[str]"]
SetValue = Union[bool, int, float, str]
Sets = Union[Mapping[str, SetValue], Iterable[str], str, None]

#: Values of ``uncertainty`` that :func:`run` accepts today.
UNCERTAINTY = ("chance", "full")

# Column types of the CSV files (anything not named is a float). The weekly measures' come from
# the engine's declaration of them (observe::WEEKLY: a measure is an integer when its field is),
# the rest are named here. The test suite checks these against what pandas infers from a real
# run, so a new column cannot silently get a wrong type.
_STRING = {"measure", "final_stage", "parameter", "outcome", "note"}
_UINT64 = {"seed"}
_NULLABLE_INT = {"month_belonging"}
_BOOL = {"training_practice"}
_WEEKLY_INT = {name for name, _kind, _unit, _label, integer in _lwsim.weekly_measures() if integer}
_INT = _WEEKLY_INT | {
    # weekly.csv's identifying columns
    "replicate", "week", "month",
    # practices.csv (besides replicate, referrals, connected)
    "practice", "network", "list_size", "lw_changes",
    # sweep.csv, points.csv, design.csv; sensitivity.csv's counts
    "point", "effects", "rows", "undefined",
}  # fmt: skip


def _dtype(column: str) -> str:
    if column in _STRING:
        return "string"
    if column in _UINT64:
        return "uint64"
    if column in _NULLABLE_INT:
        return "Int64"
    if column in _BOOL:
        return "bool"
    if column in _INT:
        return "int64"
    return "float64"


def _frame(data: bytes, floats: bool = False) -> pd.DataFrame:
    """A CSV file of lwsim's as a DataFrame with a dtype per column (even with no rows).
    ``floats``: every column but ``replicate`` and ``seed`` is a float (headline.csv, whose
    figures share names with weekly.csv's counts but are rates and means)."""
    header = data.split(b"\n", 1)[0].decode()
    columns = header.split(",") if header else []
    dtypes = {c: ("float64" if floats and c not in ("replicate", "seed") else _dtype(c)) for c in columns}
    # Read as text first where pandas would guess: booleans and nullable integers.
    read = {c: t for c, t in dtypes.items() if t not in ("bool", "Int64")}
    frame = pd.read_csv(io.BytesIO(data), dtype=read, keep_default_na=True)
    for c, t in dtypes.items():
        if t == "bool":
            frame[c] = frame[c].astype(str).str.lower().eq("true") if len(frame) else frame[c].astype(bool)
        elif t == "Int64":
            frame[c] = pd.to_numeric(frame[c]).astype("Int64")
    return frame


class Result:
    """The result of one scenario: what ``lwsim run`` writes, as Python objects.

    Attributes are parsed when first used (weekly.csv may be large):

    - ``summary``: summary.json as a dict (each headline figure with ``mean``, ``sd``,
      ``p05``, ``p50``, ``p95``; and ``scenario``, ``replicates``, ``seed``, ``weeks``, ``months``).
    - ``monthly``: monthly.csv (``month``, ``measure``, ``mean``, ``sd``, ``p05``, ``p50``, ``p95``).
    - ``weekly``: weekly.csv, each measure each week of the first ``detail`` replicates.
    - ``practices``: practices.csv, each practice at the end of the first ``detail`` replicates.
    - ``headline``: headline.csv, every replicate's headline figures (all replicates).
    - ``scenario``: scenario.resolved.toml, every parameter as run (text).
    - ``files``: the files' bytes, exactly as ``lwsim run`` writes them.
    """

    def __init__(self, files: Mapping[str, bytes]):
        self.files: dict[str, bytes] = dict(files)

    @cached_property
    def summary(self) -> dict:
        """summary.json as a dict."""
        return json.loads(self.files["summary.json"])

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """monthly.csv: every measure by month, across replicates."""
        return _frame(self.files["monthly.csv"])

    @cached_property
    def weekly(self) -> pd.DataFrame:
        """weekly.csv: every measure, every week, of the detailed replicates."""
        return _frame(self.files["weekly.csv"])

    @cached_property
    def practices(self) -> pd.DataFrame:
        """practices.csv: each practice at the end of each detailed replicate."""
        return _frame(self.files["practices.csv"])

    @cached_property
    def headline(self) -> pd.DataFrame:
        """headline.csv: every replicate's headline figures (the raw values behind summary)."""
        return _frame(self.files["headline.csv"], floats=True)

    @property
    def scenario(self) -> str:
        """scenario.resolved.toml: every parameter as run."""
        return self.files["scenario.resolved.toml"].decode()

    def __repr__(self) -> str:
        s = self.summary
        rate = s.get("integration_rate_24m") or {}
        return (
            f"<lwsim.Result scenario={s.get('scenario')!r} replicates={s.get('replicates')} "
            f"seed={s.get('seed')} integration_rate_24m={rate.get('mean')}>"
        )


class SweepResult:
    """The result of a sweep (``lwsim sweep``), as DataFrames.

    - ``rows``: sweep.csv, one row per replicate per point (``point``, ``replicate``, ``seed``,
      the parameters, the outcomes).
    - ``points``: points.csv, each point's parameters and each outcome's mean, sd, p05, p95.
    - ``design``: design.csv, each point's parameters.
    - ``sensitivity``: sensitivity.csv (Morris or Sobol designs), else None.
    - ``name``, ``kind`` (grid, lhs, morris, sobol), and ``directory``: where the files are,
      or None when the sweep ran in a temporary directory that is gone.
    """

    def __init__(self, name: str, kind: str, files: Mapping[str, bytes], directory: Optional[Path]):
        self.name = name
        self.kind = kind
        self.directory = directory
        self.files: dict[str, bytes] = dict(files)
        self.rows = _frame(self.files["sweep.csv"])
        self.points = _frame(self.files["points.csv"])
        self.design = _frame(self.files["design.csv"])
        self.sensitivity = _frame(self.files["sensitivity.csv"]) if "sensitivity.csv" in self.files else None
        for frame in (self.rows, self.points, self.design):
            _integer_parameters(frame, self.files.get("sweep.json"))

    def __repr__(self) -> str:
        return f"<lwsim.SweepResult {self.name!r} {self.kind}: {len(self.points)} points, {len(self.rows)} rows>"


def _integer_parameters(frame: pd.DataFrame, manifest: Optional[bytes]) -> None:
    """Whole-number parameters (practices.count, ...) as integers, as sweep.json marks them."""
    if not manifest:
        return
    sweep = json.loads(manifest)["sweep"]
    for key, integer in zip(sweep["keys"], sweep["integer"]):
        if integer and key in frame.columns:
            frame[key] = frame[key].astype("int64")


def _set_value(value: SetValue) -> str:
    """A Python value as the TOML text of ``--set KEY=VALUE``."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    raise TypeError(f"set: expected a bool, number or str value, found {type(value).__name__}")


def _overrides(
    set: Sets, replicates: Optional[int], seed: Optional[int], detail: Optional[int]
) -> list[tuple[str, str]]:
    """The CLI's overrides, in its order: every --set, then --replicates, --detail, --seed."""
    out: list[tuple[str, str]] = []
    if set is None:
        pass
    elif isinstance(set, str):
        out.append(("--set", set))
    elif isinstance(set, Mapping):
        for key, value in set.items():
            if not isinstance(key, str):
                raise TypeError(f"set: expected str keys, found {type(key).__name__}")
            out.append(("--set", f"{key}={_set_value(value)}"))
    else:
        for item in set:
            if not isinstance(item, str):
                raise TypeError(f"set: expected 'KEY=VALUE' strings, found {type(item).__name__}")
            out.append(("--set", item))
    for flag, key, value in (
        ("--replicates", "simulation.replicates", replicates),
        ("--detail", "output.detail_replicates", detail),
        ("--seed", "simulation.seed", seed),
    ):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{flag.lstrip('-')}: expected an int, found {type(value).__name__}")
        out.append((flag, f"{key}={int(value)}"))
    return out


def _threads(threads: Optional[int]) -> Optional[int]:
    if threads is None:
        return None
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"threads: expected an int or None, found {type(threads).__name__}")
    if not 1 <= int(threads) <= 1024:
        raise ValueError(f"threads: expected 1 to 1024 (None: all cores), found {int(threads)}")
    return int(threads)


def _uncertainty(uncertainty: Optional[str]) -> list[tuple[str, str]]:
    """The override ``--uncertainty MODE`` makes, or none for None."""
    if uncertainty is None:
        return []
    if not isinstance(uncertainty, str):
        raise TypeError(f"uncertainty: expected a str or None, found {type(uncertainty).__name__}")
    if uncertainty not in UNCERTAINTY:
        raise ValueError(f'uncertainty: expected None, "chance" or "full", found {uncertainty!r}')
    return [("--uncertainty", f'simulation.uncertainty="{uncertainty}"')]


def _path(path: PathLike) -> str:
    if isinstance(path, bytes):
        return os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected str or os.PathLike, found {type(path).__name__}")
    return os.fspath(path)


def _result(answer: tuple[dict, list]) -> Result:
    """A :class:`Result` of ``run_files``' files, after issuing its warnings as ``lwsim run``
    prints them (a :class:`UserWarning`, pointing at the caller's call of :func:`run`)."""
    files, messages = answer
    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=3)
    return Result(files)


def run(
    path: PathLike,
    replicates: Optional[int] = None,
    seed: Optional[int] = None,
    set: Sets = None,
    threads: Optional[int] = None,
    uncertainty: Optional[str] = None,
    detail: Optional[int] = None,
) -> Result:
    """Run the scenario file at ``path`` (``"-"``: standard input), as ``lwsim run`` does.

    - ``replicates``, ``seed``: as ``--replicates`` and ``--seed``.
    - ``set``: overrides, as ``--set``: a mapping ``{"funding.annual_cut": 0.2}`` (values typed:
      bool, int, float, str), or ``"KEY=VALUE"`` strings exactly as on the command line.
    - ``threads``: worker threads, 1 to 1024 (None: all cores); results do not depend on it.
    - ``uncertainty``: as ``--uncertainty``: None (the scenario's ``simulation.uncertainty``,
      ``"chance"`` by default), ``"chance"`` (replicates differ by chance alone) or ``"full"``
      (each replicate also draws the uncertain constants; docs/SCENARIOS.md, column "drawn").
    - ``detail``: replicates kept in weekly.csv and practices.csv, as ``--detail`` (default
      1,000; 0 for none: faster when only ``summary`` and ``monthly`` are wanted).

    Returns a :class:`Result`: the same numbers as ``lwsim run`` with the same arguments.
    Warns (UserWarning) where ``lwsim run`` warns: fewer than 20 replicates give unreliable
    intervals; full uncertainty on a scenario that sets every uncertain key draws nothing.
    Raises ValueError (bad input, with the CLI's message), FileNotFoundError (no such
    scenario file), TypeError (an argument of the wrong type), KeyboardInterrupt (Ctrl-C: the
    run stops between replicates).
    """
    overrides = _overrides(set, replicates, seed, detail) + _uncertainty(uncertainty)
    return _result(_lwsim.run_files(_path(path), None, overrides, _threads(threads)))


def run_toml(
    text: str,
    replicates: Optional[int] = None,
    seed: Optional[int] = None,
    set: Sets = None,
    threads: Optional[int] = None,
    uncertainty: Optional[str] = None,
    detail: Optional[int] = None,
    name: str = "<string>",
) -> Result:
    """Run a scenario held in a string (TOML), as :func:`run` runs a file.

    ``name`` stands for the file in error messages; an ``extends = "x.toml"`` in the text is
    read relative to the working directory (or give ``name`` a path: relative to its folder).
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected str, found {type(text).__name__}")
    overrides = _overrides(set, replicates, seed, detail) + _uncertainty(uncertainty)
    return _result(_lwsim.run_files(name, text, overrides, _threads(threads)))


def validate(path: PathLike, set: Sets = None) -> str:
    """Check a scenario file without running it (``lwsim validate``, with ``set`` applied).

    Returns the scenario as run (scenario.resolved.toml); raises as :func:`run`.
    """
    return _lwsim.resolve(_path(path), None, _overrides(set, None, None, None))


def keys() -> pd.DataFrame:
    """The key table (``lwsim keys``, docs/SCENARIOS.md) as a DataFrame.

    Columns: ``key``, ``kind`` (int, real, text), ``default``, ``min``, ``max`` (NaN for text
    keys), ``unit``, ``source``, ``meaning``.
    """
    frame = pd.DataFrame(
        _lwsim.key_table(),
        columns=["key", "kind", "default", "min", "max", "unit", "source", "meaning"],
    )
    for c in ("key", "kind", "unit", "source", "meaning"):
        frame[c] = frame[c].astype("string")
    frame[["min", "max"]] = frame[["min", "max"]].astype("float64")
    return frame


def keys_markdown() -> str:
    """The key reference as Markdown, exactly what ``lwsim keys`` prints."""
    return _lwsim.keys_markdown()


_SWEEP_FILES = ("sweep.csv", "points.csv", "design.csv", "sensitivity.csv", "sweep.json")


def sweep(
    path: PathLike,
    out: Optional[PathLike] = None,
    threads: Optional[int] = None,
    resume: bool = False,
    force: bool = False,
) -> SweepResult:
    """Run the sweep file at ``path`` (``lwsim sweep``) and return its rows and points.

    A sweep streams its rows to disk as it goes (that is how it resumes after a stop), so it
    needs a directory: with ``out=None`` it runs in a temporary directory that is removed
    afterwards; with ``out``, the directory keeps every file ``lwsim sweep --out`` writes (charts
    included), ``resume=True`` continues a stopped sweep there and ``force=True`` starts again.
    Ctrl-C stops it between points with KeyboardInterrupt. Raises as :func:`run`; a directory
    that cannot be written raises OSError.
    """
    threads = _threads(threads)
    if out is None:
        with tempfile.TemporaryDirectory(prefix="lwsim-sweep-") as tmp:
            directory = Path(tmp) / "sweep"
            name, kind = _lwsim.sweep_into(_path(path), str(directory), threads, False, False)
            return SweepResult(name, kind, _read(directory), None)
    directory = Path(_path(out))
    name, kind = _lwsim.sweep_into(_path(path), str(directory), threads, bool(resume), bool(force))
    return SweepResult(name, kind, _read(directory), directory)


def _read(directory: Path) -> dict[str, bytes]:
    return {f: (directory / f).read_bytes() for f in _SWEEP_FILES if (directory / f).exists()}
