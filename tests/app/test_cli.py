#!/usr/bin/python3
"""End-to-end checks of the kascade command line, read back with h5py.

usage: test_cli.py KASCADE_BINARY SOURCE_DIR
"""
import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, failures, finish  # noqa: E402
from pinned import QUICKSTART_ARGS, check_quickstart_digest  # noqa: E402

import h5py
import numpy as np

binary, source = sys.argv[1], sys.argv[2]


def run(*args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "quick.h5")
    deck = os.path.join(source, "inputs", "quickstart.toml")
    r = run("run", deck, *QUICKSTART_ARGS, "-o", out)
    check(r.returncode == 0, f"quickstart run exits 0 (got {r.returncode}: {r.stderr})")
    check("wrote" in r.stderr and "spikes" in r.stderr, "summary line on stderr")
    # Names kascade writes under must not lead elsewhere: a link at the .partial is refused (the
    # file it names was overwritten), and so is a path longer than MPI-IO takes (it aborted).
    keep = os.path.join(tmp, "keep.txt")
    with open(keep, "w") as f:
        f.write("mine")
    linked = os.path.join(tmp, "linked.h5")
    os.symlink(keep, linked + ".partial")
    r = run("run", deck, "-o", linked, "-q", "--set", "simulation.steps=100")
    with open(keep) as f:
        untouched = f.read() == "mine"
    check(r.returncode == 2 and "a symbolic link where kascade keeps a file" in r.stderr and
          untouched, f"a link at the .partial is refused ({r.returncode} {r.stderr})")
    long_dir = os.path.join(tmp, "d" * 230)
    os.mkdir(long_dir)
    r = run("run", deck, "-o", os.path.join(long_dir, "out.h5"), "-q", "--set", "simulation.steps=100")
    check(r.returncode == 2 and "more than MPI-IO takes" in r.stderr and not os.listdir(long_dir),
          f"an output path too long for MPI-IO is refused ({r.returncode} {r.stderr[-300:]})")
    # Another generator by --set: the deck's table of its own (networks.normal) is dropped.
    switched = os.path.join(tmp, "switched.h5")
    r = run("run", deck, "-o", switched, "-q", "--set", "simulation.steps=100",
            "--set", 'networks.generator="erdos_renyi"', "--set", "networks.erdos_renyi.p=0.3")
    check(r.returncode == 0, f"--set networks.generator switches the generator ({r.stderr.strip()})")
    # An output over a file the run reads (its deck) is refused, also with --overwrite.
    victim = os.path.join(tmp, "victim.toml")
    with open(deck) as f_in, open(victim, "w") as f_out:
        f_out.write(f_in.read())
    r = run("run", victim, "-o", victim, "--overwrite", "-q")
    with open(victim) as f:
        kept = f.read().startswith("# kascade quickstart")
    check(r.returncode == 2 and f"{victim}: is this run's deck" in r.stderr and kept,
          f"an output over the deck is refused and the deck kept ({r.returncode} {r.stderr})")
    with h5py.File(out, "r") as f:
        check(f.attrs["complete"] == 1, "file marked complete")
        check(f.attrs["n_networks"] == 50, "50 networks as in the deck")
        check(f.attrs["recorded_steps"] == 2000, "2000 recorded steps (the --set override)")
        check(b"[networks]" in f["deck"][()], "deck stored")
        n = f["networks/n_neurons"][:]
        check(np.all(n == 20), "20 neurons per network")
        step, neuron = f["spikes/step"][:], f["spikes/neuron"][:]
        check(len(step) > 0, "spikes were recorded")
        check(step.min() >= 0 and step.max() < 2000, "steps within the recorded window")
        check(neuron.max() < 20, "neuron ids within each network")
        ptr, off, length = f["spikes/block_ptr"][:], f["spikes/block_offset"][:], f["spikes/block_length"][:]
        counts = f["networks/spike_count"][:]
        check(ptr[-1] == len(off) and length.sum() == len(step), "block index covers every event")
        for g in range(50):
            blocks = range(ptr[g], ptr[g + 1])
            total = sum(int(length[b]) for b in blocks)
            check(total == counts[g], f"network {g}: index and spike_count agree")
            s = np.concatenate([step[off[b]:off[b] + length[b]] for b in blocks]) if total else np.array([])
            check(np.all(np.diff(s) >= 0), f"network {g}: events in time order")
        rate_hz = len(step) / (50 * 20 * 2000) * 1000.0
        check(1.0 < rate_hz < 50.0, f"mean rate {rate_hz:.2f} Hz is in the BernoulliGLM's range")
        syn = f["networks/synapse_offset"][:]
        check(syn[-1] == len(f["connectivity/weight"]), "synapse offsets cover the connectivity")
        check(not np.any(f["connectivity/source"][:] == f["connectivity/target"][:]), "no self-connections")
        check_quickstart_digest(f, "kascade run")

    # Every shipped deck runs end to end and writes a complete file with spikes in it.
    decks = sorted(glob.glob(os.path.join(source, "inputs", "**", "*.toml"), recursive=True))
    check(len(decks) >= 7, f"decks found: {len(decks)}")
    for d in decks:
        name = os.path.relpath(d, source)
        out_d = os.path.join(tmp, os.path.basename(d) + ".h5")
        shrink = ["--set", "simulation.steps=400"]
        if os.path.basename(d) == "scaling_study.toml":  # 128 M synapses: run a tenth of one network
            shrink += ["--set", "networks.count=1", "--set", "networks.neurons=2000"]
        if os.path.basename(d) == "inverse_problem_dataset.toml":  # tunes 2000 networks first
            shrink += ["--set", "networks.count=40", "--set", "tune.epochs=8"]
        r = run("run", d, *shrink, "-o", out_d, "-q")
        check(r.returncode == 0, f"{name} runs (exit {r.returncode}: {r.stderr.strip()})")
        if r.returncode != 0:
            continue
        with h5py.File(out_d, "r") as f:
            check(f.attrs["complete"] == 1, f"{name}: complete")
            check(f["networks/spike_count"][:].sum() > 0, f"{name}: spikes recorded")
            check("theta" in f["networks/parameters"] or "alpha" in f["networks/parameters"],
                  f"{name}: parameters stored per network")
            if os.path.basename(d) == "loaded.toml":  # (the deck's path is relative to the deck)
                about = f["stimuli/stimulus_0"].attrs
                array = os.path.abspath(os.path.join(source, "inputs", "data", "stimulus.h5"))
                check(about["file"].decode() == array and
                      about["channel_weights"].decode() == "[1, 0.5, 0.25]",
                      f"{name}: the array's absolute path and exact weights recorded: {dict(about)}")

    # The model examples, whole: no runaway network, no clipped probability (-q prints warnings).
    for d in sorted(glob.glob(os.path.join(source, "inputs", "models", "*.toml"))):
        r = run("run", d, "-o", os.path.join(tmp, "whole.h5"), "--overwrite", "-q")
        check(r.returncode == 0 and "warning" not in r.stderr,
              f"{os.path.relpath(d, source)} runs whole without warnings: {r.stderr.strip()}")

    # The other subcommands: a plan without simulating, networks without steps, a summary.
    r = run("run", deck, "--dry-run")
    check(r.returncode == 0 and "rank 0: 50 networks" in r.stdout and "GiB" in r.stdout and
          "iB of host memory" in r.stdout and "spikes 12 bytes each" in r.stdout,
          f"--dry-run prints the plan: {r.stdout!r}")
    check("made again" not in run("run", deck, "--dry-run").stdout,
          "--dry-run: the quickstart's networks are kept")
    r = subprocess.run([binary, "run", deck, "--dry-run"], capture_output=True, text=True,
                       env=dict(os.environ, KASCADE_KEEP_NETWORKS_MIB="0"))
    check(r.returncode == 0 and "(networks made again where needed, over "
          "KASCADE_KEEP_NETWORKS_MIB)" in r.stdout, f"--dry-run says when networks are made "
          f"again: {r.stdout!r}")
    r = subprocess.run([binary, "run", deck, "--dry-run"], capture_output=True, text=True,
                       env=dict(os.environ, KASCADE_KEEP_NETWORKS_MIB="lots"))
    check(r.returncode == 2 and "KASCADE_KEEP_NETWORKS_MIB = 'lots' (environment): needs a number"
          in r.stderr, f"a bad KASCADE_KEEP_NETWORKS_MIB is refused: {r.stderr!r}")
    # More networks than any machine holds (~2.5 TB of host memory): refused before any is made.
    r = run("run", deck, "--dry-run", "--set", "networks.count=4000000000")
    check(r.returncode == 2 and "networks.count = 4000000000 needs about" in r.stderr and
          "GiB of host memory per rank, more than this machine has" in r.stderr,
          f"a run that cannot fit in host memory is refused: {r.stderr!r}")
    # --set takes one value each, so that a deck after it is the deck; an empty -o (an unset
    # shell variable) is refused, not read as the deck's output.
    r = run("run", "--set", "networks.count=3", deck, "--dry-run")
    check(r.returncode == 0 and "rank 0: 3 networks" in r.stdout,
          f"--set before the deck: {r.stdout!r} {r.stderr!r}")
    for sub, target in (("run", deck), ("tune", deck), ("export", out)):
        r = run(sub, target, "-o", "", "-q")
        check(r.returncode == 2 and "--output: must not be empty" in r.stderr,
              f"{sub} -o '': refused: {r.stderr!r}")
    gen = os.path.join(tmp, "gen.h5")
    r = run("generate", deck, "-o", gen, "-q")
    check(r.returncode == 0, f"generate exits 0 ({r.stderr.strip()})")
    with h5py.File(gen, "r") as f, h5py.File(out, "r") as full:
        check(f.attrs["complete"] == 1 and f.attrs["recorded_steps"] == 0 and len(f["spikes/step"]) == 0,
              "generate writes no spikes")
        check(np.array_equal(f["connectivity/weight"][:], full["connectivity/weight"][:]),
              "generate writes the run's connectivity")
    # kascade tune: networks and tuned values, no spikes; the values are the ones a run uses.
    tuned = os.path.join(tmp, "tuned.h5")
    r = run("tune", deck, "--set", "tune.target_rate=15.0", "--set", "tune.epochs=6", "-o", tuned, "-q")
    check(r.returncode == 0, f"tune exits 0 ({r.stderr.strip()})")
    with h5py.File(tuned, "r") as f:
        check(f.attrs["complete"] == 1 and len(f["spikes/step"]) == 0, "tune writes no spikes")
        theta = f["tuning/theta"][:]
        check(len(theta) == 50 and np.all(theta != 5.0), "tune writes a tuned theta per network")
        check(np.array_equal(theta, f["networks/parameters/theta"][:]),
              "the tuned theta is the parameter stored for the networks")
        check(f["tuning"].attrs["method"] == b"newton" or f["tuning"].attrs["method"] == "newton",
              "one parameter per network: the root finder")
        rates = f["tuning/expected_rate_hz"][:]
        check(abs(np.median(rates) / 15.0 - 1) < 0.1, f"expected rates near 15 Hz: {np.median(rates)}")
    # Runaway PoissonGLMs (b = 0.5: every expected rate overflows): tuning b comes down and
    # converges; tuning r, whose way down the weights decide, stops and says why, not that the
    # epochs ran out.
    runaway = os.path.join(tmp, "runaway.toml")
    with open(runaway, "w") as f:
        f.write('seed = 7\n[networks]\ncount = 4\nneurons = 20\n[model]\npreset = "poisson_glm"\n'
                'b = 0.5\n[simulation]\nsteps = 1000\n[tune]\ntarget_rate = 10.0\n')
    r = run("tune", runaway, "--set", 'tune.parameters="b"', "-o", os.path.join(tmp, "rb.h5"))
    check(r.returncode == 0 and "warning" not in r.stderr, f"a runaway b is tuned: {r.stderr!r}")
    r = run("tune", runaway, "--set", 'tune.parameters="r"', "-o", os.path.join(tmp, "rr.h5"))
    check(r.returncode == 0 and "tuning stopped on 4 networks (0, 1, 2, 3) with no expected "
          "rate to go by at any value of r tried (none, overflowing or not a number)" in r.stderr
          and "did not converge" not in r.stderr,
          f"a runaway r stops and says why: {r.stderr!r}")
    # Tuning touches nothing but the tuned values: a run that tunes writes the spikes of a run
    # given those values in the deck.
    tuned_run = os.path.join(tmp, "tuned_run.h5")
    r = run("run", deck, "--set", "tune.target_rate=15.0", "--set", "tune.epochs=6",
            "--set", "simulation.steps=1500", "-o", tuned_run, "-q")
    check(r.returncode == 0, f"run with tuning exits 0 ({r.stderr.strip()})")
    values = "[" + ", ".join(repr(float(t)) for t in theta) + "]"
    given = os.path.join(tmp, "given.h5")
    r = run("run", deck, "--set", f"model.theta={values}", "--set", "simulation.steps=1500",
            "-o", given, "-q")
    check(r.returncode == 0, f"run with the tuned values given exits 0 ({r.stderr.strip()})")
    with h5py.File(tuned_run, "r") as a, h5py.File(given, "r") as b:
        check(np.array_equal(a["tuning/theta"][:], theta), "run and tune tune to the same values")
        check(np.array_equal(a["spikes/step"][:], b["spikes/step"][:]) and
              np.array_equal(a["spikes/neuron"][:], b["spikes/neuron"][:]) and len(a["spikes/step"]) > 0,
              "tuning then simulating = simulating with the tuned values (no hidden state moved)")
    # The tuned values read back from the tune's file: the same spikes, no copying by hand.
    from_file = os.path.join(tmp, "from_file.h5")
    r = run("run", deck, "--set", f'model.theta={{file="{tuned}"}}', "--set",
            "simulation.steps=1500", "-o", from_file, "-q")
    check(r.returncode == 0, f"run with theta from the tune's file exits 0 ({r.stderr.strip()})")
    with h5py.File(from_file, "r") as a, h5py.File(given, "r") as b:
        check(np.array_equal(a["networks/parameters/theta"][:], theta) and
              np.array_equal(a["spikes/step"][:], b["spikes/step"][:]) and
              np.array_equal(a["spikes/neuron"][:], b["spikes/neuron"][:]),
              "theta = { file = tuned.h5 } runs as the tuned values written into the deck")
        check("# model.theta = 50 values of /networks/parameters/theta in " in a["deck"][()].decode(),
              "the deck text records the values read from the file")
    # A deck that tunes, run with the tune's values: --no-tune simulates them as they are (the
    # same spikes, recorded as another deck); without it they are tuned again, and it says so.
    theta_file = f'model.theta={{file="{tuned}"}}'
    no_tune = os.path.join(tmp, "no_tune.h5")
    r = run("run", deck, "--set", "tune.target_rate=15.0", "--set", theta_file, "--set",
            "simulation.steps=1500", "--no-tune", "-o", no_tune, "-q")
    check(r.returncode == 0, f"run --no-tune exits 0 ({r.stderr.strip()})")
    with h5py.File(no_tune, "r") as a, h5py.File(given, "r") as b:
        check("tuning" not in a and a["deck"][()].decode().endswith("# --no-tune") and
              np.array_equal(a["spikes/step"][:], b["spikes/step"][:]) and
              np.array_equal(a["spikes/neuron"][:], b["spikes/neuron"][:]),
              "--no-tune: the values from the file as they are, no /tuning, recorded in the deck")
    r = run("tune", deck, "--set", "tune.target_rate=15.0", "--set", theta_file, "--set",
            "tune.epochs=2", "-o", os.path.join(tmp, "tuned_again.h5"))
    check(r.returncode == 0 and "model.theta comes from /networks/parameters/theta in" in r.stderr
          and "tunes it again" in r.stderr and "--no-tune" in r.stderr,
          f"tuning values read from a file says so: {r.stderr!r}")
    bare = os.path.join(tmp, "bare.toml")
    with open(bare, "w") as fh:
        fh.write("[networks]\ncount = 2\n")
    r = run("tune", bare, "-o", os.path.join(tmp, "bare.h5"))
    check(r.returncode == 2 and "[tune]" in r.stderr, f"tune without [tune] exits 2: {r.stderr!r}")
    r = run("tune", "--help")
    check(r.returncode == 0 and "target" in r.stdout, "tune --help describes the command")
    # A stimulus that begins late in the run: windows of it differ in their drive, so by default
    # every tuning epoch measures the whole run (a note says so) and the rates reach the target;
    # shorter windows asked for are warned of.
    late = ["--set", "networks.count=4", "--set", "simulation.steps=6000", "--set",
            "tune.target_rate=10.0", "--set",
            'stimulus=[{name="late", kind="constant", strength=2.0, start=4500}]']
    late_out = os.path.join(tmp, "late.h5")
    r = run("run", deck, *late, "-o", late_out)
    check(r.returncode == 0 and "stimulus 'late' changes within the run: each tuning epoch "
          "measures all 6000 recorded steps" in r.stderr and "warning" not in r.stderr,
          f"a late stimulus: epochs over the whole run, no warning: {r.stderr!r}")
    check("/100 epochs" in r.stderr and "100/100 epochs" not in r.stderr,
          f"the progress line ends at the epochs the networks needed: {r.stderr!r}")
    with h5py.File(late_out, "r") as f:
        # Within the tuning tolerance (5 %) plus 4.89 Poisson sds of each network's ~1200 spikes
        # (two-sided 1e-6): 5 % + 14 %. Windows of 100 steps left these rates at ~22 Hz.
        rates, spikes = f["networks/rate_hz"][:], f["networks/spike_count"][:]
        bound = 0.05 + 4.89 / np.sqrt(np.maximum(spikes, 1))
        check(np.all(f["tuning/converged"][:] == 1) and np.all(abs(rates / 10.0 - 1) < bound),
              f"tuned over the whole run, the rates with the late stimulus are near 10 Hz: {rates}")
    r = run("tune", deck, *late, "--set", "tune.steps=100", "-q", "-o",
            os.path.join(tmp, "late_windows.h5"))
    check(r.returncode == 0 and "warning: tune.steps = 100 measures windows of the 6000 recorded "
          "steps, but stimulus 'late' changes within them" in r.stderr,
          f"windows shorter than the run with a late stimulus: warned, also with -q: {r.stderr!r}")
    # Pulses every 70 steps: by default the epochs measure whole periods (140 steps) and every
    # network converges (windows of 100 see one or two pulses: none did in 100 epochs, 50-neuron
    # networks); windows of 100 asked for are warned of.
    pulses = ["--set", "networks.count=4", "--set", "simulation.steps=3000", "--set",
              "tune.target_rate=10.0", "--set",
              'stimulus=[{name="pulses", kind="regular", strength=4.0, period=70, width=20}]']
    pulses_out = os.path.join(tmp, "pulses.h5")
    r = run("run", deck, *pulses, "-q", "-o", pulses_out)
    check(r.returncode == 0 and r.stderr == "", f"pulses every 70 steps tune quietly: {r.stderr!r}")
    with h5py.File(pulses_out, "r") as f:
        rates, spikes = f["networks/rate_hz"][:], f["networks/spike_count"][:]
        bound = 0.05 + 4.89 / np.sqrt(np.maximum(spikes, 1))  # (as above)
        check(f["tuning"].attrs["steps_per_epoch"] == b"140" and
              np.all(f["tuning/converged"][:] == 1) and np.all(abs(rates / 10.0 - 1) < bound),
              f"epochs of whole periods of the pulses converge near 10 Hz: {rates}")
    r = run("tune", deck, *pulses, "--set", "tune.steps=100", "--set", "tune.epochs=1", "-q", "-o",
            os.path.join(tmp, "pulses_windows.h5"))
    check(r.returncode == 0 and "warning: tune.steps = 100 is not a whole number of the 70 steps "
          "after which stimulus 'pulses' repeats" in r.stderr and "tune.steps = 140" in r.stderr,
          f"windows that are not whole periods: warned, also with -q: {r.stderr!r}")

    r = run("info", out)
    check(r.returncode == 0 and "complete kascade output" in r.stdout and "50 networks" in r.stdout
          and "[networks]" in r.stdout, f"info summarises the file: {r.stdout[:200]!r}")
    row = re.compile(r"^ +\d+ +\d+ +\d+ +[\d.]+$")  # network, neurons, spikes, rate
    rows = [line for line in r.stdout.splitlines() if row.match(line)]
    check(len(rows) == 10 and "... (40 more: --all lists every network)" in r.stdout,
          f"info lists the first 10 networks: {len(rows)} rows")
    r = run("info", out, "--all")
    rows = [line for line in r.stdout.splitlines() if row.match(line)]
    check(r.returncode == 0 and [int(x.split()[0]) for x in rows] == list(range(50)) and
          "more" not in r.stdout, f"info --all lists every network: {len(rows)} rows")
    r = run("info", tuned)
    check(r.returncode == 0 and "networks only" in r.stdout and
          "tuned theta by newton toward 15 Hz, epochs of 100 steps: " in r.stdout and
          "networks converged (/tuning)" in r.stdout, f"info summarises the tuning: {r.stdout[:400]!r}")
    with h5py.File(tuned, "r") as f:
        about = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["tuning"].attrs.items()}
        check(about.get("parameters") == "theta" and about.get("bounds") == "none" and
              about.get("tolerance") == "0.05" and about.get("steps_per_epoch") == "100",
              f"/tuning records the settings as run: {about}")
    r = run("info", os.path.join(tmp, "nothing.h5"))
    check(r.returncode == 2 and "nothing.h5: no such file" in r.stderr,
          f"info on a missing file exits 2 naming it: {r.stderr!r}")
    unfinished = os.path.join(tmp, "unfinished.h5")
    with open(out, "rb") as f_in, open(unfinished, "wb") as f_out:
        f_out.write(f_in.read())
    with h5py.File(unfinished, "r+") as f:
        f.attrs["complete"] = np.int32(0)
    r = run("info", unfinished)
    check(r.returncode == 3 and "INCOMPLETE kascade output" in r.stdout,
          f"info on an incomplete file prints it and exits 3: {r.returncode} {r.stdout[:100]!r}")

    # An export stopped by SIGTERM while it writes removes its staging folder, says so, and
    # ends as the signal ends a process (a folder of 32 MB was once left, without a word).
    many = os.path.join(tmp, "many.h5")
    r = run("generate", deck, "-o", many, "-q", "--set", "networks.count=20000")
    target = os.path.join(tmp, "stopped_export")
    export = subprocess.Popen([binary, "export", many, "--format", "npy", "-o", target, "-q"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while (not (os.path.isdir(target) and os.listdir(target)) and export.poll() is None and
           time.time() < deadline):
        time.sleep(0.01)
    export.send_signal(signal.SIGTERM)
    _, err = export.communicate()
    check(r.returncode == 0 and export.returncode == -signal.SIGTERM and
          "interrupted: the export wrote nothing" in err and
          (not os.path.exists(target) or not os.listdir(target)),
          f"a stopped export leaves nothing: {export.returncode} {err[-200:]!r}")

    # Export: SONATA spikes and edges validated against the format's rules; dense .npy.
    pg = os.path.join(tmp, "pglm.h5")
    r = run("run", os.path.join(source, "inputs", "models", "poisson_glm.toml"), "--set",
            "simulation.steps=600", "-o", pg, "-q")
    check(r.returncode == 0, f"poisson_glm run ({r.stderr.strip()})")
    sdir, ndir = os.path.join(tmp, "sonata"), os.path.join(tmp, "npy")
    check(run("export", pg, "--format", "sonata", "-o", sdir).returncode == 0, "export sonata")
    check(run("export", pg, "--format", "npy", "-o", ndir).returncode == 0, "export npy")
    # Rasters, spikeometric's simulate() output: [N, steps] per network, counts (Poisson) as
    # uint16, each neuron's events of the file at their steps; 0/1 spikes as uint8.
    rdir, qdir = os.path.join(tmp, "raster"), os.path.join(tmp, "raster_q")
    check(run("export", pg, "--format", "raster", "-o", rdir, "-q").returncode == 0, "export raster")
    check(run("export", out, "--format", "raster", "-o", qdir, "-q").returncode == 0,
          "export raster (Bernoulli)")
    for path, d, dtype in ((pg, rdir, np.uint16), (out, qdir, np.uint8)):
        with h5py.File(path, "r") as k:
            steps, sizes = int(k.attrs["recorded_steps"]), k["networks/n_neurons"][:]
            ptr, off = k["spikes/block_ptr"][:], k["spikes/block_offset"][:]
            length = k["spikes/block_length"][:]
            names = sorted(os.listdir(d))
            check(len(names) == len(sizes), f"{d}: a raster per network: {len(names)}")
            for g, name in enumerate(names):
                expected = np.zeros((sizes[g], steps), dtype)
                for b in range(ptr[g], ptr[g + 1]):
                    sl = slice(off[b], off[b] + length[b])
                    value = k["spikes/count"][sl] if "count" in k["spikes"] else 1
                    expected[k["spikes/neuron"][sl], k["spikes/step"][sl]] = value
                got = np.load(os.path.join(d, name))
                check(got.dtype == dtype and np.array_equal(got, expected) and
                      got.sum() == k["networks/spike_count"][g],
                      f"{d}: network {g}'s raster holds its events ({got.dtype}, {got.shape})")
    # A file whose events lie outside its steps (corrupt) is refused, nothing written (had
    # written out of bounds: a crash).
    bad = os.path.join(tmp, "raster_bad.h5")
    shutil.copy(out, bad)
    with h5py.File(bad, "r+") as k:
        k.attrs["recorded_steps"] = np.int64(10)
    r = run("export", bad, "--format", "raster", "-o", os.path.join(tmp, "raster_bad"), "-q")
    check(r.returncode == 2 and "corrupt?" in r.stderr and r.stderr.count("\n") == 1 and
          not os.path.exists(os.path.join(tmp, "raster_bad")), f"events beyond the steps: {r.stderr!r}")
    r = run("export", tuned, "--format", "raster", "-o", os.path.join(tmp, "raster_none"), "-q")
    check(r.returncode == 2 and "no recorded steps" in r.stderr and
          not os.path.exists(os.path.join(tmp, "raster_none")), f"a file without steps: {r.stderr!r}")
    with h5py.File(pg, "r") as k, h5py.File(os.path.join(sdir, "spikes.h5"), "r") as s_, \
            h5py.File(os.path.join(sdir, "edges.h5"), "r") as e_:
        check(s_.attrs["magic"] == 0x0A7A and list(s_.attrs["version"]) == [0, 1], "spikes magic/version")
        counts = k["networks/spike_count"][:]
        check(sorted(os.listdir(ndir)) == [f"{g:02d}.npy" for g in range(len(counts))],
              f"npy names sort by text in network order, as spikeometric reads them: {os.listdir(ndir)}")
        for g in range(len(counts)):
            pop = s_[f"spikes/network_{g:02d}"]  # padded: 20 networks
            ts, ids = pop["timestamps"], pop["node_ids"]
            enum = h5py.check_enum_dtype(pop.attrs.get_id("sorting").dtype)
            check(enum == {"none": 0, "by_id": 1, "by_time": 2} and pop.attrs["sorting"] == 2,
                  f"network {g}: sorting is the SONATA enum, by_time")
            check(ts.dtype == np.float64 and ids.dtype == np.uint64 and ts.attrs["units"] == "ms",
                  f"network {g}: timestamps float64 in ms, node_ids uint64")
            check(len(ts) == counts[g] and np.all(np.diff(ts[:]) >= 0), f"network {g}: one entry per spike, by time")
            w = np.load(os.path.join(ndir, f"{g:02d}.npy"))  # (padded as the populations)
            s0, s1 = k["networks/synapse_offset"][g:g + 2]
            src, dst = k["connectivity/source"][s0:s1], k["connectivity/target"][s0:s1]
            check(np.array_equal(w[src, dst], k["connectivity/weight"][s0:s1]) and
                  np.count_nonzero(w) == s1 - s0, f"network {g}: npy is W[pre][post]")
            epop = e_[f"edges/network_{g:02d}"]
            check(np.array_equal(epop["source_node_id"][:], src) and
                  np.array_equal(epop["0/syn_weight"][:], k["connectivity/weight"][s0:s1]),
                  f"network {g}: SONATA edges equal the connectivity")

    # Export into a directory holding files: refused (one line naming it, nothing written)
    # unless --overwrite, which replaces the files of the same names.
    def listing(d):
        return {n: hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest()
                for n in sorted(os.listdir(d))}

    def refused(r, *names):
        return (r.returncode == 2 and r.stderr.count("\n") == 1 and
                r.stderr.startswith("kascade: error: ") and all(n in r.stderr for n in names))

    keep = os.path.join(tmp, "keep")
    os.mkdir(keep)
    with open(os.path.join(keep, "edges.h5"), "w") as fh:
        fh.write("precious\n")
    before = listing(keep)
    r = run("export", pg, "--format", "sonata", "-o", keep, "-q")
    check(refused(r, keep, "--overwrite"), f"export into a non-empty directory refused: {r.stderr!r}")
    check(listing(keep) == before, "a refused export leaves the directory as it was")
    r = run("export", pg, "--format", "sonata", "-o", keep, "-q", "--overwrite")
    check(r.returncode == 0 and sorted(os.listdir(keep)) == ["edges.h5", "spikes.h5"],
          f"export --overwrite replaces edges.h5 ({r.stderr.strip()})")
    # npy: <number>.npy files that an export would not rewrite are refused even with --overwrite
    # (the folder would pass for one larger export); a failed export changes nothing.
    quick = os.path.join(source, "inputs", "quickstart.toml")
    five, mixed = os.path.join(tmp, "five.h5"), os.path.join(tmp, "mixed.h5")
    for path, sizes in ((five, "20"), (mixed, "[10,10,10,30,10]")):
        r = run("run", quick, "-q", "-o", path, "--set", "simulation.steps=100", "--set",
                "networks.count=5", "--set", f"networks.neurons={sizes}")
        check(r.returncode == 0, f"run of 5 networks ({r.stderr.strip()})")
    before = listing(ndir)
    for extra in ([], ["--overwrite"]):
        r = run("export", five, "--format", "npy", "-o", ndir, "-q", *extra)
        check(refused(r, ndir), f"npy export of 5 networks over 20 refused {extra}: {r.stderr!r}")
    check(listing(ndir) == before, "the 20-network npy export is left as it was")
    mx = os.path.join(tmp, "mx")
    r = run("export", mixed, "--format", "npy", "-o", mx, "--max-neurons", "20", "-q")
    check(refused(r, "mixed.h5", "network 3") and not os.path.exists(mx),
          f"a network above --max-neurons: refused before anything is written: {r.stderr!r}")
    fdir = os.path.join(tmp, "npy5")
    check(run("export", five, "--format", "npy", "-o", fdir, "-q").returncode == 0, "npy of 5")
    before = listing(fdir)
    r = run("export", pg, "--format", "npy", "-o", fdir, "-q", "--overwrite")  # 00..19 over 0..4
    check(refused(r, "0.npy and 4 more", "this export (00.npy ... 19.npy)") and
          listing(fdir) == before, f"an export of 20 networks over one of 5 refused: {r.stderr!r}")
    r = run("export", mixed, "--format", "npy", "-o", fdir, "--max-neurons", "20", "-q", "--overwrite")
    check(refused(r, "network 3") and listing(fdir) == before,
          f"a failed export --overwrite keeps the earlier export: {r.stderr!r}")

    # A full disk while exporting (KASCADE_FAULT=file_limit: no file grows past 1 kB): exit status
    # 1 (not the input's fault), one line naming the file, no crash in HDF5's cleanup, and the
    # target directory as it was (here: never created).
    for fmt in ("sonata", "npy"):
        target = os.path.join(tmp, "full_" + fmt)
        r = subprocess.run([binary, "export", pg, "--format", fmt, "-o", target, "-q"],
                           capture_output=True, text=True,
                           env=dict(os.environ, KASCADE_FAULT="file_limit:1000"))
        check(r.returncode == 1 and r.stderr.startswith("kascade: error: " + target) and
              "cannot write" in r.stderr and r.stderr.count("\n") == 1 and not os.path.exists(target),
              f"{fmt} export onto a full disk: exit 1, one line, nothing left: {r.returncode} {r.stderr!r}")

    # SONATA round trip: 12 networks exported and read back by the sonata generator (which
    # orders populations by name) give each network its own weights.
    q12, son = os.path.join(tmp, "q12.h5"), os.path.join(tmp, "son12")
    r = run("run", quick, "-q", "-o", q12, "--set", "simulation.steps=50", "--set", "networks.count=12")
    check(r.returncode == 0, f"run of 12 networks ({r.stderr.strip()})")

    def sonata_round_trip(output, name):
        """`output` exported as SONATA into TMP/NAME, then read back by the sonata generator:
        (the generate command's result, the file it wrote)."""
        check(run("export", output, "--format", "sonata", "-o", os.path.join(tmp, name),
                  "-q").returncode == 0, f"export into {name}")
        deck_back = os.path.join(tmp, name + "_back.toml")
        with open(deck_back, "w") as fh:
            fh.write(f'[networks]\ngenerator = "sonata"\n\n[networks.sonata]\nfile = "{name}/edges.h5"\n')
        file_back = os.path.join(tmp, name + "_back.h5")
        return run("generate", deck_back, "-q", "-o", file_back), file_back

    r, back = sonata_round_trip(q12, "son12")
    check(r.returncode == 0, f"generate from the exported edges ({r.stderr.strip()})")
    with h5py.File(son + "/edges.h5", "r") as e_:
        check(sorted(e_["edges"]) == [f"network_{g:02d}" for g in range(12)],
              f"populations network_00 .. network_11: {sorted(e_['edges'])}")
    with h5py.File(q12, "r") as a, h5py.File(back, "r") as b:
        for g in range(12):
            same = True
            for name in ("source", "target", "weight"):
                (a0, a1), (b0, b1) = a["networks/synapse_offset"][g:g + 2], b["networks/synapse_offset"][g:g + 2]
                same &= np.array_equal(a[f"connectivity/{name}"][a0:a1], b[f"connectivity/{name}"][b0:b1])
            check(same, f"network {g}: exported and read back with the same weights")

    # Sizes survive a SONATA round trip where the edges cannot tell them: sparse networks whose
    # highest neurons have no synapse, and a network with none at all (the export writes each
    # population's size; before, the import dropped such neurons and refused an empty network).
    er_deck = os.path.join(source, "inputs", "networks", "erdos_renyi.toml")
    sparse = os.path.join(tmp, "sparse.h5")
    r = run("generate", er_deck, "-q", "-o", sparse, "--set", "networks.count=6",
            "--set", "networks.neurons=[20, 20, 20, 20, 20, 3]", "--set", "networks.erdos_renyi.p=0.02")
    check(r.returncode == 0, f"sparse networks generated ({r.stderr.strip()})")
    with h5py.File(sparse, "r") as f:
        off = f["networks/synapse_offset"][:]
        ids = [np.concatenate([f[f"connectivity/{k}"][off[g]:off[g + 1]].astype(np.int64)
                               for k in ("source", "target")]) for g in range(6)]
        ends = [int(i.max(initial=-1)) for i in ids]
        sizes = f["networks/n_neurons"][:]
    check(any(e + 1 < n for e, n in zip(ends, sizes)) and any(e < 0 for e in ends),
          f"the case arises: a network whose top neuron has no synapse, one without synapses {ends}")
    r, back2 = sonata_round_trip(sparse, "sparse_sonata")
    check(r.returncode == 0, f"the sparse export reads back ({r.stderr.strip()})")
    if r.returncode == 0:
        with h5py.File(back2, "r") as f:
            check(np.array_equal(f["networks/n_neurons"][:], sizes),
                  f"sizes survive the round trip: {f['networks/n_neurons'][:]} vs {sizes}")

    # Bad input: exit 2, one line naming the key, no output file.
    bad = os.path.join(tmp, "bad.toml")
    with open(bad, "w") as fh:
        fh.write("[networks]\ncount = 3\nneurns = 4\n")
    out_bad = os.path.join(tmp, "bad.h5")
    r = run("run", bad, "-o", out_bad)
    check(r.returncode == 2, f"bad deck exits 2 (got {r.returncode})")
    check(r.stderr.strip().count("\n") == 0 and "networks.neurns" in r.stderr, f"one line naming the key: {r.stderr!r}")
    check(not os.path.exists(out_bad) and not os.path.exists(out_bad + ".partial"), "no output for a bad deck")

    r = run("run", os.path.join(tmp, "missing.toml"))
    check(r.returncode == 2 and "missing.toml" in r.stderr, "missing deck exits 2 naming the file")

    # A string without its quotes in --set: the message shows the quoted form.
    r = run("run", quick, "-o", os.path.join(tmp, "unquoted.h5"), "--set", "output=foo.h5")
    check(r.returncode == 2 and "--set 'output=\"foo.h5\"'" in r.stderr,
          f"an unquoted string in --set suggests the quotes: {r.stderr!r}")
    # `kascade info` on networks only (generate): no spike figures, says what the file is.
    r = run("info", back)
    check(r.returncode == 0 and "networks only" in r.stdout and "Hz" not in r.stdout,
          f"info on a generated file says it holds networks only: {r.stdout[:300]!r}")
    # The runaway warning names the networks (the first five), as the docs say.
    runaway = os.path.join(tmp, "runaway.h5")
    r = run("run", quick, "-o", runaway, "--set", "model.theta=-5", "--set", "networks.count=7",
            "--set", "simulation.steps=300", "--set", "simulation.runaway_rate_hz=100", "-q")
    check(r.returncode == 0 and "7 networks (0, 1, 2, 3, 4, ...) fired above" in r.stderr and
          "[kascade] wrote" not in r.stderr and "simulating" not in r.stderr,
          f"the runaway warning names the first networks, also under -q (no summary, no "
          f"progress): {r.stderr[-400:]!r}")
    # A resumed run says so, and its rate counts only its own steps (a run resumed after its
    # last batch once showed ~10^11 steps/s).
    resumed = os.path.join(tmp, "resumed.h5")
    env = dict(os.environ, KASCADE_FAULT="assembly:1")
    killed = subprocess.run([binary, "run", quick, "-q", "-o", resumed, "--set", "simulation.steps=400"],
                            capture_output=True, text=True, env=env)
    check(killed.returncode < 0, f"killed in the assembly ({killed.returncode})")
    r = run("run", quick, "-o", resumed, "--set", "simulation.steps=400")
    rates = [w for line in r.stderr.replace("\r", "\n").splitlines() if "steps/s" in line
             for w, unit in zip(line.split(), line.split()[1:]) if unit == "steps/s"]
    check(r.returncode == 0 and "resuming " + resumed in r.stderr and rates and
          set(rates) == {"-"},
          f"a resumed run says so and shows no rate for steps it did not do: {rates} {r.stderr!r}")
    r = run("--help")
    check(r.returncode == 0 and "run" in r.stdout, "--help lists the run command")
    r = run("--version")
    check(r.returncode == 0 and "kascade" in r.stdout and "Kokkos" in r.stdout, "--version names revision and backend")

# --- /stimuli output group (issue 5) -------------------------------------------------------
def check_stimuli_group():
    """The shipped stimulus decks through the CLI: /stimuli/<name> holds one value per network of
    every parameter, the targets (per-network ragged arrays) and, for Poisson trains only, the
    onsets, all consistent with the deck."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "poisson.h5")
        deck = os.path.join(source, "inputs", "stimuli", "poisson.toml")
        r = run("run", deck, "--set", "simulation.steps=3000", "-o", out, "-q")
        check(r.returncode == 0, f"stimuli/poisson.toml runs (exit {r.returncode}: {r.stderr.strip()})")
        if r.returncode != 0:
            return
        with h5py.File(out, "r") as f:
            g = f["stimuli/stimulus_0"]
            check(g.attrs["kind"] == b"poisson" or g.attrs["kind"] == "poisson", "poisson: kind attribute")
            check(list(g["strength"][:]) == [2.0, 4.0, 6.0, 8.0], "poisson: strength per network")
            check(np.all(g["mean_interval"][:] == 150.5), "poisson: real mean interval stored")
            tptr, tg = g["target_ptr"][:], g["targets"][:]
            check(len(tptr) == 5 and np.all(np.diff(tptr) == 8), "poisson: round(0.2 * 40) = 8 targets each")
            optr, on = g["onset_ptr"][:], g["onsets"][:]
            check(len(optr) == 5 and optr[-1] == len(on), "poisson: onset_ptr covers the onsets")
            for n in range(4):
                t = tg[tptr[n]:tptr[n + 1]]
                check(np.all(np.diff(t) > 0) and t.min() >= 0 and t.max() < 40, f"poisson: targets of {n} sorted, distinct, in range")
                o = on[optr[n]:optr[n + 1]]
                check(len(o) > 5 and o[0] == 100 and np.all(np.diff(o) > 0) and o[-1] < 3000,
                      f"poisson: onsets of {n} start at 100, increase, end before the last step")
            check(not np.array_equal(on[optr[0]:optr[1]], on[optr[1]:optr[2]]), "poisson: onsets differ per network")

        # generate and tune realise the stimuli of a run of the deck (they record no steps, but a
        # Poisson train's onsets span the deck's steps): the same onsets, and tuning with them.
        deck = os.path.join(source, "inputs", "inverse_problem_dataset.toml")
        shrink = ["--set", "networks.count=4", "--set", "simulation.steps=2000",
                  "--set", "simulation.equilibration_steps=100", "--set", "tune.epochs=4", "-q"]
        files = {c: os.path.join(tmp, f"{c}.h5") for c in ("run", "tune", "generate")}
        for command, path in files.items():
            r = run(command, deck, *shrink, "-o", path)
            check(r.returncode == 0, f"{command} of the Poisson deck exits 0 ({r.stderr.strip()})")
        with h5py.File(files["run"], "r") as a, h5py.File(files["tune"], "r") as b, \
                h5py.File(files["generate"], "r") as c:
            onsets = a["stimuli/probe/onsets"][:]
            check(len(onsets) > 0, "the Poisson deck's run stores onsets")
            for name, f in (("tune", b), ("generate", c)):
                check(np.array_equal(f["stimuli/probe/onset_ptr"][:], a["stimuli/probe/onset_ptr"][:])
                      and np.array_equal(f["stimuli/probe/onsets"][:], onsets),
                      f"{name} stores the onsets of a run of the deck")
            check(np.array_equal(b["tuning/theta"][:], a["tuning/theta"][:]),
                  "tune tunes with the Poisson stimulus, as a run does")

        # simulation.spike_seed: another sample of the spikes alone (networks, stimuli and tuned
        # values from the run's seed); the run's own seed as spike_seed changes nothing.
        resampled = {k: os.path.join(tmp, f"spike_seed_{k}.h5") for k in (7, 2026)}
        for k, path in resampled.items():
            r = run("run", deck, *shrink, "-o", path, "--set", f"simulation.spike_seed={k}")
            check(r.returncode == 0, f"spike_seed={k} runs ({r.stderr.strip()})")
        with h5py.File(files["run"], "r") as a, h5py.File(resampled[7], "r") as b, \
                h5py.File(resampled[2026], "r") as c:
            same = all(np.array_equal(a[d][:], b[d][:]) for d in
                       ("connectivity/weight", "connectivity/source", "stimuli/probe/onsets",
                        "stimuli/probe/targets", "tuning/theta"))
            check(same, "spike_seed keeps the networks, stimuli and tuned values")
            check(not np.array_equal(a["spikes/step"][:], b["spikes/step"][:]),
                  "spike_seed = 7 draws other spikes")
            check(all(np.array_equal(a[d][:], c[d][:]) for d in ("spikes/step", "spikes/neuron")),
                  "spike_seed = the deck's seed gives the same spikes")
            check(int(b.attrs["spike_seed"]) == 7 and int(a.attrs["spike_seed"]) == 2026 and
                  int(b.attrs["seed"]) == 2026, "the root attribute spike_seed says which")

        out = os.path.join(tmp, "sinusoid.h5")
        deck = os.path.join(source, "inputs", "stimuli", "sinusoid.toml")
        r = run("run", deck, "--set", "simulation.steps=500", "-o", out, "-q")
        check(r.returncode == 0, f"stimuli/sinusoid.toml runs (exit {r.returncode}: {r.stderr.strip()})")
        if r.returncode != 0:
            return
        with h5py.File(out, "r") as f:
            sine, sup = f["stimuli/sine"], f["stimuli/suppression"]
            tptr, tg = sine["target_ptr"][:], sine["targets"][:]
            check(list(tg[tptr[0]:tptr[1]]) == [0, 2, 4, 6, 8] and list(tg[tptr[1]:tptr[2]]) == [1, 3, 5],
                  "sinusoid: explicit lists per network")
            check(list(sine["amplitude"][:]) == [2.0, 2.0] and list(sine["stop"][:]) == [4000.0, 4000.0],
                  "sinusoid: parameters per network")
            check("onsets" not in sine and "onsets" not in sup, "only Poisson trains store onsets")
            check(list(np.diff(sup["target_ptr"][:])) == [20, 20], "constant: targets = all")
            check(list(sup["strength"][:]) == [-2.0, -2.0] and list(sup["start"][:]) == [2000.0, 2000.0],
                  "constant: parameters per network")


check_stimuli_group()
# --- end of /stimuli checks -------------------------------------------------------------------

finish()
