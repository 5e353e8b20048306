#!/usr/bin/python3
"""The reproducibility contract across thread counts, end to end (OpenMP builds: Serial ignores
the thread count): 1 and 2 threads give the same spikes and connectivity, with stimuli and
event-driven propagation, for small networks (dealt out whole to the threads) and for one network
of 4200 neurons (both threads in every step: at least 2048 neurons each); and two threads write
the pinned quickstart output (tests/app/pinned.py) that app.cli checks on Serial builds. Two
ranks that share the node's CPUs while OMP_PROC_BIND pins their threads (mpirun --bind-to none)
are warned of (both pinned from the first CPU, they run on one core); ranks with cores of their
own are not.

usage: test_threads.py KASCADE_BINARY SOURCE_DIR MPIEXEC [MPIEXEC_PREFLAGS...]
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402
from pinned import QUICKSTART_ARGS, check_quickstart_digest  # noqa: E402

import h5py
import numpy as np

binary, source, mpiexec, mpi_flags = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]


def run_on(threads, *args):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    return subprocess.run([binary, *args], capture_output=True, text=True, env=env)


with tempfile.TemporaryDirectory() as tmp:
    deck_s = os.path.join(source, "inputs", "stimuli", "poisson.toml")
    deck_q = os.path.join(source, "inputs", "quickstart.toml")
    one_large = ["--set", "networks.count=1", "--set", "networks.neurons=4200",
                 "--set", "networks.normal.sparsity=0.99", "--set", "simulation.batch_size=1"]
    for name, deck, extra in (("small networks", deck_s, []), ("one large network", deck_q, one_large)):
        spikes = []
        for threads in (1, 2):
            out_t = os.path.join(tmp, f"threads{threads}.h5")
            r = run_on(threads, "run", deck, "--set", "simulation.steps=1500", *extra, "-o", out_t,
                       "-q", "--overwrite")
            check(r.returncode == 0, f"{name}: {threads}-thread run exits 0 ({r.stderr.strip()})")
            if r.returncode != 0:
                continue
            with h5py.File(out_t, "r") as f:
                spikes.append((f["spikes/step"][:], f["spikes/neuron"][:], f["connectivity/weight"][:]))
        check(len(spikes) == 2 and len(spikes[0][0]) > 0 and
              all(np.array_equal(a, b) for a, b in zip(*spikes)),
              f"{name}: 1 and 2 threads give identical spikes and connectivity")

    out_q = os.path.join(tmp, "quick.h5")
    r = run_on(2, "run", deck_q, *QUICKSTART_ARGS, "-o", out_q, "-q")
    check(r.returncode == 0, f"quickstart on 2 threads exits 0 ({r.stderr.strip()})")
    if r.returncode == 0:
        with h5py.File(out_q, "r") as f:
            check_quickstart_digest(f, "2 OpenMP threads")

    warning = "ranks on one node share their CPUs while OMP_PROC_BIND pins"
    none = ["--bind-to", "none", "--oversubscribe"]
    placements = [("--bind-to none", none, "spread", True),
                  ("--bind-to none, OMP_PROC_BIND=False", none, "False", False)]
    if len(os.sched_getaffinity(0)) >= 2:  # (a hardware thread per rank)
        placements.append(("CPUs of their own", ["--map-by", "hwthread", "--bind-to", "hwthread"],
                           "spread", False))
    for name, placement, bind, warned in placements:
        env = dict(os.environ, OMP_NUM_THREADS="1", OMP_PROC_BIND=bind, OMP_PLACES="threads",
                   OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        r = subprocess.run([mpiexec, "-n", "2", *mpi_flags, *placement, "-x", "OMP_NUM_THREADS",
                            "-x", "OMP_PROC_BIND", "-x", "OMP_PLACES", binary, "run", deck_q,
                            "--set", "networks.count=4", "--set", "simulation.steps=50", "-q",
                            "--overwrite", "-o", os.path.join(tmp, "placed.h5")],
                           capture_output=True, text=True, env=env, timeout=120)
        check(r.returncode == 0 and (warning in r.stderr) == warned,
              f"2 ranks, {name}: {'warned' if warned else 'no warning'} ({r.stderr.strip()!r})")

finish()
