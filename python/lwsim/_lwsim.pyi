"""Type stubs of the compiled half of lwsim (python/src/lib.rs). Use the package `lwsim`."""

from typing import Optional, Sequence

__version__: str

def run_files(
    path: str,
    text: Optional[str] = None,
    overrides: Sequence[tuple[str, str]] = ...,
    threads: Optional[int] = None,
) -> tuple[dict[str, bytes], list[str]]:
    """Run a scenario (a file, or `text` named `path`) with (flag, "KEY=VALUE") overrides;
    the bytes of summary.json, monthly.csv, weekly.csv, practices.csv, headline.csv and
    scenario.resolved.toml, exactly as `lwsim run` writes them, and the warnings `lwsim run`
    prints for it (too few replicates for intervals; full uncertainty drawing nothing)."""

def resolve(
    path: str,
    text: Optional[str] = None,
    overrides: Sequence[tuple[str, str]] = ...,
) -> str:
    """Check a scenario without running it; its resolved TOML."""

def sweep_into(
    path: str,
    out: str,
    threads: Optional[int] = None,
    resume: bool = False,
    force: bool = False,
) -> tuple[str, str]:
    """Run the sweep file at `path` into the directory `out` (`lwsim sweep --out`);
    the sweep's name and design kind."""

def key_table() -> list[
    tuple[str, str, object, Optional[float], Optional[float], str, str, str]
]:
    """(key, kind, default, min, max, unit, source, meaning) for every scenario key."""

def keys_markdown() -> str:
    """`lwsim keys`: the key reference as Markdown."""

def weekly_measures() -> list[tuple[str, str, str, str, bool]]:
    """(name, kind, unit, label, integer) for every weekly measure, in weekly.csv's column
    order (after replicate, seed, week, month): kind "stock" or "flow"; integer: whether it
    counts whole things (an integer column)."""
