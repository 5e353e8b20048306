#!/usr/bin/python3
"""kill -9 at random moments, restart with the same command: the final file's spikes,
connectivity and summaries are bitwise those of an uninterrupted run. A checkpoint of another
deck is refused; --fresh starts over.

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
common = ["--set", "networks.count=200", "--set", "simulation.steps=12000",
          "--set", "simulation.batch_size=40", "--set", "simulation.record_interval=300",
          "--set", "simulation.checkpoint_every=0", "-q"]
rng = random.Random(20251125)



def compare(a, b):
    names = ["spikes/step", "spikes/neuron", "spikes/block_ptr", "spikes/block_offset",
             "spikes/block_length", "connectivity/source", "connectivity/target",
             "connectivity/weight", "networks/spike_count", "networks/clipped_probabilities",
             "networks/runaway_step"]
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
            check(not os.path.exists(out), "no file under the final name after a kill")
    print(f"killed {kills} times")
    check(kills == 4, f"the run was killed mid-way 4 times ({kills})")
    check(os.path.exists(out) and compare(ref, out), "restarted file equals the uninterrupted one")
    leftovers = [f for f in os.listdir(tmp) if ".spill." in f or ".ckpt." in f]
    check(not leftovers, f"spill and checkpoint files removed ({leftovers})")

    # A checkpoint of another deck is refused, naming the file; --fresh starts over.
    other = os.path.join(tmp, "other.h5")
    p = subprocess.Popen([binary, "run", deck, "-o", other, *common], stderr=subprocess.DEVNULL)
    time.sleep(0.3 * duration)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    r = subprocess.run([binary, "run", deck, "-o", other, *common, "--set", "seed=7"],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "checkpoint was written for another deck" in r.stderr,
          f"mismatched checkpoint refused: {r.returncode} {r.stderr.strip()}")
    r = subprocess.run([binary, "run", deck, "-o", other, *common, "--set", "seed=7", "--fresh"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"--fresh starts over ({r.stderr.strip()})")

finish()
