#!/usr/bin/python3
"""Plots of one network of a kascade output file, written as PNG (matplotlib, Agg backend).

    /usr/bin/python3 scripts/plot.py FILE --network G --out DIR [--kind KIND ...]

writes DIR/network<G>_<kind>.png for each KIND (all of them by default; docs/plots.md):

  raster   spikes over time, stimulus target neurons in colour, stimulus pulses shaded
  rate     population rate over time (binned), and that of the stimulus targets
  rates    histogram of the neurons' mean rates
  isi      inter-spike interval distribution, pooled over the neurons
  weights  the weight matrix W[source, target] (row = presynaptic)
  sta      stimulus-triggered average: rate around the onsets of a regular or Poisson stimulus

Each plot is a function plot_<kind>(f, g, ...) of an open file (kascade_read.open_output) and a
network id, returning a matplotlib Figure; render() writes them. Times are in ms (step · dt_ms).
"""
import argparse
import os
import sys

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kascade_read as kr  # noqa: E402

KINDS = ("raster", "rate", "rates", "isi", "weights", "sta")
TARGET_COLOUR, OTHER_COLOUR, PULSE_COLOUR = "tab:orange", "tab:blue", "gold"


class NoPlot(ValueError):
    """The plot does not apply to this network (e.g. sta without a pulse stimulus)."""


def _figure(width=8.0, height=4.5):
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _title(f, g, what):
    return (f"{os.path.basename(f.filename)}, network {g} "
            f"({kr._text(f.attrs['model'])}): {what}")


def _recorded_steps(f):
    """The file's recorded steps; NoPlot if there are none (a file of kascade generate or tune)."""
    steps = int(f.attrs["recorded_steps"])
    if steps == 0:
        raise NoPlot(f"{f.filename} has no recorded steps (as written by kascade generate or tune)")
    return steps


def _window(f, window_ms):
    """[t0, t1) in recorded steps from a (start, stop) pair in ms (None: every recorded step)."""
    steps = _recorded_steps(f)
    if window_ms is None:
        return 0, steps
    dt = kr.dt_ms(f)
    t0 = max(0, int(np.floor(window_ms[0] / dt)))
    t1 = min(steps, int(np.ceil(window_ms[1] / dt)))
    if t1 <= t0:
        raise NoPlot(f"window {window_ms[0]:g} … {window_ms[1]:g} ms holds no recorded step")
    return t0, t1


def pulse_stimuli(f, g):
    """The network's stimuli with pulses (regular, poisson): {name: stimulus dict}."""
    return {name: s for name, s in kr.stimuli(f, g).items() if s["onsets"] is not None}


def _targets(f, g):
    """Neurons targeted by a pulse stimulus of the network (bool mask), or None if none is
    targeted or all are."""
    n = kr.n_neurons(f, g)
    mask = np.zeros(n, bool)
    for s in pulse_stimuli(f, g).values():
        mask[s["targets"]] = True
    return mask if 0 < mask.sum() < n else None


def _shade_pulses(ax, f, g, t0, t1):
    """Shade the pulses of the network's pulse stimuli within steps [t0, t1)."""
    dt, labelled = kr.dt_ms(f), False
    for s in pulse_stimuli(f, g).values():
        width = s["parameters"]["width"]
        on = s["onsets"][(s["onsets"] + width > t0) & (s["onsets"] < t1)]
        if len(on) == 0 or width <= 0:
            continue
        ax.broken_barh([(o * dt, width * dt) for o in on], (0, 1),
                       transform=ax.get_xaxis_transform(),
                       color=PULSE_COLOUR, alpha=0.3, linewidth=0,
                       label=None if labelled else "stimulus pulses", zorder=0)
        labelled = True
    return labelled


def plot_raster(f, g, window_ms=None):
    """Every spike event of network g: time (ms) against neuron; the neurons targeted by a pulse
    stimulus in colour, its pulses shaded."""
    t0, t1 = _window(f, window_ms)
    dt, n = kr.dt_ms(f), kr.n_neurons(f, g)
    steps, neurons, _ = kr.spikes(f, g)
    keep = (steps >= t0) & (steps < t1)
    steps, neurons = steps[keep], neurons[keep]
    fig, ax = _figure()
    size = float(np.clip(400.0 / max(n, 1), 1.0, 8.0))
    targets = _targets(f, g)
    groups = [(np.ones(len(neurons), bool), "k", None)] if targets is None else \
        [(~targets[neurons], "k", "other neurons"),
         (targets[neurons], TARGET_COLOUR, "stimulus targets")]
    for sel, colour, label in groups:
        ax.plot(steps[sel] * dt, neurons[sel], "|", color=colour, markersize=size,
                markeredgewidth=max(0.5, min(1.5, 2000.0 / max(t1 - t0, 1))), label=label)
    shaded = _shade_pulses(ax, f, g, t0, t1)
    ax.set_xlim(t0 * dt, t1 * dt)
    ax.set_ylim(-0.5, n - 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    ax.set_title(_title(f, g, f"raster, {len(steps)} events"))
    if targets is not None or shaded:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.9)
    return fig


