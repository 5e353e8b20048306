#!/usr/bin/python3
"""The Python readers and plots (scripts/kascade_read.py, scripts/plot.py) against the raw
datasets of real outputs: a BernoulliGLM with a regular stimulus, a PoissonGLM (spike counts)
and a Poisson stimulus (stored onsets). Runs the doctests of the module and of
docs/output-format.md on those outputs, and renders every plot.

usage: test_readers.py KASCADE_BINARY SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, failures, finish  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

binary, source = sys.argv[1], sys.argv[2]
scripts = os.path.join(source, "scripts")
sys.path.insert(0, scripts)
import kascade_read as kr  # noqa: E402

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

python = sys.executable
t_start = time.time()
tmp = tempfile.mkdtemp(prefix="kascade_readers_")
env = dict(os.environ, PYTHONPATH=scripts + os.pathsep + os.environ.get("PYTHONPATH", ""),
           MPLBACKEND="Agg")


def run_python(*args):
    return subprocess.run([python, *args], capture_output=True, text=True, cwd=tmp, env=env)


def raw_events(f, g):
    """Network g's events straight from the datasets, without the reader."""
    sp = f["spikes"]
    ptr = sp["block_ptr"][()]
    rows = []
    for b in range(int(ptr[g]), int(ptr[g + 1])):
        o, n = int(sp["block_offset"][b]), int(sp["block_length"][b])
        rows.append((sp["step"][o:o + n], sp["neuron"][o:o + n],
                     sp["count"][o:o + n] if "count" in sp else np.ones(n, np.uint16)))
    if not rows:
        return np.empty(0, np.int64), np.empty(0, np.uint32), np.empty(0, np.uint16)
    return tuple(np.concatenate(c) for c in zip(*rows))


def check_file(path, counted):
    name = os.path.basename(path)
    with kr.open_output(path) as f:
        G = kr.n_networks(f)
        check(G == int(f.attrs["n_networks"]) == len(f["networks/n_neurons"]),
              f"{name}: n_networks")
        recorded = int(f.attrs["recorded_steps"])
        check(recorded == 2000, f"{name}: --set simulation.steps=2000 applied ({recorded})")
        sizes = f["networks/n_neurons"][()]
        spike_count = f["networks/spike_count"][()]
        offsets = f["networks/synapse_offset"][()]
        events = 0
        ok = {k: True for k in ("events", "sorted", "counts", "raster", "raster_sum", "weights",
                                "matrix", "nnz", "parameters")}
        for g in range(G):
            n = int(sizes[g])
            steps, neurons, counts = kr.spikes(f, g)
            rs, rn, rc = raw_events(f, g)
            events += len(steps)
            ok["events"] &= (steps.dtype == np.int64 and neurons.dtype == np.uint32 and
                             np.array_equal(steps, rs) and np.array_equal(neurons, rn))
            ds, dn = np.diff(steps), np.diff(neurons.astype(np.int64))
            ok["sorted"] &= bool(np.all((ds > 0) | ((ds == 0) & (dn > 0))))
            ok["counts"] &= (counts is None) != counted and \
                (counts is None or (counts.dtype == np.uint16 and np.array_equal(counts, rc)))
            x = kr.raster(f, g, dtype=np.uint16)
            ok["raster"] &= x.shape == (n, recorded) and x.dtype == np.uint16 and \
                np.count_nonzero(x) == len(steps) and np.array_equal(x[neurons, steps], rc)
            x8 = kr.raster(f, g)
            ok["raster_sum"] &= int(x.sum()) == int(spike_count[g]) and \
                (x8.dtype == np.uint8 if int(rc.max(initial=0)) <= 255 else x8.dtype == np.uint16) \
                and int(x8.sum()) == int(spike_count[g])
            source, target, weight = kr.weights(f, g)
            s0, s1 = int(offsets[g]), int(offsets[g + 1])
            ok["weights"] &= (np.array_equal(source, f["connectivity/source"][s0:s1]) and
                              np.array_equal(target, f["connectivity/target"][s0:s1]) and
                              np.array_equal(weight, f["connectivity/weight"][s0:s1]))
            w = kr.weight_matrix(f, g)
            ok["matrix"] &= w.shape == (n, n) and np.array_equal(w[source, target], weight)
            ok["nnz"] &= np.count_nonzero(w) == s1 - s0
            p = kr.parameters(f, g)
            group = f["networks/parameters"]
            ok["parameters"] &= sorted(p) == sorted(group) and \
                all(p[k] == float(group[k][g]) and isinstance(p[k], float) for k in group)
        check(ok["events"], f"{name}: spikes() equals the events of the block index")
        check(events == len(f["spikes/step"]), f"{name}: every event belongs to one network")
        check(ok["sorted"], f"{name}: each network's events sorted by step, then neuron")
        check(ok["counts"], f"{name}: counts {'present' if counted else 'None'} and equal")
        check(ok["raster"], f"{name}: raster [n_neurons, recorded_steps] holds every event")
        check(ok["raster_sum"], f"{name}: raster sums equal /networks/spike_count")
        check(ok["weights"], f"{name}: weights() equals /connectivity")
        check(ok["matrix"], f"{name}: weight_matrix()[source, target] == weight")
        check(ok["nnz"], f"{name}: weight_matrix() nonzeros equal the synapse count")
        check(ok["parameters"], f"{name}: parameters() equal /networks/parameters")
        # iter_spikes() gives what spikes() does, network by network, in windows of any size
        # (of one network's events, of several, of all) and for any range of networks.
        for per_read, first, last in ((1, 0, G), (200, 0, G), (1 << 22, 0, G), (7, 1, G - 1),
                                      (7, G, G)):
            got = list(kr.iter_spikes(f, first, last, events_per_read=per_read))
            same = [g for g, *_ in got] == list(range(first, last))
            for g, steps, neurons, counts in got:
                want = kr.spikes(f, g)
                same &= steps.dtype == want[0].dtype and neurons.dtype == want[1].dtype and \
                    np.array_equal(steps, want[0]) and np.array_equal(neurons, want[1]) and \
                    (counts is None if want[2] is None else np.array_equal(counts, want[2]))
            check(same, f"{name}: iter_spikes({first}, {last}, {per_read}) equals spikes()")
        try:
            list(kr.iter_spikes(f, 0, G + 1))
            check(False, f"{name}: iter_spikes past the last network refused")
        except IndexError as e:
            check("not all in the file" in str(e), f"{name}: iter_spikes range refused ({e})")
        window = kr.raster(f, 0, start=500, stop=700)
        check(np.array_equal(window, kr.raster(f, 0)[:, 500:700]), f"{name}: raster window")
        try:
            kr.spikes(f, G)
            check(False, f"{name}: network {G} refused")
        except IndexError as e:
            check("no network" in str(e), f"{name}: network {G} refused ({e})")
        summary = kr.summary(f)
        check(f"{G} networks" in summary and str(int(spike_count.sum())) in summary,
              f"{name}: summary() names the networks and spikes")
        return G


