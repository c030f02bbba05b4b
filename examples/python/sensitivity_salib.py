"""Sobol sensitivity analysis with SALib on lwsim.run, compared with `lwsim sweep`'s own.

The four levers of scenarios/sweeps/top-levers-sobol.toml, over the same ranges, with the same
base size, replicates per point, outcome and estimators (first order: Saltelli 2010; total:
Jansen 1999; 95% bootstrap intervals). SALib draws its own Sobol sequence and lwsim its own
scrambled one, and each point's replicates have their own seeds, so the two analyses are two
independent estimates of the same indices: they should agree within their intervals, not to the
digit. The script prints both and whether each pair of intervals overlaps.

    pip install ./python SALib
    python examples/python/sensitivity_salib.py                 # base size 1024: 6,144 points each, ~2 min
    LWSIM_QUICK=1 python examples/python/sensitivity_salib.py   # base size 64: 384 points each, ~7 s
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

import lwsim

ROOT = Path(__file__).resolve().parents[2]
SWEEP = ROOT / "scenarios" / "sweeps" / "top-levers-sobol.toml"
QUICK = os.environ.get("LWSIM_QUICK") == "1"
OUTCOME = "integration_rate_24m"


def main() -> int:
    spec = tomllib.loads(SWEEP.read_text())
    base = (SWEEP.parent / spec["scenario"]).resolve()
    n = 64 if QUICK else spec["samples"]
    replicates = spec["replicates"]
    names = [p["key"] for p in spec["parameter"]]
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[p["min"], p["max"]] for p in spec["parameter"]],
    }

    # SALib: its design, lwsim.run at every point (the mean over the point's replicates).
    start = time.perf_counter()
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=1)
    y = np.empty(len(x))
    for i, point in enumerate(x):
        r = lwsim.run(base, replicates=replicates, seed=1000 + i, detail=0, set=dict(zip(names, point)))
        y[i] = r.summary[OUTCOME]["mean"]
    salib = sobol_analyze.analyze(
        problem, y, calc_second_order=False, num_resamples=spec.get("resamples", 200), seed=2
    )
    salib_seconds = time.perf_counter() - start

    # lwsim sweep: the shipped sweep file (base size as above), its own design and analysis.
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        text = SWEEP.read_text().replace(f'scenario = "{spec["scenario"]}"', f'scenario = "{base.as_posix()}"')
        text = text.replace(f"samples = {spec['samples']}", f"samples = {n}")
        copy = Path(tmp) / "top-levers-sobol.toml"
        copy.write_text(text)
        sweep = lwsim.sweep(copy)
    sweep_seconds = time.perf_counter() - start
    own = sweep.sensitivity[sweep.sensitivity["outcome"] == OUTCOME].set_index("parameter")

    print(
        f"Sobol indices of {OUTCOME}: base size {n}, {len(x)} points x {replicates} replicates each way\n"
        f"  SALib on lwsim.run: {salib_seconds:.1f} s; lwsim sweep: {sweep_seconds:.1f} s\n"
    )
    print(f"{'parameter':42s} {'index':5s} {'SALib (95%)':>20s} {'lwsim sweep (95%)':>20s}  agree")
    agree = 0
    for i, key in enumerate(names):
        for index in ("S1", "ST"):
            a, ac = salib[index][i], salib[f"{index}_conf"][i]
            b, bc = own.loc[key, index], own.loc[key, f"{index}_conf"]
            ok = abs(a - b) <= ac + bc  # the two 95% intervals overlap
            agree += ok
            print(f"{key:42s} {index:5s} {a:9.3f} ± {ac:6.3f}   {b:9.3f} ± {bc:6.3f}    {'yes' if ok else 'NO'}")
    total = 2 * len(names)
    print(f"\n{agree} of {total} pairs of intervals overlap")
    ranking_salib = [names[i] for i in np.argsort(-np.asarray(salib["ST"]))]
    ranking_lwsim = list(own["ST"].sort_values(ascending=False).index)
    print(f"most influential by ST: SALib {ranking_salib[0]}, lwsim sweep {ranking_lwsim[0]}")
    # Two independent estimates: with 8 pairs at 95%, one miss can happen by chance.
    return 0 if agree >= total - 1 and ranking_salib[0] == ranking_lwsim[0] else 1


if __name__ == "__main__":
    sys.exit(main())
