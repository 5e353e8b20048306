#!/usr/bin/python3
"""Restarts under MPI (2 ranks), where the ranks stop at different points: a rank that owns no
network, or had written no checkpoint yet, starts its own networks over while the others resume,
and the file equals an uninterrupted run's; --fresh with fewer ranks removes every rank's files;
`kascade generate` refuses an output whose run can still resume (and leaves its files alone);
a tuned run whose rank 1 owns no network resumes without tuning again;
a rank that cannot open its spill file stops every rank with one line, no hang.

usage: test_restart_ranks.py KASCADE_BINARY SOURCE_DIR MPIEXEC [MPIEXEC_FLAGS...]
"""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

import h5py
import numpy as np

binary, source, mpiexec, mpi_flags = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
deck = os.path.join(source, "inputs", "quickstart.toml")
small = ["--set", "simulation.steps=1200", "--set", "simulation.batch_size=2",
         "--set", "simulation.record_interval=300", "--set", "simulation.checkpoint_every=0", "-q"]


def run(out, networks, ranks=1, fault=None, *extra, command="run"):
    env = dict(os.environ, **({"KASCADE_FAULT": fault} if fault else {}))
    argv = [binary, command, deck, "-o", out, "--set", f"networks.count={networks}", *small, *extra]
    if ranks > 1:
        argv = [mpiexec, "-n", str(ranks), *mpi_flags] + argv
    try:
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, "timeout", "", "timeout: the ranks hung")


def same(a, b):
    names = ["spikes/step", "spikes/neuron", "spikes/block_ptr", "connectivity/weight",
             "networks/spike_count"]
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        return all(np.array_equal(fa[n][:], fb[n][:]) for n in names) and len(fa["spikes/step"]) > 0


def leftovers(tmp):
    return sorted(f for f in os.listdir(tmp) if ".spill." in f or ".ckpt." in f or ".partial" in f)


def one_line_error(r, *words):
    """Status 2 and one line of kascade's (under mpiexec, the launcher adds its own report)."""
    lines = [line for line in r.stderr.splitlines() if line.startswith("kascade")]
    return (r.returncode == 2 and len(lines) == 1 and lines[0].startswith("kascade: error: ")
            and all(w in lines[0] for w in words))