def synthetic_spikes(path, blocks, order, foreign=0):
    """A complete kascade-layout /spikes group: `blocks[g]` lists network g's blocks (arrays of
    steps), laid out in the file in `order` (pairs (g, b)), `foreign` other events after the
    first (as another rank's part of a round lies between two of a network's blocks)."""
    step, neuron, offset = [], [], {}
    at = 0
    for k, (g, b) in enumerate(order):
        steps = blocks[g][b]
        offset[(g, b)] = at
        step.append(steps)
        neuron.append((steps % 7).astype(np.uint32))
        at += len(steps)
        if k == 0 and foreign:
            step.append(np.zeros(foreign, np.int64))
            neuron.append(np.zeros(foreign, np.uint32))
            at += foreign
    with h5py.File(path, "w") as f:
        f.attrs["format"], f.attrs["complete"], f.attrs["n_networks"] = "kascade", 1, len(blocks)
        sp = f.create_group("spikes")
        sp["step"] = np.concatenate(step).astype(np.int64)
        sp["neuron"] = np.concatenate(neuron).astype(np.uint32)
        ptr, off, length = [0], [], []
        for g, network in enumerate(blocks):
            for b, steps in enumerate(network):
                off.append(offset[(g, b)]), length.append(len(steps))
            ptr.append(len(off))
        for name, v in (("block_ptr", ptr), ("block_offset", off), ("block_length", length)):
            sp[name] = np.array(v, np.uint64)


