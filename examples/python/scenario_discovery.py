"""Scenario discovery with the EMA Workbench: where in the space of uncertain levers does
integration collapse?

The EMA Workbench runs lwsim (through the Python module) over six uncertain levers with a Latin
hypercube of experiments; PRIM (the Patient Rule Induction Method) then finds boxes of lever
space where the share of practices fully integrated at 24 months falls below 0.2, and prints
them (limits, coverage, density). The peeling trade-off and the chosen box are saved as PNG.

    pip install ./python ema_workbench matplotlib
    python examples/python/scenario_discovery.py              # 600 experiments x 50 replicates, about 40 s
    LWSIM_QUICK=1 python examples/python/scenario_discovery.py   # 150 x 20, about 10 s

Writes output/scenario-discovery/ (experiments.csv, tradeoff.png, box.png).
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from pathlib import Path

import matplotlib

warnings.filterwarnings("ignore", message="ipyparallel not installed")
matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from ema_workbench import (  # noqa: E402
    IntegerParameter,
    Model,
    RealParameter,
    ScalarOutcome,
    Samplers,
    ema_logging,
    perform_experiments,
)
from ema_workbench.analysis import prim  # noqa: E402

import lwsim  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "deep-end-baseline.toml"
OUT = ROOT / "output" / "scenario-discovery"
QUICK = os.environ.get("LWSIM_QUICK") == "1"
EXPERIMENTS = 150 if QUICK else 600
REPLICATES = 20 if QUICK else 50
COLLAPSE = 0.2  # integration_rate_24m below this is a collapse

# EMA names (Python identifiers) -> lwsim keys, with the range explored.
LEVERS = {
    "community_budget": ("funding.community_budget", 0.6, 1.4),
    "annual_cut": ("funding.annual_cut", 0.0, 0.3),
    "gp_buy_in": ("practices.gp_buy_in.mean", 0.3, 0.9),
    "support": ("link_workers.support", 0.2, 1.0),
    "caseload_cap": ("link_workers.caseload_cap", 15, 40),
    "competing_innovations": ("practices.competing_innovations_per_year", 0.0, 2.0),
}


def lwsim_model(**levers):
    """One experiment: the Deep End baseline with the levers set; the mean over replicates."""
    overrides = {LEVERS[name][0]: value for name, value in levers.items()}
    result = lwsim.run(BASELINE, replicates=REPLICATES, seed=2014, set=overrides, detail=0)
    s = result.summary
    return {
        "integration_rate_24m": s["integration_rate_24m"]["mean"],
        "share_connected": s["share_connected"]["mean"],
    }


def main() -> int:
    ema_logging.log_to_stderr(logging.WARNING)
    model = Model("lwsim", function=lwsim_model)
    model.uncertainties = [
        IntegerParameter(name, lo, hi) if isinstance(lo, int) else RealParameter(name, lo, hi)
        for name, (_, lo, hi) in LEVERS.items()
    ]
    model.outcomes = [ScalarOutcome("integration_rate_24m"), ScalarOutcome("share_connected")]

    np.random.seed(2014)  # the Workbench's Latin hypercube draws from numpy's global generator
    start = time.perf_counter()
    # Sequential evaluator: lwsim already runs each experiment's replicates on every core.
    experiments, outcomes = perform_experiments(
        model, scenarios=EXPERIMENTS, uncertainty_sampling=Samplers.LHS
    )
    seconds = time.perf_counter() - start
    rate = outcomes["integration_rate_24m"]
    collapsed = rate < COLLAPSE
    print(
        f"{EXPERIMENTS} Latin-hypercube experiments x {REPLICATES} replicates in {seconds:.0f} s; "
        f"integration_rate_24m from {rate.min():.2f} to {rate.max():.2f}; "
        f"{collapsed.sum()} ({collapsed.mean():.0%}) collapse below {COLLAPSE}"
    )

    OUT.mkdir(parents=True, exist_ok=True)
    x = experiments[list(LEVERS)]
    table = x.copy()
    for name, values in outcomes.items():
        table[name] = values
    table.to_csv(OUT / "experiments.csv", index=False)

    # PRIM: boxes of lever space where collapse is common (density at least 0.8).
    # (Levers as floats: the Workbench's pasting step writes fractional limits into the box,
    # which pandas 3 refuses for an integer column such as caseload_cap.)
    finder = prim.Prim(x.astype(float), collapsed, threshold=0.8, peel_alpha=0.05)
    box = finder.find_box()
    chosen = _choose(box)
    box.select(chosen)
    # Keep only the restrictions that matter: drop those whose quasi-p-values (the Workbench's
    # binomial test of each limit) are all above 0.05. Each drop adds a box to the trajectory.
    dropped = []
    for name, qp in box.qp[chosen].items():
        values = [q for q in qp if q >= 0]  # -1: that side is not restricted
        if values and min(values) > 0.05:
            box.drop_restriction(name)
            dropped.append(name)
    chosen = len(box.peeling_trajectory) - 1
    box.select(chosen)
    stats = box.peeling_trajectory.iloc[chosen]
    print(
        f"\nPRIM box (densest-covering box of the peeling trajectory, insignificant limits dropped: "
        f"{', '.join(dropped) or 'none'}):\n"
        f"  coverage {stats['coverage']:.2f} (share of all collapses inside the box)\n"
        f"  density  {stats['density']:.2f} (share of experiments inside the box that collapse)\n"
        f"  mass     {stats['mass']:.2f} (share of all experiments inside the box)"
    )
    limits = box.box_lims[chosen]
    restricted = [c for c in limits.columns if _restricted(limits[c], x[c])]
    print("limits of the box (the levers it restricts; the others range freely):")
    for name in restricted:
        key, lo, hi = LEVERS[name]
        print(f"  {key:42s} {limits[name].iloc[0]:7.3f} .. {limits[name].iloc[1]:7.3f}   (explored {lo} .. {hi})")
    print("\nthe box as the EMA Workbench reports it:")
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        box.inspect(chosen)

    box.show_tradeoff()
    plt.savefig(OUT / "tradeoff.png", dpi=110, bbox_inches="tight")
    plt.close("all")
    box.inspect(chosen, style="graph")
    fig = plt.gcf()
    fig.set_size_inches(8, 3.5)
    fig.suptitle(f"lwsim: where integration at 24 months collapses (< {COLLAPSE})", y=1.02)
    plt.savefig(OUT / "box.png", dpi=110, bbox_inches="tight")
    plt.close("all")
    print(f"\nwrote {OUT / 'experiments.csv'}, {OUT / 'tradeoff.png'}, {OUT / 'box.png'}")
    return 0


def _choose(box) -> int:
    """The box with the most coverage among those with density at least 0.8 (else the last)."""
    t = box.peeling_trajectory
    dense = t[t["density"] >= 0.8]
    if dense.empty:
        return len(t) - 1
    return int(dense.sort_values(["coverage", "density"], ascending=False).index[0])


def _restricted(limits: pd.Series, values: pd.Series) -> bool:
    return bool(limits.iloc[0] > values.min() + 1e-12 or limits.iloc[1] < values.max() - 1e-12)


if __name__ == "__main__":
    sys.exit(main())
