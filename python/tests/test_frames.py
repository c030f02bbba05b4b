"""DataFrame shapes and dtypes: integers as integers, stages and measures as strings, and the
column types the module declares agree with what pandas infers from a real run."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import lwsim

REPLICATES = 6
PRACTICES = 7  # the Deep End baseline
WEEKS = 104
MONTHS = 24


@pytest.fixture(scope="module")
def result(baseline):
    return lwsim.run(baseline, replicates=REPLICATES, seed=2)


def test_summary_is_summary_json(result):
    s = result.summary
    assert isinstance(s, dict)
    assert (s["scenario"], s["replicates"], s["seed"], s["weeks"], s["months"]) == (
        "deep-end-baseline", REPLICATES, 2, WEEKS, MONTHS,
    )  # fmt: skip
    rate = s["integration_rate_24m"]
    assert set(rate) >= {"mean", "p05", "p95"} and 0.0 <= rate["p05"] <= rate["mean"] <= rate["p95"] <= 1.0


def test_monthly_shape_and_dtypes(result):
    m = result.monthly
    assert list(m.columns) == ["month", "measure", "mean", "sd", "p05", "p50", "p95"]
    assert m["month"].dtype == "int64" and str(m["measure"].dtype) == "string"
    assert all(m[c].dtype == "float64" for c in ["mean", "sd", "p05", "p50", "p95"])
    measures = m["measure"].nunique()
    assert measures >= 30 and len(m) == measures * (MONTHS + 1)
    assert sorted(m["month"].unique()) == list(range(MONTHS + 1))


def test_weekly_shape_and_dtypes(result):
    w = result.weekly
    assert len(w) == REPLICATES * (WEEKS + 1)
    assert w["seed"].dtype == "uint64" and w["replicate"].dtype == "int64"
    assert w["referrals"].dtype == "int64" and w["integration_rate"].dtype == "float64"
    assert w.groupby("replicate")["week"].agg(list).map(lambda x: x == list(range(WEEKS + 1))).all()


def test_practices_shape_and_dtypes(result):
    p = result.practices
    assert len(p) == REPLICATES * PRACTICES
    assert str(p["final_stage"].dtype) == "string"
    assert set(p["final_stage"]) <= {"bolted_on", "fitting_in", "belonging"}
    assert p["training_practice"].dtype == bool and p["list_size"].dtype == "int64"
    assert str(p["month_belonging"].dtype) == "Int64"
    # a practice that belongs at the end has the month it came to belong
    assert (p.loc[p["final_stage"] == "belonging", "month_belonging"].notna()).all()


@pytest.mark.parametrize("name", ["monthly.csv", "weekly.csv", "practices.csv", "headline.csv"])
def test_declared_dtypes_agree_with_what_pandas_infers(result, name):
    """Every numeric column the module reads as an integer is one, and no integer column is
    read as a float: a column added to the engine cannot silently get a wrong type."""
    declared = {
        "monthly.csv": result.monthly, "weekly.csv": result.weekly,
        "practices.csv": result.practices, "headline.csv": result.headline,
    }[name]  # fmt: skip
    inferred = pd.read_csv(io.BytesIO(result.files[name]))
    assert list(declared.columns) == list(inferred.columns)
    for c in inferred.columns:
        kind, got = inferred[c].dtype.kind, declared[c].dtype
        if kind in "iu":
            assert got.kind in "iu" or str(got) == "Int64", (c, got)
        elif kind == "f":
            # floats, or integers with missing values (month_belonging)
            assert got == "float64" or str(got) == "Int64", (c, got)
            if str(got) == "Int64":
                assert (inferred[c].dropna() % 1 == 0).all(), c
        elif kind == "b":
            assert got == bool, c
        else:
            assert str(got) == "string", (c, got)


def test_headline_has_every_replicate_and_agrees_with_summary(result):
    h = result.headline
    assert len(h) == REPLICATES and h["replicate"].tolist() == list(range(REPLICATES))
    assert h["seed"].dtype == "uint64" and h["integration_rate_24m"].dtype == "float64"
    assert h["integration_rate_24m"].mean() == pytest.approx(result.summary["integration_rate_24m"]["mean"])


def test_no_detail_gives_empty_frames_with_their_types(baseline):
    r = lwsim.run(baseline, replicates=3, seed=1, detail=0)
    assert r.weekly.empty and r.practices.empty
    assert r.weekly["seed"].dtype == "uint64" and r.weekly["referrals"].dtype == "int64"
    assert str(r.practices["final_stage"].dtype) == "string" and r.practices["training_practice"].dtype == bool
    assert len(r.monthly) > 0 and r.summary["replicates"] == 3


def test_repr_and_scenario_text(result):
    assert "deep-end-baseline" in repr(result) and "integration_rate_24m" in repr(result)
    assert 'name = "deep-end-baseline"' in result.scenario


def test_weekly_types_come_from_the_engines_declaration(result):
    """weekly.csv's measures are those the engine declares (observe::WEEKLY), in its order, and
    each is read as an integer exactly when the declaration says it counts whole things."""
    measures = lwsim._lwsim.weekly_measures()
    w = result.weekly
    assert list(w.columns) == ["replicate", "seed", "week", "month"] + [m[0] for m in measures]
    for name, kind, unit, label, integer in measures:
        assert kind in ("stock", "flow") and unit and label, name
        assert w[name].dtype == ("int64" if integer else "float64"), name