def plot_rate(f, g, bin_ms=None, window_ms=None):
    """Population rate of network g over time (Hz per neuron, in bins of bin_ms: by default
    about 200 bins, whole steps), and that of the neurons targeted by a pulse stimulus."""
    t0, t1 = _window(f, window_ms)
    dt, n = kr.dt_ms(f), kr.n_neurons(f, g)
    bin_steps = max(1, int(round(bin_ms / dt)) if bin_ms else (t1 - t0) // 200)
    edges = np.arange(t0, t1 + bin_steps, bin_steps)
    edges[-1] = min(edges[-1], t1)
    widths_s = np.diff(edges) * dt / 1000.0
    steps, neurons, counts = kr.spikes(f, g)
    weights = np.ones(len(steps)) if counts is None else counts.astype(float)
    fig, ax = _figure()
    _shade_pulses(ax, f, g, t0, t1)
    targets = _targets(f, g)
    groups = [(np.ones(n, bool), "k", "all neurons")]
    if targets is not None:
        groups.append((targets, TARGET_COLOUR, "stimulus targets"))
    for mask, colour, label in groups:
        sel = mask[neurons]
        hist, _ = np.histogram(steps[sel], edges, weights=weights[sel])
        rate = hist / (mask.sum() * widths_s)
        ax.stairs(rate, edges * dt, color=colour, label=f"{label} ({mask.sum()})")
    mean = weights[(steps >= t0) & (steps < t1)].sum() / (n * (t1 - t0) * dt / 1000.0)
    ax.axhline(mean, color="grey", linestyle="--", linewidth=1, label=f"mean {mean:.3g} Hz")
    ax.set_xlim(t0 * dt, t1 * dt)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.25 or 1)  # room for the legend
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz per neuron)")
    ax.set_title(_title(f, g, f"population rate, {bin_steps * dt:g} ms bins"))
    ax.legend(loc="upper right", fontsize="small", framealpha=0.9)
    return fig


def neuron_rates(f, g):
    """Mean rate (Hz) of each neuron of network g over the recorded steps."""
    steps, neurons, counts = kr.spikes(f, g)
    n = kr.n_neurons(f, g)
    total = np.bincount(neurons, weights=None if counts is None else counts, minlength=n)
    return total / (int(f.attrs["recorded_steps"]) * kr.dt_ms(f) / 1000.0)


def plot_rates(f, g):
    """Histogram of the mean rates (Hz) of network g's neurons."""
    _recorded_steps(f)
    rates = neuron_rates(f, g)
    fig, ax = _figure()
    bins = np.histogram_bin_edges(rates, bins=int(np.clip(np.sqrt(len(rates)) * 2, 5, 50)))
    targets = _targets(f, g)
    if targets is None:
        ax.hist(rates, bins, color="0.3", edgecolor="white")
    else:
        ax.hist([rates[~targets], rates[targets]], bins, stacked=True, edgecolor="white",
                color=[OTHER_COLOUR, TARGET_COLOUR], label=["other neurons", "stimulus targets"])
    ax.axvline(rates.mean(), color="k", linestyle="--", linewidth=1,
               label=f"mean {rates.mean():.3g} Hz")
    ax.set_xlabel("mean rate (Hz)")
    ax.set_ylabel("neurons")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(_title(f, g, f"rates of {len(rates)} neurons"))
    ax.legend(loc="upper right", fontsize="small")
    return fig


def intervals(f, g):
    """Inter-spike intervals of network g (recorded steps), pooled over its neurons: the gaps
    between consecutive spikes of a neuron (0 between the spikes of one Poisson event)."""
    steps, neurons, counts = kr.spikes(f, g)
    if counts is not None:
        steps, neurons = np.repeat(steps, counts), np.repeat(neurons, counts)
    order = np.lexsort((steps, neurons))
    steps, neurons = steps[order], neurons[order]
    same = neurons[1:] == neurons[:-1]
    return np.diff(steps)[same]


