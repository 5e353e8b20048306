#!/usr/bin/python3
"""kill -9 at random moments, restart with the same command: the final file's spikes,
connectivity and summaries are bitwise those of an uninterrupted run. Then deterministic kills
through the testing hook KASCADE_FAULT (include/kascade/core/fault.hpp): half-way through a
checkpoint write, and in the middle of the final assembly of the file; after each, no file
looks complete, and a restart ends with the same file. A truncated or garbled checkpoint, and a
checkpoint of another deck, are refused with one line naming the file (exit status 2); --fresh
starts over. SIGUSR1 during a long equilibration checkpoints within it. With
simulation.batch_size = 0 (batches sized by the thread count) a run resumed on
another number of threads (OpenMP builds) keeps its checkpoint's batches.

usage: test_restart.py KASCADE_BINARY SOURCE_DIR
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, failures, finish  # noqa: E402

import h5py
import numpy as np

binary, source = sys.argv[1], sys.argv[2]
deck = os.path.join(source, "inputs", "quickstart.toml")
# A sanitized build (scripts/build.sh sanitize) runs about ten times slower: half the networks.
networks = 100 if os.environ.get("KASCADE_SANITIZED") else 200
common = ["--set", f"networks.count={networks}", "--set", "simulation.steps=12000",
          "--set", "simulation.batch_size=40", "--set", "simulation.record_interval=300",
          "--set", "simulation.checkpoint_every=0", "-q"]
rng = random.Random(20251125)



def nothing_complete(out):
    """No file under the final name, and a .partial (if any) not marked complete."""
    if os.path.exists(out):
        return False
    try:
        with h5py.File(out + ".partial", "r") as f:
            return f.attrs.get("complete", 0) != 1
    except (OSError, KeyError):
        return True  # absent or unreadable: not complete either


def leftovers(tmp):
    return [f for f in os.listdir(tmp) if ".spill." in f or ".ckpt." in f or f.endswith(".partial")]


def interrupt(process, sig, then=()):
    """Sends `sig` to a running process, then each of `then` 2 ms apart while it runs, and waits
    for its end (killed after 120 s): its stderr."""
    try:
        process.send_signal(sig)
        for again in then:
            time.sleep(0.002)
            if process.poll() is None:
                process.send_signal(again)
        return process.communicate(timeout=120)[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def compare(a, b):
    names = ["spikes/step", "spikes/neuron", "spikes/block_ptr", "spikes/block_offset",
             "spikes/block_length", "connectivity/source", "connectivity/target",
             "connectivity/weight", "networks/spike_count", "networks/clipped_probabilities",
             "networks/runaway_step", "networks/non_finite_rates"]
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        return all(np.array_equal(fa[n][:], fb[n][:]) for n in names) and len(fa["spikes/step"]) > 0


with tempfile.TemporaryDirectory() as tmp:
    ref = os.path.join(tmp, "reference.h5")
    t0 = time.time()
    r = subprocess.run([binary, "run", deck, "-o", ref, *common], capture_output=True, text=True)
    duration = time.time() - t0
    check(r.returncode == 0, f"reference run ({r.stderr.strip()})")

    out = os.path.join(tmp, "killed.h5")
    kills = 0
    # Four kills at random moments, each within the first fifth of a run's time so that the
    # work left is never done before the kill; then a run to the end.
    for attempt in range(5):
        p = subprocess.Popen([binary, "run", deck, "-o", out, *common],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            p.wait(timeout=rng.uniform(0.06, 0.2) * duration if attempt < 4 else None)
            check(p.returncode == 0, f"restarted run finishes ({p.stderr.read().strip()})")
            break
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            kills += 1
            check(nothing_complete(out), "no file under the final name after a kill")
    print(f"killed {kills} times")
    check(kills == 4, f"the run was killed mid-way 4 times ({kills})")
    check(os.path.exists(out) and compare(ref, out), "restarted file equals the uninterrupted one")
    check(not leftovers(tmp), f"spill and checkpoint files removed ({leftovers(tmp)})")

    # Deterministic kills (KASCADE_FAULT=<point>:<k>: SIGKILL the k-th time <point> is reached),
    # each followed by a plain restart, on a smaller run: 40 networks in 4 batches of 10, 3000
    # steps in chunks of 300. With checkpoint_every = 0 a rank checkpoints at every chunk (10 per
    # batch) and after every batch: 44 checkpoints in all.
    small = ["--set", "networks.count=40", "--set", "simulation.steps=3000",
             "--set", "simulation.batch_size=10", "--set", "simulation.record_interval=300",
             "--set", "simulation.checkpoint_every=0", "-q"]

    def run(out, fault=None, *extra):
        env = dict(os.environ, KASCADE_FAULT=fault) if fault else None
        return subprocess.run([binary, "run", deck, "-o", out, *small, *extra],
                              capture_output=True, text=True, env=env)

    ref = os.path.join(tmp, "reference_small.h5")
    check(run(ref).returncode == 0, "reference run of the fault-injection tests")
    faults = {"checkpoint:1": ["checkpoint:1"],  # the first checkpoint, none on disk yet
              "checkpoint:2": ["checkpoint:2"],  # replacing a whole one
              "checkpoint:25": ["checkpoint:25"],  # mid-batch, third batch
              "checkpoint:44": ["checkpoint:44"],  # the last one, after the last batch
              "assembly:1": ["assembly:1"],  # spikes half in the .partial file
              "chain": ["checkpoint:30", "checkpoint:5", "assembly:1"]}  # kills on restarts
    for k, (label, sequence) in enumerate(faults.items()):
        out = os.path.join(tmp, f"fault_{k}.h5")
        for fault in sequence:
            r = run(out, fault)
            check(r.returncode == -signal.SIGKILL,
                  f"{label}: {fault} kills the run ({r.returncode} {r.stderr.strip()[-300:]})")
            check(nothing_complete(out), f"{label}: nothing looks complete after {fault}")
            if fault.startswith("checkpoint"):
                check(os.path.exists(out + ".ckpt.0.tmp"),
                      f"{label}: a half-written checkpoint is left by {fault}")
        r = run(out)
        check(r.returncode == 0, f"{label}: the restart completes ({r.stderr.strip()})")
        check(os.path.exists(out) and compare(ref, out),
              f"{label}: restarted file equals the uninterrupted one")
        if os.path.exists(out):
            with h5py.File(out, "r") as f:
                check(f.attrs["complete"] == 1, f"{label}: the restarted file is marked complete")
            os.remove(out)
        check(not leftovers(tmp), f"{label}: nothing left behind ({leftovers(tmp)})")
    # A batch system's warning (SIGUSR1) during the assembly is ignored: the file is finished
    # (it had been abandoned, to be written again by the next job); SIGTERM still stops it, and
    # the same command writes it from the kept spikes.
    out = os.path.join(tmp, "warned_assembly.h5")
    r = run(out, "assembly:1:USR1")
    check(r.returncode == 0 and os.path.exists(out) and compare(ref, out) and not leftovers(tmp),
          f"SIGUSR1 in the assembly: the file is finished ({r.returncode} {r.stderr.strip()[-300:]})")
    os.remove(out)
    r = run(out, "assembly:1:TERM")
    check(r.returncode == -signal.SIGTERM and "interrupted while writing" in r.stderr and
          nothing_complete(out), f"SIGTERM in the assembly stops it ({r.returncode} {r.stderr!r})")
    r = run(out)
    check(r.returncode == 0 and compare(ref, out) and not leftovers(tmp),
          f"... and the same command writes it ({r.stderr.strip()[-300:]})")
    os.remove(out)
    r = run(os.path.join(tmp, "never.h5"), "checkpoint:45")
    check(r.returncode == 0, f"a fault point never reached changes nothing ({r.stderr.strip()})")
    if os.path.exists(os.path.join(tmp, "never.h5")):
        os.remove(os.path.join(tmp, "never.h5"))

    # A damaged checkpoint is refused, naming the file, and nothing is written; --fresh starts
    # over and ends with the uninterrupted run's file.
    out = os.path.join(tmp, "damaged.h5")
    ckpt = out + ".ckpt.0"
    check(run(out, "checkpoint:15").returncode == -signal.SIGKILL, "damaged: killed")
    with open(ckpt, "rb") as f:
        whole = f.read()
    garbage = bytes(random.Random(7).randrange(256) for _ in range(len(whole)))
    damages = {"truncated": whole[:len(whole) // 2], "empty": b"",
               "garbage": garbage, "trailing bytes": whole + b"x",
               "flipped byte": whole[:100] + bytes([whole[100] ^ 1]) + whole[101:]}
    for what, data in damages.items():
        with open(ckpt, "wb") as f:
            f.write(data)
        r = run(out)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("kascade: error: ")
              and ckpt + ":" in lines[0] and "--fresh" in lines[0],
              f"{what} checkpoint refused with one line naming it: {r.returncode} {r.stderr!r}")
        check(nothing_complete(out), f"{what} checkpoint: no output")
    r = run(out, None, "--fresh")
    check(r.returncode == 0 and compare(ref, out), f"--fresh after a damaged checkpoint ({r.stderr})")
    check(not leftovers(tmp), f"damaged: nothing left behind ({leftovers(tmp)})")

    # A checkpoint of another deck is refused, naming the file; --fresh starts over.
    other = os.path.join(tmp, "other.h5")
    r = run(other, "checkpoint:3")  # killed deterministically, with a checkpoint on disk
    check(r.returncode == -signal.SIGKILL, f"killed at the third checkpoint ({r.returncode})")
    r = subprocess.run([binary, "run", deck, "-o", other, *small, "--set", "seed=7"],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "checkpoint was written for another deck" in r.stderr,
          f"mismatched checkpoint refused: {r.returncode} {r.stderr.strip()}")
    r = subprocess.run([binary, "run", deck, "-o", other, *small, "--set", "seed=7", "--fresh"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"--fresh starts over ({r.stderr.strip()})")

    # A kill between the output's rename and the removal of its checkpoints and spill files
    # leaves them beside the complete file (and the lock file): the same command, with nothing
    # to do, removes them (rank 0's: written before the output). Another deck's checkpoint
    # there (rank 1's) stays, and so does one of the same command newer than the output (rank
    # 2's: an interrupted --overwrite of it): they resume from them.
    done = os.path.join(tmp, "done.h5")
    check(run(done).returncode == 0, "left behind: a complete run")
    made = os.stat(done).st_mtime_ns
    for name, fault, extra, rank in (("same.h5", "checkpoint:25", (), 0),
                                     ("foreign.h5", "checkpoint:3", ("--set", "seed=7"), 1),
                                     ("later.h5", "checkpoint:5", (), 2)):
        killed = os.path.join(tmp, name)
        check(run(killed, fault, *extra).returncode == -signal.SIGKILL, f"left behind: {name} killed")
        for suffix in (".ckpt.0", ".ckpt.0.tmp", ".spill.0"):
            if os.path.exists(killed + suffix):
                moved = done + suffix.replace(".0", f".{rank}")
                os.rename(killed + suffix, moved)
                if rank == 0:  # (as the run that made the output wrote it: before)
                    os.utime(moved, ns=(made - 10**9, made - 10**9))
    open(done + ".lock", "w").close()
    r = run(done)
    kept = sorted(f for f in os.listdir(tmp) if f.startswith("done.h5."))
    check(r.returncode == 0 and os.stat(done).st_mtime_ns == made and
          kept == ["done.h5.ckpt.1", "done.h5.ckpt.1.tmp", "done.h5.ckpt.2", "done.h5.ckpt.2.tmp",
                   "done.h5.spill.1", "done.h5.spill.2"],
          f"nothing to do: the run's own checkpoint, spill and lock files removed, another's "
          f"kept ({r.returncode} {kept} {r.stderr.strip()[-200:]})")
    for f in kept:
        os.remove(os.path.join(tmp, f))

    # A run that tunes keeps the tuned values in its checkpoints: killed mid-run, the same
    # command resumes without tuning again (it says so) to the uninterrupted run's file, its
    # /tuning group included.
    tuned_deck = os.path.join(source, "inputs", "inverse_problem_dataset.toml")
    tuned_small = ["--set", "networks.count=8", "--set", "simulation.steps=3000",
                   "--set", "simulation.batch_size=4", "--set", "simulation.record_interval=300",
                   "--set", "simulation.checkpoint_every=0", "--set", "tune.epochs=12"]

    def tuned_run(out, fault=None, *extra):
        env = dict(os.environ, KASCADE_FAULT=fault) if fault else None
        return subprocess.run([binary, "run", tuned_deck, "-o", out, *tuned_small, *extra],
                              capture_output=True, text=True, env=env)

    tuned_ref, tuned_out = os.path.join(tmp, "tuned_reference.h5"), os.path.join(tmp, "tuned.h5")
    check(tuned_run(tuned_ref).returncode == 0, "tuned: the uninterrupted run")
    check(tuned_run(tuned_out, "checkpoint:5").returncode == -signal.SIGKILL, "tuned: killed")
    r = tuned_run(tuned_out)
    same_tuning = False
    if r.returncode == 0:
        with h5py.File(tuned_ref, "r") as fa, h5py.File(tuned_out, "r") as fb:
            same_tuning = sorted(fa["tuning"]) == sorted(fb["tuning"]) and all(
                np.array_equal(fa["tuning"][k][:], fb["tuning"][k][:]) for k in fa["tuning"])
    check(r.returncode == 0 and "not tuned again" in r.stderr and compare(tuned_ref, tuned_out)
          and same_tuning, f"a tuned run resumes with its saved values to the uninterrupted "
          f"file ({r.returncode} {r.stderr.strip()[-300:]!r})")
    # The tuning is kept at once, in a checkpoint of its own: with checkpoints only between
    # batches and one batch, a kill in the last checkpoint (the second: the first is the
    # tuning's) resumes without tuning again.
    os.remove(tuned_out)
    once = ("--set", "simulation.checkpoint_every=-1", "--set", "simulation.batch_size=8")
    check(tuned_run(tuned_out, "checkpoint:2", *once).returncode == -signal.SIGKILL,
          "tuned: killed in its second checkpoint, after the batch")
    r = tuned_run(tuned_out, None, *once)
    check(r.returncode == 0 and "not tuned again" in r.stderr and compare(tuned_ref, tuned_out),
          f"the tuning's own checkpoint spares the resume the tuning ({r.returncode} "
          f"{r.stderr.strip()[-300:]!r})")
    for f in (tuned_ref, tuned_out):
        os.remove(f)
    # `kascade tune` keeps no checkpoints: one that fails while writing (a full disk) leaves
    # nothing that a later tune or run of the same output would take for an interrupted run.
    env = dict(os.environ, KASCADE_FAULT="file_limit:3000")
    r = subprocess.run([binary, "tune", tuned_deck, "-o", tuned_out, *tuned_small, "-q"],
                       capture_output=True, text=True, env=env)
    left = [f for f in os.listdir(tmp) if f.startswith("tuned.h5")]
    check(r.returncode != 0 and not left, f"a failed tune leaves no files: {r.returncode} {left}")

    # checkpoint_every cannot change a spike: a resume may change it (as requeued jobs do).
    every = os.path.join(tmp, "every.h5")
    check(run(every, "checkpoint:3").returncode == -signal.SIGKILL, "every: killed")
    r = run(every, None, "--set", "simulation.checkpoint_every=-1")
    check(r.returncode == 0 and "resum" in r.stderr + r.stdout and compare(ref, every),
          f"a resume with another checkpoint_every ends with the uninterrupted file ({r.stderr})")

    # A network file changed between the kill and the resume is refused like another deck (the
    # resume once joined the old networks' spikes to the new ones' in a file marked complete);
    # unchanged, it resumes to the uninterrupted run's file.
    nets = os.path.join(tmp, "nets.h5")
    with open(os.path.join(source, "inputs", "data", "networks.h5"), "rb") as f:
        nets_bytes = f.read()
    with open(nets, "wb") as f:
        f.write(nets_bytes)
    file_deck = os.path.join(tmp, "from_file.toml")
    with open(file_deck, "w") as f:
        f.write('seed = 3\n[networks]\ngenerator = "hdf5"\n[networks.hdf5]\nfile = "nets.h5"\n'
                '[simulation]\nsteps = 3000\nrecord_interval = 300\ncheckpoint_every = 0\n')

    def run_file(out, fault=None, deck_as=file_deck, cwd=None):
        env = dict(os.environ, KASCADE_FAULT=fault) if fault else None
        return subprocess.run([binary, "run", deck_as, "-o", out, "-q"], capture_output=True,
                              text=True, env=env, cwd=cwd)

    file_ref = os.path.join(tmp, "file_reference.h5")
    check(run_file(file_ref).returncode == 0, "reference run of a deck with a network file")
    out = os.path.join(tmp, "file_changed.h5")
    check(run_file(out, "checkpoint:3").returncode == -signal.SIGKILL, "file deck: killed")
    with h5py.File(nets, "r+") as f:
        f["connectivity/weight"][0] = 2 * f["connectivity/weight"][0] + 1
    r = run_file(out)
    check(r.returncode == 2 and "checkpoint was written for another deck" in r.stderr and
          "network or stimulus files differ" in r.stderr and nothing_complete(out),
          f"a changed network file is refused on resume: {r.returncode} {r.stderr.strip()}")
    with open(nets, "wb") as f:
        f.write(nets_bytes)
    # (from the deck's directory, the file's path spelled otherwise: the same run)
    r = run_file(out, None, os.path.basename(file_deck), tmp)
    check(r.returncode == 0 and compare(file_ref, out),
          f"the network file as it was: the resume ends with the uninterrupted file ({r.stderr})")

    # A spill file whose bytes are not those written is refused on resume, naming it (it once
    # gave a complete file with impossible neurons); --fresh starts over.
    out = os.path.join(tmp, "spill_damaged.h5")
    check(run(out, "checkpoint:15").returncode == -signal.SIGKILL, "spill damaged: killed")
    with open(out + ".spill.0", "r+b") as f:
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0x55]))
    r = run(out)
    check(r.returncode == 2 and r.stderr.startswith("kascade: error: " + out + ".spill.0: ") and
          "--fresh" in r.stderr and len(r.stderr.splitlines()) == 1 and nothing_complete(out),
          f"a damaged spill file is refused naming it: {r.returncode} {r.stderr!r}")
    # ... and checkpoints of ranks beyond this run's, even half-written ones that a kill cut off
    # before or within their first bytes, go with --fresh.
    for rank, head in ((1, b""), (2, b"kasc")):
        with open(f"{out}.ckpt.{rank}.tmp", "wb") as f:
            f.write(head)
    r = run(out, None, "--fresh")
    check(r.returncode == 0 and compare(ref, out), f"--fresh after a damaged spill ({r.stderr})")
    check(not leftovers(tmp), f"spill damaged: nothing left behind ({leftovers(tmp)})")

    # A full disk during the assembly (KASCADE_FAULT=file_limit:<bytes>: no file grows past 400 kB
    # from the assembly on; the spill file, 200 kB, is written before): one line naming the
    # .partial file, exit status 1, the .partial removed, the spill and checkpoint kept; the same
    # command then writes the uninterrupted run's file.
    out = os.path.join(tmp, "full_disk.h5")
    r = run(out, "file_limit:400000")
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    check(r.returncode == 1 and last.startswith("kascade: error: ") and
          out + ".partial: cannot write" in last and "run the same command again" in last,
          f"a full disk is reported naming the file ({r.returncode} {r.stderr.strip()[-400:]!r})")
    check(not os.path.exists(out + ".partial") and not os.path.exists(out),
          "a full disk leaves no output file")
    check(os.path.exists(out + ".spill.0") and os.path.exists(out + ".ckpt.0"),
          "a full disk keeps the spill file and the checkpoint")
    r = run(out)
    check(r.returncode == 0 and compare(ref, out), f"after a full disk, the same command writes "
          f"the file ({r.stderr.strip()})")
    check(not leftovers(tmp), f"full disk: nothing left behind ({leftovers(tmp)})")

    # One run per output: a second run of an output being written is refused at once with one
    # line (a sweep whose runs share the deck's output), and the first is not disturbed. Ctrl-C
    # then says how to resume; a lock left by a killed run does not block the next one.
    out = os.path.join(tmp, "shared.h5")
    long = [binary, "run", deck, "-o", out, "--set", "networks.count=40",
            "--set", "simulation.steps=3000000", "--set", "simulation.checkpoint_every=0.2"]
    first = subprocess.Popen(long, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120  # (its spill file: made once it holds the lock)
    while (not os.path.exists(out + ".spill.0") and time.time() < deadline and
           first.poll() is None):
        time.sleep(0.05)
    check(os.path.exists(out + ".spill.0") and first.poll() is None,
          "the first run is under way")
    r = run(out, None, "--set", "model.theta=4.5")
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and len(lines) == 1 and "another kascade run is writing" in lines[0]
          and out in lines[0], f"a second run of the same output is refused ({r.returncode} "
          f"{r.stderr.strip()!r})")
    # generate and tune write the output too: refused for the run writing it, not for its
    # checkpoint (as if that run had been interrupted), once there is one.
    while (not os.path.exists(out + ".ckpt.0") and time.time() < deadline and
           first.poll() is None):
        time.sleep(0.05)
    check(os.path.exists(out + ".ckpt.0"), "the first run has written a checkpoint")
    r = subprocess.run([binary, "generate", deck, "-o", out], capture_output=True, text=True)
    check(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and
          "another kascade run is writing" in r.stderr,
          f"generate of an output being written names the run ({r.stderr.strip()!r})")
    check(first.poll() is None, "the first run goes on")
    err = interrupt(first, signal.SIGINT)
    check(first.returncode == -signal.SIGINT and "interrupted" in err and
          "the same command resumes" in err, f"Ctrl-C says how to resume ({first.returncode} "
          f"{err.strip()[-300:]!r})")
    check(os.path.exists(out + ".lock"), "an interrupted run leaves its (released) lock file")
    r = subprocess.run([binary, "generate", deck, "-o", out], capture_output=True, text=True)
    check(r.returncode == 2 and "an interrupted run of" in r.stderr,
          f"generate of an interrupted run's output names its checkpoint ({r.stderr.strip()!r})")
    r = run(out, None, "--fresh")
    check(r.returncode == 0 and compare(ref, out), f"a lock left by a stopped run does not block "
          f"the next ({r.stderr.strip()})")
    check(not os.path.exists(out + ".lock"), "a finished run removes its lock file")


    # A scheduler's SIGTERM mid-batch, with checkpoints only between batches (checkpoint_every
    # < 0) and one batch: each rank writes a checkpoint at its next chunk first, says so even
    # under -q, and ends as the signal would. The signal comes again (mpirun passes on the
    # SIGTERM that Slurm sends to every process of the job; a warning SIGUSR1 before it): the
    # checkpoint is still written. The same command resumes from that checkpoint (not
    # from the start) to the uninterrupted run's file. Once more, it has nothing to do (status 0,
    # the file untouched: a resubmitted job); a changed command is refused.
    reference = os.path.join(tmp, "reference.h5")
    out = os.path.join(tmp, "terminated.h5")
    once = [binary, "run", deck, "-o", out, *common, "--set", "simulation.checkpoint_every=-1",
            "--set", f"simulation.batch_size={networks}"]
    first = subprocess.Popen(once, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120  # (until its first chunk of 40 is in the spill file)
    while (not (os.path.exists(out + ".spill.0") and os.path.getsize(out + ".spill.0") > 0)
           and time.time() < deadline and first.poll() is None):
        time.sleep(0.005)
    check(first.poll() is None and not os.path.exists(out + ".ckpt.0"),
          "mid-batch, before any checkpoint")
    err = interrupt(first, signal.SIGTERM, then=(signal.SIGTERM, signal.SIGUSR1) * 5)
    check(first.returncode == -signal.SIGTERM and "checkpoint written" in err and
          os.path.exists(out + ".ckpt.0"),
          f"SIGTERM (and again) checkpoints, then ends ({first.returncode} {err.strip()[-300:]!r})")
    r = subprocess.run(once, capture_output=True, text=True)
    check(r.returncode == 0 and "resuming" in r.stderr and compare(reference, out),
          f"the same command resumes to the uninterrupted file ({r.stderr.strip()[-300:]!r})")
    made = os.stat(out).st_mtime_ns
    r = subprocess.run(once, capture_output=True, text=True)
    check(r.returncode == 0 and os.stat(out).st_mtime_ns == made,
          f"once complete, the same command has nothing to do ({r.stderr.strip()!r})")
    r = subprocess.run(once + ["--set", "model.theta=4.5"], capture_output=True, text=True)
    check(r.returncode == 2 and "made by another command" in r.stderr,
          f"a changed command is refused ({r.stderr.strip()!r})")

    # A batch system's warning SIGUSR1 during a long equilibration: it is stepped in chunks, so a
    # checkpoint is written at the next one (not after the whole equilibration), the run ends as
    # the signal would, and the same command resumes to the uninterrupted file.
    # Its length is scaled to this machine (a run of 50 000 steps timed first) to last ~3 s, so
    # that the signal, sent soon after the steps begin, lands in the equilibration.
    equilibration = ["--set", "networks.count=40", "--set", "simulation.steps=600",
                     "--set", "simulation.batch_size=40", "--set", "simulation.record_interval=300",
                     "-q"]
    t0 = time.time()
    subprocess.run([binary, "run", deck, "-o", os.path.join(tmp, "calibration.h5"), *equilibration,
                    "--set", "simulation.equilibration_steps=50000"], capture_output=True)
    per_step = max(time.time() - t0, 0.05) / 50000
    equilibration += ["--set",
                      f"simulation.equilibration_steps={min(10**7, max(10**5, int(3 / per_step)))}"]
    eq_ref = os.path.join(tmp, "reference_equilibration.h5")
    r = subprocess.run([binary, "run", deck, "-o", eq_ref, *equilibration], capture_output=True,
                       text=True)
    check(r.returncode == 0, f"reference run with a long equilibration ({r.stderr.strip()})")
    out = os.path.join(tmp, "warned.h5")
    warned = subprocess.Popen([binary, "run", deck, "-o", out, *equilibration],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120  # (the spill file is made just before the steps)
    while not os.path.exists(out + ".spill.0") and time.time() < deadline and warned.poll() is None:
        time.sleep(0.005)
    time.sleep(0.2)
    err = interrupt(warned, signal.SIGUSR1)
    check(warned.returncode == -signal.SIGUSR1 and "in the equilibration" in err and
          os.path.exists(out + ".ckpt.0"),
          f"SIGUSR1 in the equilibration checkpoints, then ends ({warned.returncode} "
          f"{err.strip()[-300:]!r})")
    r = subprocess.run([binary, "run", deck, "-o", out, *equilibration], capture_output=True,
                       text=True)
    check(r.returncode == 0 and "resuming" in r.stderr and compare(eq_ref, out),
          f"the same command resumes to the uninterrupted file ({r.stderr.strip()[-300:]!r})")

    # simulation.batch_size = 0 sizes the batches by the thread count, which a requeued job may
    # change: a resume on another count keeps the checkpoint's batches (it had failed, or stepped
    # the wrong networks and overwritten the checkpoint). OpenMP builds: 1000 networks are two
    # batches on one thread, one on two.
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    if "OpenMP" in version:
        auto = ["--set", "networks.count=1000", "--set", "simulation.steps=3000",
                "--set", "simulation.batch_size=0", "--set", "simulation.record_interval=1000",
                "--set", "simulation.checkpoint_every=0", "-q"]

        def threads_run(out, threads, fault=None):
            env = dict(os.environ, OMP_NUM_THREADS=str(threads))
            if fault:
                env["KASCADE_FAULT"] = fault
            return subprocess.run([binary, "run", deck, "-o", out, *auto],
                                  capture_output=True, text=True, env=env)

        auto_ref = os.path.join(tmp, "reference_auto.h5")
        check(threads_run(auto_ref, 1).returncode == 0, "reference run with batch_size = 0")
        for before, after, fault in [(1, 2, "checkpoint:2"), (1, 2, "checkpoint:4"),
                                     (2, 1, "checkpoint:2")]:
            label = f"batch_size = 0, {fault} on {before} thread(s), resumed on {after}"
            out = os.path.join(tmp, "auto.h5")
            r = threads_run(out, before, fault)
            check(r.returncode == -signal.SIGKILL, f"{label}: killed ({r.stderr.strip()[-300:]})")
            r = threads_run(out, after)
            check(r.returncode == 0 and os.path.exists(out) and compare(auto_ref, out),
                  f"{label}: the uninterrupted file ({r.returncode} {r.stderr.strip()[-300:]})")
            if os.path.exists(out):
                os.remove(out)
            check(not leftovers(tmp), f"{label}: nothing left behind ({leftovers(tmp)})")

finish()
