"""The module gives the CLI's numbers: the very bytes `lwsim run` (and `lwsim sweep`,
`lwsim keys`) write, for the same scenario, set, replicates and seed."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import lwsim

from conftest import run_cli

DATA_FILES = ["summary.json", "monthly.csv", "weekly.csv", "practices.csv", "headline.csv", "scenario.resolved.toml"]


@pytest.fixture(scope="module")
def cli_run(cli, baseline, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "austerity-20"
    run_cli(
        cli, "run", str(baseline), "--replicates", "60", "--seed", "11",
        "--set", "funding.annual_cut=0.2", "--set", "name=austerity-20",
        "--out", str(out), "--quiet",
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def module_run(baseline):
    return lwsim.run(baseline, replicates=60, seed=11, set={"funding.annual_cut": 0.2, "name": "austerity-20"})


def test_every_data_file_is_byte_identical_to_the_cli(cli_run, module_run):
    for name in DATA_FILES:
        assert module_run.files[name] == (cli_run / name).read_bytes(), name


def test_summary_and_monthly_parse_to_the_cli_files(cli_run, module_run):
    assert module_run.summary == json.loads((cli_run / "summary.json").read_text())
    cli_monthly = pd.read_csv(cli_run / "monthly.csv")
    pd.testing.assert_frame_equal(module_run.monthly, cli_monthly, check_dtype=False)
    assert module_run.summary["replicates"] == 60 and module_run.summary["seed"] == 11


def test_set_as_strings_is_the_same_as_a_mapping(baseline, module_run):
    r = lwsim.run(baseline, replicates=60, seed=11, set=["funding.annual_cut=0.2", "name=austerity-20"])
    assert r.files == module_run.files


def test_run_toml_is_run_of_the_same_text(baseline, cli, tmp_path):
    text = baseline.read_text()
    from_text = lwsim.run_toml(text, replicates=20, seed=3)
    from_file = lwsim.run(baseline, replicates=20, seed=3)
    for name in DATA_FILES:
        assert from_text.files[name] == from_file.files[name], name
    # and standard input, as `lwsim run -` reads it, is the same scenario again
    out = tmp_path / "stdin"
    import subprocess

    subprocess.run(
        [str(cli), "run", "-", "--replicates", "20", "--seed", "3", "--out", str(out), "--quiet"],
        input=text, text=True, check=True,
    )  # fmt: skip
    assert (out / "summary.json").read_bytes() == from_text.files["summary.json"]


def test_results_do_not_depend_on_threads(baseline):
    one = lwsim.run(baseline, replicates=24, seed=5, threads=1)
    two = lwsim.run(baseline, replicates=24, seed=5, threads=2)
    assert one.files == two.files


def test_defaults_are_the_scenario_s_own(cli, baseline, tmp_path):
    """No arguments: the scenario's replicates and seed, as `lwsim run FILE`."""
    out = tmp_path / "default"
    run_cli(cli, "run", str(baseline), "--out", str(out), "--quiet", "--detail", "0")
    r = lwsim.run(baseline, detail=0)
    assert r.files["summary.json"] == (out / "summary.json").read_bytes()
    assert r.files["monthly.csv"] == (out / "monthly.csv").read_bytes()


def test_keys_are_lwsim_keys(cli):
    assert lwsim.keys_markdown() == run_cli(cli, "keys").stdout
    table = lwsim.keys()
    documented = [line.split("`")[1] for line in lwsim.keys_markdown().splitlines() if line.startswith("| `")]
    assert table["key"].tolist() == documented
    row = table.set_index("key").loc["funding.annual_cut"]
    assert row["kind"] == "real" and row["min"] == 0.0 and row["max"] <= 1.0
    assert table.set_index("key").loc["practices.count", "default"] == 7
    assert pd.isna(table.set_index("key").loc["name", "min"])
    assert str(table["key"].dtype) == "string" and table["min"].dtype == "float64"


SWEEP = """
name = "tiny-grid"
scenario = "{scenario}"
replicates = 3
seed = 21
design = "grid"
outcomes = ["integration_rate_24m", "share_connected"]

[[parameter]]
key = "practices.gp_buy_in.mean"
values = [0.3, 0.7]

[[parameter]]
key = "practices.count"
values = [4, 9]
"""


