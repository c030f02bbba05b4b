"""Every kind of error: bad input raises ValueError with the CLI's message (what `lwsim`
prints after `error: `), a missing file FileNotFoundError, a failure to write OSError, a
wrong type TypeError; nothing the caller passes crashes the interpreter."""

from __future__ import annotations

import errno
import math
import os
import warnings

import pytest

import lwsim

from conftest import cli_error


def test_missing_file_is_file_not_found_with_the_cli_message(cli, tmp_path):
    missing = tmp_path / "nope.toml"
    status, message = cli_error(cli, "run", str(missing))
    assert status == 2
    with pytest.raises(FileNotFoundError) as e:
        lwsim.run(missing)
    assert str(e.value) == message and e.value.errno == errno.ENOENT
    with pytest.raises(FileNotFoundError):
        lwsim.validate(missing)
    with pytest.raises(FileNotFoundError):
        lwsim.sweep(missing)


@pytest.mark.parametrize(
    "kwargs, flags",
    [
        ({"set": {"practices.gp_buy_in.mena": 0.5}}, ["--set", "practices.gp_buy_in.mena=0.5"]),
        ({"set": ["funding.annual_cut=2"]}, ["--set", "funding.annual_cut=2"]),
        ({"set": {"funding.annual_cut": math.nan}}, ["--set", "funding.annual_cut=nan"]),
        ({"set": {"practices.count": "seven"}}, ["--set", 'practices.count="seven"']),
        ({"set": "no equals sign"}, ["--set", "no equals sign"]),
        ({"set": {"extends": "x.toml"}}, ["--set", 'extends="x.toml"']),
        ({"replicates": 0}, ["--set", "simulation.replicates=0"]),
        ({"replicates": -3}, ["--set", "simulation.replicates=-3"]),
        ({"seed": 2**70}, ["--set", f"simulation.seed={2**70}"]),
        ({"seed": -1}, ["--set", "simulation.seed=-1"]),
        ({"detail": -1}, ["--set", "output.detail_replicates=-1"]),
    ],
)
def test_bad_input_is_value_error_with_the_cli_message(cli, baseline, kwargs, flags):
    # The CLI checks everything before it runs or writes anything.
    status, message = cli_error(cli, "run", str(baseline), *flags, "--out", "/nonexistent-never-written")
    assert status == 2
    with pytest.raises(ValueError) as e:
        lwsim.run(baseline, **kwargs)
    # --replicates/--seed/--detail name their flag; the CLI's --set names --set
    expected = message
    for flag in ("--replicates", "--seed", "--detail"):
        if flag.lstrip("-") in kwargs:
            expected = message.replace("--set", flag, 1)
    assert str(e.value) == expected


def test_bad_toml_text_is_value_error_located(cli, tmp_path):
    text = 'name = "x"\n[practices]\ncount = "many"\n'
    (tmp_path / "bad.toml").write_text(text)
    _, message = cli_error(cli, "validate", str(tmp_path / "bad.toml"))
    with pytest.raises(ValueError) as e:
        lwsim.run_toml(text, name=str(tmp_path / "bad.toml"))
    assert str(e.value) == message and ":3:" in message
    with pytest.raises(ValueError, match=r"^<string>:1:"):
        lwsim.run_toml("this is not toml")


def test_a_directory_is_value_error(cli, tmp_path):
    _, message = cli_error(cli, "run", str(tmp_path))
    with pytest.raises(ValueError) as e:
        lwsim.run(tmp_path)
    assert str(e.value) == message