def check_iter_spikes_layouts():
    """iter_spikes() against spikes() where networks have several blocks, none, and blocks laid
    out out of order (as the parts of several ranks are); and its memory where two blocks of
    one network lie 4 M events apart (it had read everything between them)."""
    rng = np.random.default_rng(5)
    blocks = [[np.sort(rng.integers(100 * b, 100 * b + 100, int(rng.integers(0, 6))))
               for b in range(g % 4)] for g in range(40)]  # 0 to 3 blocks each
    pairs = [(g, b) for g in range(40) for b in range(len(blocks[g]))]
    for label, order in (("in order", pairs),
                         ("shuffled", [pairs[k] for k in rng.permutation(len(pairs))])):
        path = os.path.join(tmp, "layout.h5")
        synthetic_spikes(path, blocks, order)
        same = True
        with kr.open_output(path) as f:
            for per in (1, 5, 50, 1 << 22):
                for first, last in ((0, 40), (3, 17), (39, 40), (5, 5)):
                    got = list(kr.iter_spikes(f, first, last, events_per_read=per))
                    same &= [g for g, *_ in got] == list(range(first, last))
                    for g, steps, neurons, _ in got:
                        want = kr.spikes(f, g)
                        same &= np.array_equal(steps, want[0]) and np.array_equal(neurons, want[1])
        check(same, f"iter_spikes equals spikes() with 0-3 blocks a network, {label}")
    path = os.path.join(tmp, "apart.h5")
    two = [[np.arange(10), np.arange(10, 20)], [np.arange(5)]]
    synthetic_spikes(path, two, [(0, 0), (1, 0), (0, 1)], foreign=1 << 22)
    with kr.open_output(path) as f:
        tracemalloc.start()
        got = list(kr.iter_spikes(f, 0, 2, events_per_read=1000))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        check([len(s) for _, s, _, _ in got] == [20, 5] and peak < 8 << 20,
              f"iter_spikes reads blocks 4 M events apart without what lies between "
              f"(peak {peak >> 20} MiB)")
    os.remove(path)


# ---------------------------------------------------------------- outputs
decks = {"regular.h5": "inputs/stimuli/regular.toml",
         "poisson_glm.h5": "inputs/models/poisson_glm.toml",
         "poisson.h5": "inputs/stimuli/poisson.toml"}
