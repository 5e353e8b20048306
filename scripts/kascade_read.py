#!/usr/bin/python3
"""Read kascade output files (docs/output-format.md) into numpy arrays.

Use Debian's /usr/bin/python3 (h5py, numpy). Import this module with scripts/ on the path
(``PYTHONPATH=scripts``), or run it to print a summary of a file:

    /usr/bin/python3 scripts/kascade_read.py FILE [--network G]

Every function takes an open file (from ``open_output``) and, where it reads one network, the
network id ``g`` (``0 … n_networks(f) − 1``). Neuron indices are local to their network; times
are recorded steps (``0`` is the first step after equilibration; ms = step · ``dt_ms``).

Examples, after ``kascade run inputs/stimuli/regular.toml --set simulation.steps=2000`` and
``kascade run inputs/models/poisson_glm.toml --set simulation.steps=2000`` (in the current
directory; ``tests/app/test_readers.py`` runs them as doctests):

>>> import numpy as np
>>> f = open_output("regular.h5")
>>> n_networks(f), int(f.attrs["recorded_steps"]), float(f.attrs["dt_ms"])
(10, 2000, 1.0)
>>> steps, neurons, counts = spikes(f, 3)          # BernoulliGLM: one spike per event
>>> steps.dtype, neurons.dtype, counts is None
(dtype('int64'), dtype('uint32'), True)
>>> all(len(s) == c for (g, s, n, _), c in zip(iter_spikes(f), f["networks/spike_count"]))
True
>>> r = raster(f, 3)                               # [n_neurons, recorded_steps]
>>> r.shape, r.dtype
((50, 2000), dtype('uint8'))
>>> bool(r.sum() == f["networks/spike_count"][3] == len(steps))
True
>>> source, target, weight = weights(f, 3)
>>> W = weight_matrix(f, 3)                        # W[source, target]: row = presynaptic
>>> W.shape, np.count_nonzero(W) == len(weight)
((50, 50), True)
>>> bool(W[source[0], target[0]] == weight[0])
True
>>> p = parameters(f, 3)
>>> p["theta"], p["coupling_window"]
(5.0, 5.0)
>>> s = stimuli(f, 3)["stimulus_0"]
>>> s["kind"], s["targeting"], len(s["targets"]), s["parameters"]["period"]
('regular', 'count', 4, 100.0)
>>> s["onsets"][:3], len(s["onsets"])                # start + k · period, k ≥ 0, before stop
(array([  0, 100, 200]), 20)
>>> f.close()

A model with Poisson emission stores a count per event; its raster holds counts:

>>> with open_output("poisson_glm.h5") as f:
...     steps, neurons, counts = spikes(f, 0)
...     r = raster(f, 0, dtype=np.uint16)
...     print(counts.dtype, r.shape, bool(r.sum() == counts.sum() == f["networks/spike_count"][0]))
uint16 (20, 2000) True
"""
import argparse
import math
import sys

import h5py
import numpy as np

__all__ = ["KascadeFileError", "open_output", "n_networks", "n_neurons", "dt_ms", "spikes",
           "iter_spikes", "raster", "weights", "weight_matrix", "parameters", "stimuli", "stimulus_onsets",
           "summary", "network_summary"]

NO_END = 9e18   # "no end" of a stimulus, as stored


class KascadeFileError(ValueError):
    """The file is not a complete kascade output file."""