def test_uncertainty_full_draws_the_uncertain_constants(baseline):
    with pytest.raises(ValueError, match='expected None, "chance" or "full"'):
        lwsim.run(baseline, uncertainty="assumptions")
    with pytest.raises(TypeError, match="uncertainty: expected a str or None"):
        lwsim.run(baseline, uncertainty=1)
    same = lwsim.run(baseline, replicates=5, seed=1, uncertainty="chance", detail=0)
    assert same.files == lwsim.run(baseline, replicates=5, seed=1, detail=0).files
    full = lwsim.run(baseline, replicates=30, seed=1, uncertainty="full", detail=0)
    assert full.summary["uncertainty"] == "full"
    assert same.summary["uncertainty"] == "chance"
    chance = lwsim.run(baseline, replicates=30, seed=1, detail=0)

    def width(r, m):
        return r.summary[m]["p95"] - r.summary[m]["p05"]

    assert width(full, "referrals_per_lw_per_year") > 1.5 * width(chance, "referrals_per_lw_per_year")
    # The same bytes as the command line's --uncertainty full.
    assert full.files == lwsim.run(baseline, replicates=30, seed=1, detail=0,
                                   set={"simulation.uncertainty": "full"}).files


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"threads": 0}, ValueError),
        ({"threads": 5000}, ValueError),
        ({"threads": 1.5}, TypeError),
        ({"threads": True}, TypeError),
        ({"replicates": "10"}, TypeError),
        ({"replicates": 2.0}, TypeError),
        ({"seed": None, "set": {1: 2}}, TypeError),
        ({"set": [("a", "b")]}, TypeError),
        ({"set": {"funding.annual_cut": [0.1]}}, TypeError),
        ({"set": {"funding.annual_cut": 1e400}}, ValueError),
        ({"set": {"name": "a\x00b"}}, ValueError),
    ],
)
def test_wrong_arguments_raise_and_never_crash(baseline, kwargs, error):
    with pytest.raises(error):
        lwsim.run(baseline, **kwargs)


@pytest.mark.parametrize("path", [None, 3, b"\xff\xfe/nope.toml", "", "a\x00b"])
def test_odd_paths_raise_and_never_crash(path):
    with pytest.raises((TypeError, ValueError, FileNotFoundError)):
        lwsim.run(path)


def test_sizes_beyond_the_bounds_are_refused_before_running(baseline):
    with pytest.raises(ValueError, match="simulation.replicates"):
        lwsim.run(baseline, replicates=10**9)
    with pytest.raises(ValueError):
        lwsim.run(baseline, set={"practices.count": 10**7})


def test_a_sweep_that_cannot_write_is_os_error(baseline, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'name = "w"\nscenario = "{baseline.as_posix()}"\nreplicates = 1\ndesign = "grid"\n'
        '[[parameter]]\nkey = "funding.annual_cut"\nvalues = [0.1, 0.2]\n'
    )
    # /sys refuses a new directory even to root (EPERM): the machine, not the input, fails. (A
    # path under a plain file is bad input, a ValueError, as the CLI's exit 2.)
    with pytest.raises(OSError) as e:
        lwsim.sweep(spec, out="/sys/lwsim-cannot-write")
    assert not isinstance(e.value, (ValueError, FileNotFoundError))
    assert "/sys/lwsim-cannot-write" in str(e.value)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ValueError, match="a-file is a file, not a directory"):
        lwsim.sweep(spec, out=blocker / "under-a-file")


def test_a_bad_sweep_file_is_value_error_with_the_cli_message(cli, tmp_path):
    spec = tmp_path / "bad-sweep.toml"
    spec.write_text('name = "b"\nscenario = "missing.toml"\ndesign = "grid"\n')
    _, message = cli_error(cli, "sweep", str(spec), "--out", str(tmp_path / "o"))
    with pytest.raises((ValueError, FileNotFoundError)) as e:
        lwsim.sweep(spec)
    assert str(e.value) == message


def test_few_replicates_warn_as_the_cli_does(baseline):
    # A fresh-user finding: the CLI warned of unreliable intervals, the module said nothing.
    with pytest.warns(UserWarning) as caught:
        lwsim.run(baseline, replicates=3, seed=1, detail=0)
    assert [str(w.message) for w in caught] == [
        "3 replicates: intervals from fewer than 20 replicates are unreliable"
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lwsim.run(baseline, replicates=20, seed=1, detail=0)
