"""Shared fixtures: the repository's root, the `lwsim` command line to compare with, and
scratch directories. The CLI is target/release/lwsim (or $LWSIM_BIN); when it is missing it is
built once with `cargo build --release --bin lwsim`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "deep-end-baseline.toml"


def _build_cli() -> Path:
    binary = Path(os.environ.get("LWSIM_BIN", ROOT / "target" / "release" / "lwsim"))
    if binary.exists():
        return binary
    command = ["cargo", "build", "--release", "--locked", "--bin", "lwsim"]
    if shutil.which("flock"):  # the shared build lock of this project's machines
        command = ["flock", "/tmp/lwsim-cargo.lock", *command]
    subprocess.run(command, cwd=ROOT, check=True)
    return binary


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `lwsim` binary of this checkout."""
    return _build_cli()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def baseline() -> Path:
    return BASELINE


def run_cli(cli: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the CLI from the repository's root; its stdout and stderr as text."""
    return subprocess.run([str(cli), *args], cwd=ROOT, capture_output=True, text=True, check=check)


def cli_error(cli: Path, *args: str) -> tuple[int, str]:
    """The exit status of a failing CLI command and its message (stderr without `error: `)."""
    p = run_cli(cli, *args, check=False)
    assert p.returncode != 0, p
    assert p.stderr.startswith("error: "), p.stderr
    return p.returncode, p.stderr[len("error: ") :].rstrip("\n")