def _text(value):
    """A string attribute (fixed-length, null-padded: bytes in h5py) as str."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("ascii", "replace").rstrip("\0")
    return str(value)


def open_output(path):
    """Open a kascade output file for reading and return the h5py.File (usable with `with`).

    Raises KascadeFileError unless the root attributes say `format = "kascade"` and
    `complete = 1` (a `.partial` file, or one whose run is still being written, is refused).
    """
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise KascadeFileError(f"{path}: cannot be opened as an HDF5 file ({e})") from None
    try:
        if "format" not in f.attrs or _text(f.attrs["format"]) != "kascade":
            raise KascadeFileError(f"{path}: not a kascade output file (no root attribute "
                                   f"format = \"kascade\")")
        complete = f.attrs.get("complete")
        if complete is None or int(complete) != 1:
            raise KascadeFileError(
                f"{path}: incomplete kascade output (complete = {complete}): the run is still "
                f"being written or was killed; run the same command again to resume it")
    except Exception:
        f.close()
        raise
    return f


def n_networks(f):
    """Number of networks G in the file."""
    return int(f.attrs["n_networks"])


def _network(f, g):
    n = n_networks(f)
    if isinstance(g, bool) or not isinstance(g, (int, np.integer)):
        raise TypeError(f"network id must be an integer (got {g!r})")
    if not 0 <= g < n:
        raise IndexError(f"{f.filename}: no network {g} (the file has networks 0 … {n - 1})")
    return int(g)


def n_neurons(f, g):
    """Number of neurons of network g."""
    return int(f["networks/n_neurons"][_network(f, g)])


def dt_ms(f):
    """Step length in ms."""
    return float(f.attrs["dt_ms"])


def spikes(f, g):
    """Network g's spike events: (steps int64, neurons uint32, counts uint16 or None).

    Event k is neuron neurons[k] spiking at recorded step steps[k], sorted by step then neuron.
    counts[k] is its number of spikes for models with Poisson emission (the file has
    /spikes/count); without it counts is None and every event is one spike.
    """
    g = _network(f, g)
    sp = f["spikes"]
    b0, b1 = (int(x) for x in sp["block_ptr"][g:g + 2])
    blocks = list(zip(sp["block_offset"][b0:b1].tolist(), sp["block_length"][b0:b1].tolist()))

    def events(name, dtype):
        parts = [sp[name][o:o + n] for o, n in blocks if n > 0]
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)

    steps = events("step", np.int64)
    neurons = events("neuron", np.uint32)
    counts = events("count", np.uint16) if "count" in sp else None
    return steps, neurons, counts


def iter_spikes(f, start=0, stop=None, events_per_read=1 << 22):
    """Yield (g, steps, neurons, counts) for networks start … stop − 1 in order, as spikes(f, g).

    For many networks: it reads the events of a run of networks at once (about events_per_read
    events, at least one network; the blocks of a window in runs of the file, so that memory
    stays about that whatever the layout), where a loop over spikes() reads each network's
    blocks itself (~1 ms a network: minutes for 10^5 networks).
    """
    n = n_networks(f)
    stop = n if stop is None else int(stop)
    start = int(start)
    if not 0 <= start <= stop <= n:
        raise IndexError(f"{f.filename}: networks {start} … {stop - 1} are not all in the file "
                         f"(it has networks 0 … {n - 1})")
    if start == stop:
        return
    sp = f["spikes"]
    ptr = sp["block_ptr"][start:stop + 1].astype(np.int64)
    first = ptr[0]
    begin = sp["block_offset"][first:ptr[-1]].astype(np.int64)
    end = begin + sp["block_length"][first:ptr[-1]].astype(np.int64)
    names = [("step", np.int64), ("neuron", np.uint32)] + \
        ([("count", np.uint16)] if "count" in sp else [])
    length = end - begin
    gap = 1 << 16  # events between two blocks read through rather than read apart (one chunk)
    g = start
    while g < stop:
        # networks [g, h) of about events_per_read events (at least one network)
        h, total = g, 0
        while h < stop:
            b0, b1 = ptr[h - start] - first, ptr[h + 1 - start] - first
            events = int(length[b0:b1].sum())
            if h > g and total + events > events_per_read:
                break
            total += events
            h += 1
        # their blocks in runs of the file, neighbours closer than `gap` in one run (several
        # ranks' parts of a network lie apart: the events between them are not read)
        w0, w1 = ptr[g - start] - first, ptr[h - start] - first
        order = w0 + np.argsort(begin[w0:w1], kind="stable")
        runs = []  # [lo, hi) in the file
        for b in order:
            if runs and begin[b] <= runs[-1][1] + gap:
                runs[-1][1] = max(runs[-1][1], int(end[b]))
            else:
                runs.append([int(begin[b]), int(end[b])])
        run_lo = np.array([lo for lo, _ in runs], np.int64)
        read = {name: [sp[name][lo:hi] for lo, hi in runs] for name, _ in names}

        def piece(name, b):
            r = int(np.searchsorted(run_lo, begin[b], side="right")) - 1
            return read[name][r][begin[b] - run_lo[r]:end[b] - run_lo[r]]

        for k in range(g, h):
            b0, b1 = ptr[k - start] - first, ptr[k + 1 - start] - first
            events = {name: np.concatenate([np.empty(0, dtype)] +
                                           [piece(name, b) for b in range(b0, b1)])
                      .astype(dtype, copy=False) for name, dtype in names}
            yield k, events["step"], events["neuron"], events.get("count")
        g = h


def raster(f, g, dtype=None, start=0, stop=None):
    """Network g's spikes as a dense [n_neurons, steps] array (the predecessor's layout).

    Entry [i, t] is the number of spikes of neuron i at recorded step start + t (0 or 1 without
    Poisson emission), for start ≤ start + t < stop (default: every recorded step).
    dtype: np.uint8 or np.uint16 (any integer type, or bool for "spiked at all"); the default
    is uint8 unless a count exceeds 255, then uint16. An explicit dtype too small for a count
    raises OverflowError.
    """
    recorded = int(f.attrs["recorded_steps"])
    stop = recorded if stop is None else min(int(stop), recorded)
    start = max(int(start), 0)
    n = n_neurons(f, g)
    steps, neurons, counts = spikes(f, g)
    keep = (steps >= start) & (steps < stop)
    steps, neurons = steps[keep], neurons[keep]
    counts = None if counts is None else counts[keep]
    top = 1 if counts is None or len(counts) == 0 else int(counts.max())
    if dtype is None:
        dtype = np.uint8 if top <= 255 else np.uint16
    dtype = np.dtype(dtype)
    if dtype != np.bool_:
        if dtype.kind not in "iu":
            raise TypeError(f"raster dtype must be an integer type or bool (got {dtype})")
        if top > np.iinfo(dtype).max:
            raise OverflowError(f"network {g} has events of {top} spikes: too many for {dtype} "
                                f"(use dtype=np.uint16)")
    out = np.zeros((n, max(stop - start, 0)), dtype)
    out[neurons, steps - start] = 1 if counts is None else counts.astype(dtype)
    return out


def weights(f, g):
    """Network g's synapses: (source uint32, target uint32, weight float32), synapse k being
    source[k] → target[k], in CSR order of the target."""
    g = _network(f, g)
    s0, s1 = (int(x) for x in f["networks/synapse_offset"][g:g + 2])
    c = f["connectivity"]
    return c["source"][s0:s1], c["target"][s0:s1], c["weight"][s0:s1]


def weight_matrix(f, g):
    """Network g's weights as a dense float32 [N, N] matrix W[source, target]: row =
    presynaptic, column = postsynaptic (the predecessor's and the .npy input's convention).
    Duplicate synapses of a file input add up; absent synapses are 0."""
    n = n_neurons(f, g)
    source, target, weight = weights(f, g)
    w = np.zeros((n, n), np.float32)
    np.add.at(w, (source.astype(np.intp), target.astype(np.intp)), weight)
    return w


def parameters(f, g):
    """Network g's model parameters: {name: float} from /networks/parameters, every parameter
    of the preset (defaults included). For preset "custom" the structural choices
    (nonlinearity, emission, coupling, self, noise) are added as {name: str}."""
    g = _network(f, g)
    group = f["networks/parameters"]
    values = {name: float(group[name][g]) for name in group}
    values.update({name: _text(v) for name, v in group.attrs.items()})
    return values


def stimulus_onsets(kind, values, recorded_steps, equilibration_steps=0, stored=None):
    """Pulse onsets (int64 recorded steps) of a stimulus, or None for kinds without pulses.

    poisson: the stored onsets. regular: start + k · period (k = 0, 1, …) within
    [start, stop) and within the simulated steps [−equilibration_steps, recorded_steps),
    rounded up to the first whole step of the pulse (exact for whole periods).
    """
    if kind == "poisson":
        return np.asarray(stored if stored is not None else [], np.int64)
    if kind != "regular":
        return None
    start, period = values["start"], values["period"]
    lo = max(start, -float(equilibration_steps))
    hi = min(values["stop"], float(recorded_steps))
    if not hi > lo or not period > 0:
        return np.empty(0, np.int64)
    k = np.arange(math.ceil((lo - start) / period), math.ceil((hi - start) / period),
                  dtype=np.float64)
    onsets = start + k * period
    onsets = onsets[(onsets >= lo) & (onsets < hi)]
    return np.ceil(onsets).astype(np.int64)


def stimuli(f, g):
    """The stimuli of network g: {name: {"kind", "targeting", "parameters", "targets",
    "onsets", "attributes"}}, in name order (empty without /stimuli).

    kind, targeting: str. parameters: {name: float} (no end is 9e18). targets: int32 array of
    the target neurons, ascending. onsets: int64 array of pulse onsets in recorded steps for
    "poisson" (stored) and "regular" (computed: see stimulus_onsets), None for other kinds.
    attributes: the group's other string attributes (file, dataset, channel_weights of a
    "loaded" stimulus).
    """
    g = _network(f, g)
    out = {}
    if "stimuli" not in f:
        return out
    # (a generate or tune file records no steps; its stimuli are those of a run of the deck)
    recorded = int(f.attrs.get("stimulus_steps", f.attrs["recorded_steps"]))
    equilibration = int(f.attrs.get("equilibration_steps", 0))
    ragged = ("target_ptr", "targets", "onset_ptr", "onsets")
    for name in sorted(f["stimuli"]):
        group = f["stimuli"][name]
        kind = _text(group.attrs["kind"])
        t0, t1 = (int(x) for x in group["target_ptr"][g:g + 2])
        stored = None
        if "onsets" in group:
            o0, o1 = (int(x) for x in group["onset_ptr"][g:g + 2])
            stored = group["onsets"][o0:o1].astype(np.int64)
        values = {key: float(group[key][g]) for key in group if key not in ragged}
        out[name] = {
            "kind": kind,
            "targeting": _text(group.attrs.get("targeting", b"")),
            "parameters": values,
            "targets": group["targets"][t0:t1].astype(np.int32, copy=False),
            "onsets": stimulus_onsets(kind, values, recorded, equilibration, stored),
            "attributes": {k: _text(v) for k, v in group.attrs.items()
                           if k not in ("kind", "targeting")},
        }
    return out


def _number(x):
    return "no end" if x >= NO_END else f"{x:g}"


def summary(f):
    """A few lines describing the file: provenance, model, networks, spikes and stimuli."""
    a = f.attrs
    g = n_networks(f)
    n = f["networks/n_neurons"][()]
    spikes_ = f["networks/spike_count"][()]
    rate = f["networks/rate_hz"][()] if "rate_hz" in f["networks"] else None
    clipped = f["networks/clipped_probabilities"][()]
    steps, dt = int(a["recorded_steps"]), dt_ms(f)
    lines = [
        f"{f.filename}: kascade {_text(a.get('kascade_version', '?'))} "
        f"({_text(a.get('git_revision', '?'))}, {_text(a.get('kokkos_backend', '?'))}), "
        f"format version {int(a.get('format_version', 0))}",
        f"model {_text(a['model'])}, seed {int(a['seed'])}"
        + (f" (spike_seed {int(a['spike_seed'])})"
           if int(a.get("spike_seed", a["seed"])) != int(a["seed"]) else "")
        + f", dt {dt:g} ms, "
        f"{steps} recorded steps ({steps * dt:g} ms) after {int(a['equilibration_steps'])} "
        f"equilibration steps",
        f"{g} networks, {int(n.sum())} neurons ({int(n.min()) if g else 0} … "
        f"{int(n.max()) if g else 0} per network), {len(f['connectivity/weight'])} synapses",
        f"{int(spikes_.sum())} spikes in {len(f['spikes/step'])} events"
        + (f", {rate.min():.3g} … {rate.max():.3g} Hz per network" if rate is not None and g
           else "")
        + (", emission with counts" if "count" in f["spikes"] else "")
        if steps else "networks only (kascade generate or tune): no steps recorded",
    ]
    if "tuning" in f:
        t = f["tuning"]
        epochs, converged = t["epochs"][()], t["converged"][()]
        about = {k: _text(v) for k, v in t.attrs.items()}
        what = " " + about["parameters"] if "parameters" in about else ""
        span = (f"{int(epochs.min())}" if epochs.min() == epochs.max()
                else f"{int(epochs.min())} … {int(epochs.max())}") if g else ""
        lines.append(
            f"tuned{what} by {about.get('method', '?')} toward {about.get('target_rate', '?')}, "
            f"epochs of {about.get('steps_per_epoch', '?')} steps"
            + (f": {span} epochs" if g else "")
            + (f", {int(converged.sum())} of {g} networks converged"
               if about.get("method") == "newton" else "") + " (/tuning)")
    if clipped.sum():
        lines.append(f"clipped probabilities in {int(np.count_nonzero(clipped))} networks "
                     f"({int(clipped.sum())} in all): dt is too large for the rates reached")
    for dataset, what in (("runaway_step", "ran away (/networks/runaway_step)"),
                          ("non_finite_rates", "had rates that were not finite "
                                               "(/networks/non_finite_rates)")):
        flagged = (np.flatnonzero(f["networks"][dataset][()] != (-1 if dataset == "runaway_step"
                                                                    else 0))
                   if dataset in f["networks"] else [])
        if len(flagged):
            shown = ", ".join(str(k) for k in flagged[:10]) + (", …" if len(flagged) > 10 else "")
            plural = "s" if len(flagged) != 1 else ""
            lines.append(f"{len(flagged)} network{plural} {what}: {shown}")
    for name in sorted(f["stimuli"]) if "stimuli" in f else []:
        group = f["stimuli"][name]
        lines.append(f"stimulus {name}: {_text(group.attrs['kind'])}, targets "
                     f"{_text(group.attrs.get('targeting', b'?'))}, "
                     f"{len(group['targets'])} targets in all")
    return "\n".join(lines)


def network_summary(f, g):
    """A few lines describing network g: size, synapses, spikes, parameters and stimuli."""
    g = _network(f, g)
    n = n_neurons(f, g)
    source, target, weight = weights(f, g)
    steps, neurons, counts = spikes(f, g)
    total = len(steps) if counts is None else int(counts.sum())
    seconds = int(f.attrs["recorded_steps"]) * dt_ms(f) / 1000
    rate = total / (n * seconds) if n and seconds else 0.0
    positive, negative = int((weight > 0).sum()), int((weight < 0).sum())
    simulated = (f"{total} spikes in {len(steps)} events ({rate:.3g} Hz), "
                 f"{int(f['networks/clipped_probabilities'][g])} clipped probabilities"
                 if int(f.attrs["recorded_steps"]) > 0 else
                 "not simulated (a file of kascade generate or tune)")
    lines = [f"network {g}: {n} neurons, {len(weight)} synapses ({positive} positive, "
             f"{negative} negative), {simulated}"]
    params = parameters(f, g)
    lines.append("parameters: " + ", ".join(
        f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}" for k, v in params.items()))
    for name, s in stimuli(f, g).items():
        text = ", ".join(f"{k} = {_number(v)}" for k, v in s["parameters"].items())
        text += "".join(f", {k} = {v}" for k, v in s["attributes"].items())
        onsets = "" if s["onsets"] is None else f", {len(s['onsets'])} onsets"
        targets = s["targets"].tolist()
        shown = " ".join(map(str, targets[:16])) + (" …" if len(targets) > 16 else "")
        lines.append(f"stimulus {name}: {s['kind']} on {len(targets)} neurons [{shown}]"
                     f"{onsets}; {text}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Summarise a kascade output file.")
    parser.add_argument("file")
    parser.add_argument("--network", "-g", type=int, action="append",
                        help="also describe network G (may be repeated)")
    args = parser.parse_args(argv)
    try:
        with open_output(args.file) as f:
            for g in args.network or []:
                _network(f, g)
            print(summary(f))
            for g in args.network or []:
                print(network_summary(f, g))
    except (KascadeFileError, IndexError) as e:
        print(f"kascade_read: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
