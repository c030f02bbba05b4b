"""The GIL is released while the model runs (another Python thread keeps running), and Ctrl-C
(SIGINT, or _thread.interrupt_main) stops a long run or sweep between replicates with
KeyboardInterrupt, promptly; the next run is unaffected."""

from __future__ import annotations

import _thread
import signal
import threading
import time

import pytest

import lwsim

# A run far longer than any test waits: stopping it early is the only way it ends in time.
LONG = {"replicates": 200_000, "seed": 1, "detail": 0}


def _replicates_for(baseline, seconds: float) -> int:
    """About how many baseline replicates take `seconds` on one thread here."""
    start = time.perf_counter()
    lwsim.run(baseline, replicates=100, seed=1, detail=0, threads=1)
    per = (time.perf_counter() - start) / 100
    return max(200, int(seconds / per))


def test_a_python_thread_runs_while_the_model_runs(baseline):
    n = _replicates_for(baseline, 1.5)
    ticks: list[float] = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())  # pure Python: needs the GIL
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        time.sleep(0.05)
        start = time.perf_counter()
        lwsim.run(baseline, replicates=n, seed=1, detail=0, threads=1)
        end = time.perf_counter()
    finally:
        stop.set()
        t.join()
    during = [x for x in ticks if start < x < end]
    assert end - start > 0.3, "the run was too short to tell"
    # One tick every ~1 ms if the GIL is free; with the GIL held there would be none.
    assert len(during) > 0.25 * (end - start) / 0.001, (len(during), end - start)


@pytest.fixture(autouse=True)
def _sigint_raises_keyboard_interrupt():
    """Python installs its KeyboardInterrupt handler only when SIGINT is not ignored at start-up,
    and a job started in the background by a non-interactive shell (`cmd &`, as some CI runners
    do) starts with SIGINT ignored: then neither SIGINT nor interrupt_main does anything. These
    tests are about lwsim's answer to Ctrl-C, so they give Python its usual handler."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _interrupt_after(delay: float, how: str) -> threading.Timer:
    def fire():
        if how == "interrupt_main":
            _thread.interrupt_main()
        else:
            signal.raise_signal(signal.SIGINT)

    timer = threading.Timer(delay, fire)
    timer.start()
    return timer


@pytest.mark.parametrize("how", ["interrupt_main", "SIGINT"])
def test_ctrl_c_stops_a_long_run_promptly(baseline, how):
    timer = _interrupt_after(0.4, how)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        lwsim.run(baseline, **LONG)
    elapsed = time.perf_counter() - start
    timer.join()
    assert elapsed < 3.0, elapsed
    # nothing is left running or set: the next run is the same as ever
    assert lwsim.run(baseline, replicates=4, seed=9, detail=0).files == lwsim.run(
        baseline, replicates=4, seed=9, detail=0, threads=1
    ).files


def test_ctrl_c_stops_a_long_sweep_keeping_its_finished_points(baseline, tmp_path):
    spec = tmp_path / "long.toml"
    spec.write_text(
        f'name = "long"\nscenario = "{baseline.as_posix()}"\nreplicates = 50\nseed = 4\n'
        'design = "lhs"\nsamples = 100000\n'
        '[[parameter]]\nkey = "funding.annual_cut"\nmin = 0.0\nmax = 0.5\n'
    )
    timer = _interrupt_after(0.5, "interrupt_main")
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        lwsim.sweep(spec, out=tmp_path / "out")
    elapsed = time.perf_counter() - start
    timer.join()
    assert elapsed < 5.0, elapsed
    assert (tmp_path / "out" / "sweep.partial.csv").exists()  # finished points kept for --resume
    # the stop does not outlive the call: a sweep right after runs to the end
    small = tmp_path / "small.toml"
    small.write_text(spec.read_text().replace("samples = 100000", "samples = 3").replace("replicates = 50", "replicates = 2"))
    assert len(lwsim.sweep(small).rows) == 3 * 2


def test_runs_from_several_python_threads_at_once(baseline):
    expected = lwsim.run(baseline, replicates=8, seed=3, detail=0).files
    results: list[dict] = []

    def go():
        results.append(lwsim.run(baseline, replicates=8, seed=3, detail=0, threads=1).files)

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 3