try:
    for out, deck in decks.items():
        r = subprocess.run([binary, "run", os.path.join(source, deck),
                            "--set", "simulation.steps=2000", "-o", os.path.join(tmp, out), "-q"],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"{deck} runs ({r.stderr.strip()})")
    regular, pglm, poisson = (os.path.join(tmp, k) for k in decks)

    # ------------------------------------------------------------ readers against raw datasets
    check_file(regular, counted=False)
    check_file(pglm, counted=True)
    check_file(poisson, counted=False)
    check_iter_spikes_layouts()

    with kr.open_output(pglm) as f:
        check(kr.stimuli(f, 0) == {}, "poisson_glm.h5: no stimuli")
        big = max(int(kr.spikes(f, g)[2].max(initial=0)) for g in range(kr.n_networks(f)))
        try:
            kr.raster(f, 0, dtype=np.uint8)
            check(big <= 255, "uint8 raster of counts > 255 refused")
        except OverflowError:
            check(big > 255, "uint8 raster refused only for counts > 255")

    with kr.open_output(regular) as f:
        group = f["stimuli/stimulus_0"]
        ptr = group["target_ptr"][()]
        ok = True
        for g in range(kr.n_networks(f)):
            s = kr.stimuli(f, g)
            st = s.get("stimulus_0", {})
            ok &= list(s) == ["stimulus_0"] and st["kind"] == "regular" and \
                st["targeting"] == "count" and \
                np.array_equal(st["targets"], group["targets"][ptr[g]:ptr[g + 1]]) and \
                len(st["targets"]) == 4 and \
                st["parameters"] == {k: float(group[k][g]) for k in
                                     ("strength", "period", "width", "start", "stop")} and \
                np.array_equal(st["onsets"], np.arange(0, 2000, 100))
        check(ok, "regular.h5: stimuli() targets, parameters and onsets start + k·period")
    # A generate file records no steps, but its stimuli are those of a run of the deck: the
    # regular train's onsets are listed up to the deck's simulation.steps (stimulus_steps).
    gen = os.path.join(tmp, "regular_generate.h5")
    r = subprocess.run([binary, "generate", os.path.join(source, decks["regular.h5"]), "--set",
                        "simulation.steps=2000", "-o", gen, "-q"], capture_output=True, text=True)
    check(r.returncode == 0, f"generate of the regular deck ({r.stderr.strip()})")
    with kr.open_output(gen) as f:
        check(f.attrs["recorded_steps"] == 0 and f.attrs["stimulus_steps"] == 2000 and
              np.array_equal(kr.stimuli(f, 3)["stimulus_0"]["onsets"], np.arange(0, 2000, 100)),
              "a generate file's regular onsets: those of a run of the deck")

    with kr.open_output(poisson) as f:
        group = f["stimuli/stimulus_0"]
        tptr, optr = group["target_ptr"][()], group["onset_ptr"][()]
        ok = True
        for g in range(kr.n_networks(f)):
            st = kr.stimuli(f, g)["stimulus_0"]
            ok &= st["kind"] == "poisson" and st["onsets"].dtype == np.int64 and \
                np.array_equal(st["targets"], group["targets"][tptr[g]:tptr[g + 1]]) and \
                np.array_equal(st["onsets"], group["onsets"][optr[g]:optr[g + 1]]) and \
                len(st["onsets"]) > 0 and st["onsets"][0] == 100 and \
                st["parameters"]["strength"] == [2.0, 4.0, 6.0, 8.0][g]
        check(ok, "poisson.h5: stimuli() targets, parameters and stored onsets")

    # Regular onsets of a non-whole period and a train that ends before the recorded steps.
    onsets = kr.stimulus_onsets("regular", {"start": -30.0, "period": 25.5, "stop": 60.0},
                                recorded_steps=100, equilibration_steps=20)
    check(np.array_equal(onsets, [-4, 21, 47]), f"regular onsets within the run ({onsets})")

    # ------------------------------------------------------------ refusals
    partial = os.path.join(tmp, "partial.h5")
    shutil.copy(regular, partial)
    with h5py.File(partial, "r+") as f:
        f.attrs["complete"] = np.int32(0)
    other = os.path.join(tmp, "other.h5")
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    text = os.path.join(tmp, "text.h5")
    with open(text, "w") as f:
        f.write("not HDF5\n")
    for path, what in ((partial, "incomplete"), (other, "not a kascade output"),
                       (text, "cannot be opened"), (os.path.join(tmp, "absent.h5"),
                                                     "cannot be opened")):
        try:
            kr.open_output(path).close()
            check(False, f"{os.path.basename(path)} refused")
        except kr.KascadeFileError as e:
            check(what in str(e), f"{os.path.basename(path)} refused: {e}")

    # ------------------------------------------------------------ the summary CLI
    r = run_python(os.path.join(scripts, "kascade_read.py"), regular, "--network", "3")
    check(r.returncode == 0 and "10 networks" in r.stdout and "network 3: 50 neurons" in r.stdout
          and "stimulus stimulus_0: regular on 4 neurons" in r.stdout,
          f"kascade_read.py FILE --network 3 ({r.returncode} {r.stdout!r} {r.stderr.strip()})")
    r = run_python(os.path.join(scripts, "kascade_read.py"), partial)
    check(r.returncode == 2 and "incomplete" in r.stderr, f"summary of a partial file refused "
                                                          f"({r.returncode} {r.stderr.strip()})")
    r = run_python(os.path.join(scripts, "kascade_read.py"), regular, "--network", "10")
    check(r.returncode == 2 and "no network 10" in r.stderr, "summary of network 10 refused")

    # ------------------------------------------------------------ doctests
    for what in (os.path.join(scripts, "kascade_read.py"),
                 os.path.join(source, "docs", "output-format.md")):
        r = run_python("-m", "doctest", "-v", what)
        m = re.search(r"(\d+) passed and (\d+) failed", r.stdout)
        passed = int(m.group(1)) if m else 0
        check(r.returncode == 0 and m and int(m.group(2)) == 0 and passed >= 5,
              f"doctests of {os.path.relpath(what, source)} pass ({passed} examples; "
              f"{r.stdout[-3000:] if r.returncode else ''}{r.stderr.strip()})")

    # ------------------------------------------------------------ plots
    def check_png(path):
        name = os.path.relpath(path, tmp)
        if not check(os.path.isfile(path), f"{name} written"):
            return
        with open(path, "rb") as f:
            magic = f.read(8)
        check(magic == b"\x89PNG\r\n\x1a\n", f"{name} is a PNG")
        size = os.path.getsize(path)
        check(size > 8000, f"{name} is larger than 8 kB ({size} B)")
        image = matplotlib.image.imread(path)
        rgb = image[..., :3]
        drawn = float(np.mean(np.any(rgb < 0.9, axis=-1)))   # not white
        check(image.ndim == 3 and float(rgb.var()) > 1e-3 and drawn > 0.01,
              f"{name} is not blank (variance {float(rgb.var()):.4f}, {drawn:.1%} drawn)")

    plot = os.path.join(scripts, "plot.py")
    kinds = ("raster", "rate", "rates", "isi", "weights", "sta")
    for path, g, expected in ((regular, 3, kinds), (pglm, 0, kinds[:-1]), (poisson, 1, kinds)):
        out = os.path.join(tmp, "png_" + os.path.basename(path)[:-3])
        r = run_python(plot, path, "--network", str(g), "--out", out)
        check(r.returncode == 0, f"plot.py {os.path.basename(path)} ({r.stderr.strip()})")
        if "sta" not in expected:
            check("sta not plotted: network 0 has no regular or poisson stimulus" in r.stderr,
                  f"plot.py says why sta is not plotted ({r.stderr.strip()})")
        for kind in expected:
            check_png(os.path.join(out, f"network{g}_{kind}.png"))
        made = sorted(os.listdir(out)) if os.path.isdir(out) else []
        check(made == sorted(f"network{g}_{k}.png" for k in expected),
              f"plot.py writes exactly the {len(expected)} plots that apply ({made})")
    r = run_python(plot, pglm, "--network", "0", "--out", os.path.join(tmp, "sta"), "--kind", "sta")
    check(r.returncode == 2 and "no regular or poisson stimulus" in r.stderr,
          f"plot.py --kind sta without a pulse stimulus fails clearly ({r.stderr.strip()})")
    out = os.path.join(tmp, "window")
    r = run_python(plot, regular, "-g", "2", "--out", out, "--kind", "raster", "--kind", "rate",
                   "--window", "100", "600", "--bin-ms", "5")
    check(r.returncode == 0 and sorted(os.listdir(out)) == ["network2_raster.png",
                                                           "network2_rate.png"],
          f"plot.py --kind raster --kind rate --window ({r.stderr.strip()})")
    for name in ("network2_raster.png", "network2_rate.png"):
        check_png(os.path.join(out, name))
    r = run_python(plot, partial, "--out", os.path.join(tmp, "none"))
    check(r.returncode == 2 and "incomplete" in r.stderr, "plot.py refuses a partial file")

    # A file without recorded steps (kascade generate): the weights only, the rest skipped with
    # one line naming the file; and a run in which nothing fires: every plot.
    quickstart = os.path.join(source, "inputs", "quickstart.toml")
    generated, silent = os.path.join(tmp, "generated.h5"), os.path.join(tmp, "silent.h5")
    for args in (["generate", quickstart, "-o", generated],
                 ["run", quickstart, "--set", "model.theta=100", "--set", "simulation.steps=200",
                  "-o", silent]):
        r = subprocess.run([binary, *args, "-q"], capture_output=True, text=True)
        check(r.returncode == 0, f"kascade {args[0]} ({r.stderr.strip()})")
    # The summary of a tune's file: networks only, and what was tuned.
    tuned = os.path.join(tmp, "tuned.h5")
    r = subprocess.run([binary, "tune", quickstart, "--set", "tune.target_rate=12.0", "--set",
                        "tune.epochs=2", "-o", tuned, "-q"], capture_output=True, text=True)
    check(r.returncode == 0, f"kascade tune ({r.stderr.strip()})")
    with h5py.File(tuned, "r") as f:
        text = kr.summary(f)
    check("networks only (kascade generate or tune): no steps recorded" in text and
          "tuned theta by newton toward 12 Hz, epochs of 100 steps: " in text and
          "networks converged (/tuning)" in text, f"summary() of a tune's file: {text!r}")
    out = os.path.join(tmp, "png_generated")
    r = run_python(plot, generated, "--out", out)
    check(r.returncode == 0 and r.stderr.strip() == "plot: raster, rate, rates, isi, sta not "
          f"plotted: {generated} has no recorded steps (as written by kascade generate or tune)",
          f"plot.py of a generated file skips the plots of spikes in one line ({r.stderr.strip()})")
    check(os.listdir(out) == ["network0_weights.png"] if os.path.isdir(out) else False,
          "plot.py of a generated file writes the weights only")
    check_png(os.path.join(out, "network0_weights.png"))
    r = run_python(plot, generated, "--out", out, "--kind", "raster", "--kind", "rate")
    check(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and generated in r.stderr,
          f"plot.py --kind raster --kind rate of a generated file fails clearly ({r.stderr})")
    out = os.path.join(tmp, "png_silent")
    r = run_python(plot, silent, "--out", out, "--kind", "all")
    with kr.open_output(silent) as f:
        check(int(f["networks/spike_count"][()].sum()) == 0, "model.theta=100: no spikes")
    check(r.returncode == 0 and sorted(os.listdir(out)) == sorted(
              f"network0_{k}.png" for k in kinds[:-1]),
          f"plot.py of a run without spikes writes every plot that applies ({r.stderr.strip()})")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"readers and plots checked in {time.time() - t_start:.1f} s")
finish()