def test_sweep_rows_and_points_are_lwsim_sweep_s(cli, baseline, tmp_path):
    spec = tmp_path / "tiny.toml"
    spec.write_text(SWEEP.format(scenario=baseline.as_posix()))
    out = tmp_path / "cli-sweep"
    run_cli(cli, "sweep", str(spec), "--out", str(out), "--quiet")
    s = lwsim.sweep(spec)
    assert s.directory is None and s.kind == "grid" and s.name == "tiny-grid"
    for name in ("sweep.csv", "points.csv", "design.csv"):
        assert s.files[name] == (out / name).read_bytes(), name
    assert s.rows.shape == (4 * 3, 3 + 2 + 2)
    assert s.points.shape == (4, 1 + 2 + 2 * 4)
    assert s.rows["practices.count"].dtype == "int64" and s.rows["seed"].dtype == "uint64"
    pd.testing.assert_frame_equal(s.points, pd.read_csv(out / "points.csv"), check_dtype=False)
    assert s.sensitivity is None
    # into a directory of one's own: the files stay (charts too), and a second run is refused
    kept = lwsim.sweep(spec, out=tmp_path / "kept")
    assert kept.directory == tmp_path / "kept" and (tmp_path / "kept" / "heatmap.png").exists()
    assert kept.files["sweep.csv"] == s.files["sweep.csv"]
    with pytest.raises(ValueError, match="already holds a sweep"):
        lwsim.sweep(spec, out=tmp_path / "kept")
    assert lwsim.sweep(spec, out=tmp_path / "kept", resume=True).files["points.csv"] == s.files["points.csv"]


def test_numpy_values_in_set_are_their_python_values(baseline):
    """The EMA Workbench and SALib pass numpy scalars: they mean what the Python values mean."""
    import numpy as np

    plain = lwsim.run(baseline, replicates=5, seed=8, detail=0, set={
        "funding.annual_cut": 0.15, "link_workers.caseload_cap": 25, "practices.gp_buy_in.mean": 0.6,
    })  # fmt: skip
    numpy = lwsim.run(baseline, replicates=5, seed=8, detail=0, set={
        "funding.annual_cut": np.float64(0.15), "link_workers.caseload_cap": np.int64(25),
        "practices.gp_buy_in.mean": np.float64(0.6),
    })  # fmt: skip
    assert numpy.files == plain.files


def test_validate_returns_the_scenario_as_run(baseline):
    resolved = lwsim.validate(baseline, set={"funding.annual_cut": 0.2})
    assert "annual_cut = 0.2" in resolved and 'name = "deep-end-baseline"' in resolved
    r = lwsim.run(baseline, replicates=2, seed=1, detail=0, set={"funding.annual_cut": 0.2})
    sets = {"funding.annual_cut": 0.2, "simulation.replicates": 2, "output.detail_replicates": 0, "simulation.seed": 1}
    assert lwsim.validate(baseline, set=sets) == r.scenario


MORRIS = """
name = "tiny-morris"
scenario = "{scenario}"
replicates = 2
seed = 5
design = "morris"
samples = 4
outcomes = ["integration_rate_24m"]

[[parameter]]
key = "practices.gp_buy_in.mean"
min = 0.2
max = 0.8

[[parameter]]
key = "link_workers.annual_cost"
min = 30000
max = 50000
"""


def test_sensitivity_frame_has_its_notes_as_text_and_counts_as_integers(baseline, tmp_path):
    """Issue 14: sensitivity.csv's note column (text) and effect counts read with their types."""
    spec = tmp_path / "morris.toml"
    spec.write_text(MORRIS.format(scenario=baseline.as_posix()))
    s = lwsim.sweep(spec).sensitivity
    assert list(s.columns) == [
        "parameter", "outcome", "mu_star", "mu", "sigma", "mu_star_conf",
        "noise_floor", "effects", "undefined", "note",
    ]  # fmt: skip
    assert s["note"].dtype == "string" and s["effects"].dtype == "int64"
    assert (s["effects"] + s["undefined"] == 4).all()
    assert (s["noise_floor"] > 0).all()