def plot_isi(f, g):
    """Distribution of network g's inter-spike intervals (ms), with their mean and CV."""
    _recorded_steps(f)
    dt = kr.dt_ms(f)
    isi = intervals(f, g)
    fig, ax = _figure()
    if len(isi) == 0:
        ax.text(0.5, 0.5, "no neuron spiked twice", ha="center", va="center",
                transform=ax.transAxes)
        what = "no intervals"
    else:
        top = int(np.percentile(isi, 99)) + 1
        bin_steps = max(1, int(np.ceil(top / 100)))
        edge_steps = np.arange(0, top + bin_steps, bin_steps)
        edges = edge_steps * dt
        ax.hist(isi * dt, edges, color="0.3", edgecolor="white", linewidth=0.3)
        mean = isi.mean() * dt
        cv = isi.std() / isi.mean() if isi.mean() > 0 else float("nan")
        # (the last bin is closed: an interval on its right edge is drawn, not "not shown")
        clipped = int((isi > edge_steps[-1]).sum())
        ax.axvline(mean, color="tab:red", linestyle="--", linewidth=1,
                   label=f"mean {mean:.3g} ms, CV {cv:.2f}")
        if clipped:
            ax.plot([], [], " ", label=f"{clipped} above {edges[-1]:g} ms not shown")
        ax.legend(loc="upper right", fontsize="small")
        ax.set_xlim(0, edges[-1])
        what = f"{len(isi)} intervals"
    ax.set_xlabel("inter-spike interval (ms)")
    ax.set_ylabel("intervals")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(_title(f, g, f"ISI distribution, {what}"))
    return fig


def plot_weights(f, g):
    """Network g's weight matrix W[source, target] (row = presynaptic), 0 where no synapse."""
    w = kr.weight_matrix(f, g)
    n = len(w)
    fig, ax = _figure(6.4, 5.4)
    top = float(np.abs(w).max()) or 1.0
    image = ax.imshow(w, cmap="RdBu_r", vmin=-top, vmax=top, interpolation="nearest",
                      extent=(-0.5, n - 0.5, n - 0.5, -0.5))
    fig.colorbar(image, ax=ax, label="weight")
    ax.set_xlabel("target (postsynaptic) neuron")
    ax.set_ylabel("source (presynaptic) neuron")
    synapses = len(kr.weights(f, g)[2])
    ax.set_title(_title(f, g, f"{synapses} synapses"), fontsize="medium")
    return fig


def triggered_rate(f, g, onsets, pre, post, bin_steps=1):
    """Spike rate (Hz per neuron) of each neuron around onsets: (lag edges in steps,
    [n_neurons, bins] rates, onsets used). Only onsets whose window [onset − pre, onset + post)
    lies within the recorded steps are used."""
    recorded = int(f.attrs["recorded_steps"])
    onsets = np.asarray(onsets, np.int64)
    onsets = onsets[(onsets - pre >= 0) & (onsets + post <= recorded)]
    edges = np.arange(-pre, post + bin_steps, bin_steps)
    edges = edges[edges <= post]
    steps, neurons, counts = kr.spikes(f, g)
    n = kr.n_neurons(f, g)
    hist = np.zeros((n, len(edges) - 1))
    for o in onsets:
        a, b = np.searchsorted(steps, [o - pre, o + post])
        lag = steps[a:b] - o
        w = None if counts is None else counts[a:b]
        for i in np.unique(neurons[a:b]):
            sel = neurons[a:b] == i
            hist[i] += np.histogram(lag[sel], edges, weights=None if w is None else w[sel])[0]
    seconds = max(len(onsets), 1) * np.diff(edges) * kr.dt_ms(f) / 1000.0
    return edges, hist / seconds, onsets