with tempfile.TemporaryDirectory() as tmp:
    for networks in (1, 4):  # rank 1 owns nothing / both ranks own networks
        ref = os.path.join(tmp, f"ref_{networks}.h5")
        check(run(ref, networks).returncode == 0, f"reference run of {networks} networks")
        # Each rank kills itself at its own third checkpoint: with one network rank 1 never
        # checkpoints (the launcher then stops it); with four, whichever dies first stops the other.
        out = os.path.join(tmp, f"ranks_{networks}.h5")
        r = run(out, networks, 2, "checkpoint:3")
        check(r.returncode != 0, f"{networks} networks: the 2-rank run is killed ({r.returncode})")
        check(any(".ckpt." in f for f in os.listdir(tmp)), f"{networks} networks: a checkpoint left")
        r = run(out, networks, 2)
        check(r.returncode == 0, f"{networks} networks: the same command resumes ({r.stderr.strip()})")
        check(os.path.exists(out) and same(ref, out),
              f"{networks} networks: the resumed file equals the uninterrupted run's")
        check(not leftovers(tmp), f"{networks} networks: nothing left behind ({leftovers(tmp)})")

    # A tuned run on two ranks where rank 1 owns no network: every rank checkpoints the tuning
    # as it ends, so the resume takes the saved values on both ranks instead of tuning again.
    tuned_deck = os.path.join(source, "inputs", "inverse_problem_dataset.toml")
    tuned = ["--set", "networks.count=1", "--set", "simulation.steps=6000",
             "--set", "simulation.batch_size=1", "--set", "simulation.record_interval=300",
             "--set", "simulation.checkpoint_every=0", "--set", "tune.epochs=8"]

    def tuned_run(out, fault=None):
        env = dict(os.environ, **({"KASCADE_FAULT": fault} if fault else {}))
        argv = [mpiexec, "-n", "2", *mpi_flags, binary, "run", tuned_deck, "-o", out, *tuned]
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)

    ref, out = os.path.join(tmp, "tuned_ref.h5"), os.path.join(tmp, "tuned.h5")
    check(tuned_run(ref).returncode == 0, "tuned: the uninterrupted 2-rank run")
    # (killed at rank 0's 12th checkpoint: long after rank 1 wrote its one)
    check(tuned_run(out, "checkpoint:12").returncode != 0, "tuned: the 2-rank run is killed")
    r = tuned_run(out)
    check(r.returncode == 0 and "not tuned again" in r.stderr and same(ref, out),
          f"tuned, rank 1 without networks: resumed without tuning again ({r.stderr.strip()})")
    with h5py.File(ref, "r") as fa, h5py.File(out, "r") as fb:
        check(all(np.array_equal(fa["tuning"][n][:], fb["tuning"][n][:]) for n in fa["tuning"]),
              "tuned: /tuning as the uninterrupted run's")
    check(not leftovers(tmp), f"tuned: nothing left behind ({leftovers(tmp)})")

    # Files that merely share the names of other ranks' files, but are not kascade's, are left.
    out = os.path.join(tmp, "mine.h5")
    for name in ("mine.h5.ckpt.3", "mine.h5.spill.12"):
        with open(os.path.join(tmp, name), "w") as f:
            f.write("precious")
    r = run(out, 4)
    check(r.returncode == 0, f"a run beside look-alike files ({r.stderr.strip()})")
    r = run(os.path.join(tmp, "mine.h5"), 4, 1, None, "--overwrite", "--fresh")
    check(r.returncode == 0 and all(os.path.exists(os.path.join(tmp, n))
                                    for n in ("mine.h5.ckpt.3", "mine.h5.spill.12")),
          f"completed and --fresh runs leave files that are not kascade's ({r.stderr.strip()})")
    r = run(out, 4, 1, None, "--overwrite", command="generate")
    check(r.returncode == 0, f"generate is not refused by look-alikes ({r.stderr.strip()})")
    for name in ("mine.h5", "mine.h5.ckpt.3", "mine.h5.spill.12"):
        os.remove(os.path.join(tmp, name))

    # --fresh with one rank after a 2-rank kill: rank 1's files go too.
    out = os.path.join(tmp, "fresh.h5")
    run(out, 4, 2, "checkpoint:3")
    r = run(out, 4, 1, None, "--fresh")
    check(r.returncode == 0 and same(os.path.join(tmp, "ref_4.h5"), out),
          f"--fresh on one rank after a 2-rank kill ({r.stderr.strip()})")
    check(not leftovers(tmp), f"--fresh removes every rank's files ({leftovers(tmp)})")
    os.remove(out)

    # generate refuses an output whose run can resume, and touches none of its files.
    out = os.path.join(tmp, "interrupted.h5")
    run(out, 4, 1, "checkpoint:3")
    before = {f: os.path.getsize(os.path.join(tmp, f)) for f in leftovers(tmp)}
    r = run(out, 4, command="generate")
    check(one_line_error(r, out + ".ckpt.0", "-o"),
          f"generate refuses an interrupted run's output: {r.returncode} {r.stderr!r}")
    after = {f: os.path.getsize(os.path.join(tmp, f)) for f in leftovers(tmp)}
    check(before == after and not os.path.exists(out), "generate leaves the run's files alone")
    r = run(out, 4)
    check(r.returncode == 0 and same(os.path.join(tmp, "ref_4.h5"), out), "the run then resumes")
    os.remove(out)

    # A full disk while the two ranks assemble the file (KASCADE_FAULT=file_limit: no file may
    # grow past 100 kB from the assembly on; the spill files are a few kB): no hang, one line of
    # kascade's naming the .partial, which is gone; the spill files and checkpoints stay, and the
    # same command then writes the uninterrupted run's file.
    out = os.path.join(tmp, "full.h5")
    r = run(out, 4, 2, "file_limit:100000")
    lines = [line for line in r.stderr.splitlines() if line.startswith("kascade")]
    check(r.returncode not in (0, "timeout") and len(lines) == 1 and
          out + ".partial: cannot write" in lines[0] and "run the same command again" in lines[0],
          f"a full disk on two ranks: one line, no hang: {r.returncode} {r.stderr[-600:]!r}")
    check(not os.path.exists(out + ".partial") and not os.path.exists(out) and
          all(os.path.exists(f"{out}.{kind}.{rank}") for kind in ("spill", "ckpt") for rank in (0, 1)),
          f"a full disk keeps the spill files and checkpoints only ({sorted(os.listdir(tmp))})")
    r = run(out, 4, 2)
    check(r.returncode == 0 and same(os.path.join(tmp, "ref_4.h5"), out),
          f"after a full disk the same command writes the file ({r.stderr.strip()})")
    check(not leftovers(tmp), f"full disk on two ranks: nothing left behind ({leftovers(tmp)})")
    os.remove(out)

    # A rank that cannot create its spill file stops both ranks, with its message.
    out = os.path.join(tmp, "blocked.h5")
    os.mkdir(out + ".spill.1")
    r = run(out, 4, 2)
    check(one_line_error(r, "blocked.h5.spill.1"), f"one rank's error stops both: {r.returncode} {r.stderr!r}")
    check(os.path.isdir(out + ".spill.1"), "the directory in the way is left alone")
    os.rmdir(out + ".spill.1")
    check(not leftovers(tmp) and not os.path.exists(out), f"nothing written ({leftovers(tmp)})")

    # Ranks that read different decks (each its own working directory: another node's files)
    # are refused, where each had planned its own run into one file that looked complete.
    out = os.path.join(tmp, "mixed.h5")
    for name, seed in (("a", 1), ("b", 2)):
        os.mkdir(os.path.join(tmp, name))
        with open(os.path.join(tmp, name, "d.toml"), "w") as f:
            f.write(f"seed = {seed}\n[simulation]\nsteps = 10\n")
    argv = [mpiexec, *mpi_flags, "-n", "1", "-wdir", os.path.join(tmp, "a"), binary, "run", "d.toml",
            "-o", out, "-q", ":", "-n", "1", "-wdir", os.path.join(tmp, "b"), binary, "run",
            "d.toml", "-o", out, "-q"]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    check(r.returncode != 0 and "the ranks read different decks" in r.stderr and
          not os.path.exists(out), f"ranks with different decks are refused: {r.returncode} {r.stderr!r}")
finish()