def plot_sta(f, g, stimulus=None, window_ms=None, bin_ms=None):
    """Stimulus-triggered average: the rate of network g's stimulus targets and other neurons
    around the onsets of a regular or Poisson stimulus (by default the first in name order).
    window_ms = (before, after) onset; by default half an interval before and one after."""
    _recorded_steps(f)
    pulses = pulse_stimuli(f, g)
    if stimulus is None:
        if not pulses:
            raise NoPlot(f"network {g} has no regular or poisson stimulus")
        stimulus = next(iter(pulses))
    if stimulus not in pulses:
        all_ = kr.stimuli(f, g)
        raise NoPlot(f"no stimulus {stimulus!r} with pulses (regular or poisson) in the file"
                     + (f": it is {all_[stimulus]['kind']}" if stimulus in all_ else ""))
    s = pulses[stimulus]
    dt = kr.dt_ms(f)
    onsets, width = s["onsets"], s["parameters"]["width"]
    if window_ms is None:
        gap = float(np.median(np.diff(onsets))) if len(onsets) > 1 else 4 * max(width, 1)
        pre, post = max(1, int(round(gap / 2))), max(2, int(round(gap)))
    else:
        pre, post = int(round(window_ms[0] / dt)), int(round(window_ms[1] / dt))
    bin_steps = max(1, int(round(bin_ms / dt)) if bin_ms else (pre + post) // 100)
    edges, rates, used = triggered_rate(f, g, onsets, pre, post, bin_steps)
    if len(used) == 0:
        raise NoPlot(f"stimulus {stimulus}: no onset with a whole window "
                     f"[-{pre * dt:g}, {post * dt:g}) ms within the recorded steps")
    fig, ax = _figure()
    ax.axvspan(0, width * dt, color=PULSE_COLOUR, alpha=0.3, linewidth=0,
               label=f"pulse ({width * dt:g} ms, strength {s['parameters']['strength']:g})")
    n = len(rates)
    mask = np.zeros(n, bool)
    mask[s["targets"]] = True
    groups = [(mask, TARGET_COLOUR, "stimulus targets")]
    if mask.sum() < n:
        groups.append((~mask, OTHER_COLOUR, "other neurons"))
    for sel, colour, label in groups:
        if sel.any():
            ax.stairs(rates[sel].mean(axis=0), edges * dt, color=colour,
                      label=f"{label} ({sel.sum()})")
    ax.set_xlim(edges[0] * dt, edges[-1] * dt)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.2 or 1)  # room for the legend
    ax.set_xlabel("time from stimulus onset (ms)")
    ax.set_ylabel("rate (Hz per neuron)")
    ax.set_title(_title(f, g, f"{stimulus} ({s['kind']}), {len(used)} onsets, "
                              f"{bin_steps * dt:g} ms bins"))
    ax.legend(loc="upper right", fontsize="small", framealpha=0.9)
    return fig


PLOTS = {"raster": plot_raster, "rate": plot_rate, "rates": plot_rates, "isi": plot_isi,
         "weights": plot_weights, "sta": plot_sta}


def render(f, g, out, kinds=KINDS, dpi=120, options=None):
    """Write out/network<g>_<kind>.png for each kind; return (written paths, {kind: reason}
    of the plots that do not apply). options: {kind: keyword arguments of its function}."""
    os.makedirs(out, exist_ok=True)
    written, skipped = [], {}
    for kind in kinds:
        try:
            fig = PLOTS[kind](f, g, **(options or {}).get(kind, {}))
        except NoPlot as e:
            skipped[kind] = str(e)
            continue
        path = os.path.join(out, f"network{g}_{kind}.png")
        fig.savefig(path, dpi=dpi)
        written.append(path)
    return written, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plot one network of a kascade output file.")
    parser.add_argument("file")
    parser.add_argument("--network", "-g", type=int, default=0, help="network id (default 0)")
    parser.add_argument("--out", "-o", default=".", help="directory of the PNGs (default .)")
    parser.add_argument("--kind", "-k", action="append", choices=("all",) + KINDS,
                        help="plot to make, may be repeated (default all)")
    parser.add_argument("--window", nargs=2, type=float, metavar=("T0", "T1"),
                        help="raster and rate: time window in ms (default the whole run)")
    parser.add_argument("--bin-ms", type=float, help="rate and sta: bin width in ms")
    parser.add_argument("--stimulus", help="sta: the stimulus (default the first regular or "
                                           "poisson one)")
    parser.add_argument("--sta-window", nargs=2, type=float, metavar=("BEFORE", "AFTER"),
                        help="sta: ms before and after the onset")
    parser.add_argument("--dpi", type=int, default=120)
    parser.add_argument("--quiet", "-q", action="store_true")
    args = parser.parse_args(argv)
    kinds = args.kind or ["all"]
    explicit = "all" not in kinds
    kinds = [k for k in KINDS if k in kinds or not explicit]
    options = {"raster": {"window_ms": args.window},
               "rate": {"window_ms": args.window, "bin_ms": args.bin_ms},
               "sta": {"stimulus": args.stimulus, "window_ms": args.sta_window,
                       "bin_ms": args.bin_ms}}
    try:
        with kr.open_output(args.file) as f:
            kr._network(f, args.network)
            written, skipped = render(f, args.network, args.out, kinds, args.dpi, options)
    except (kr.KascadeFileError, IndexError) as e:
        print(f"plot: {e}", file=sys.stderr)
        return 2
    if not args.quiet:
        for path in written:
            print(path)
    kinds_by_reason = {}
    for kind, reason in skipped.items():
        kinds_by_reason.setdefault(reason, []).append(kind)
    for reason, which in kinds_by_reason.items():
        print(f"plot: {', '.join(which)} not plotted: {reason}", file=sys.stderr)
    return 2 if explicit and skipped else 0


if __name__ == "__main__":
    sys.exit(main())
