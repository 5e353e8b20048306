#!/usr/bin/python3
"""Plots and tables of the step benchmarks (docs/performance.md) from Google Benchmark JSON.

    /usr/bin/python3 scripts/plot_performance.py BENCH.json [MORE.json ...] [OUT.png]

Each JSON is the output of `kascade_benchmarks --benchmark_out=FILE --benchmark_out_format=json`
(any filters that include BM_StepSynapses, BM_StepFiring, BM_StepKernel, BM_StepBatch, BM_Step/,
BM_Triad; several files are merged, e.g. the firing sweep run per theta). With repetitions, the
median of each benchmark is used. Prints the tables as Markdown; writes the plot (ms per step
and synaptic events per second against synapses, and the firing-rate sweep per propagation
mode: the panels there is data for) to OUT.png (default: performance.png). Generated files are
not committed.
"""
import json
import re
import statistics
import sys
from collections import defaultdict


def load(path, runs):
    with open(path) as f:
        for b in json.load(f)["benchmarks"]:
            if b.get("run_type") == "aggregate" or "error_occurred" in b:
                continue
            # CPU time of the timing thread per step (an iteration is 100 steps; time unit µs)
            if b.get("time_unit") == "us":
                b["cpu_us_per_step"] = b["cpu_time"] / 100
            runs[b["run_name"] if "run_name" in b else b["name"]].append(b)
    return runs


def median(rows, key):
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else float("nan")


def spread(rows, key):
    values = [r[key] for r in rows if key in r]
    if not values:
        return "–"
    m = statistics.median(values)
    if len(values) == 1:
        return f"{m:.3g}"
    return f"{m:.3g} ({min(values):.3g}–{max(values):.3g})"


def arg(name, key):
    m = re.search(key + r":(-?\d+)", name)
    return int(m.group(1)) if m else None


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")
    print()


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args.pop() if len(args) > 1 and args[-1].endswith(".png") else "performance.png"
    runs = defaultdict(list)
    for path in args:
        load(path, runs)

    step = [n for n in runs if n.startswith("BM_Step/")]
    if step:
        table(["case", "µs/step", "CPU µs/step", "ns/neuron-step", "step/spmv", "step/triad",
               "firing"],
              [[n.split("/")[1], spread(runs[n], "us_per_step"), spread(runs[n], "cpu_us_per_step"),
                spread(runs[n], "ns_per_neuron_step"), spread(runs[n], "step_per_spmv"),
                spread(runs[n], "step_per_triad"), f"{median(runs[n], 'firing_rate'):.4f}"]
               for n in step])

    kernel = defaultdict(dict)
    for n in runs:
        if n.startswith("BM_StepKernel/"):
            kernel[arg(n, "ref")][arg(n, "T")] = median(runs[n], "us_per_step")
    if kernel:
        Ts = sorted(kernel[0]) if 0 in kernel else sorted(kernel[1])
        table(["T", "ref 0 µs/step", "× T=1", "ref 1 µs/step", "× T=1"],
              [[T] + sum(([f"{kernel[r].get(T, float('nan')):.3g}",
                           f"{kernel[r].get(T, float('nan')) / kernel[r][Ts[0]]:.2f}"]
                          for r in (0, 1) if r in kernel), []) for T in Ts])

    batch = sorted((arg(n, "networks"), n) for n in runs if n.startswith("BM_StepBatch/"))
    if batch:
        table(["networks", "µs/step", "ns/neuron-step", "step/spmv"],
              [[k, spread(runs[n], "us_per_step"), spread(runs[n], "ns_per_neuron_step"),
                spread(runs[n], "step_per_spmv")] for k, n in batch])

    syn = sorted((arg(n, "synapses"), n) for n in runs if n.startswith("BM_StepSynapses/"))
    if syn:
        table(["synapses", "neurons", "ms/step", "synaptic events/s", "step/spmv", "step/triad",
               "firing"],
              [[f"{median(runs[n], 'synapses'):.3g}", int(median(runs[n], "neurons")),
                f"{median(runs[n], 'us_per_step') / 1e3:.4g}",
                f"{median(runs[n], 'syn_events_per_s'):.3g}",
                f"{median(runs[n], 'step_per_spmv'):.3g}",
                f"{median(runs[n], 'step_per_triad'):.3g}",
                f"{median(runs[n], 'firing_rate'):.4f}"] for k, n in syn])

    firing = defaultdict(dict)  # (ref, theta10) -> mode -> (rate, us)
    for n in runs:
        if n.startswith("BM_StepFiring/"):
            key = (1 if arg(n, "ref") is None else arg(n, "ref"), arg(n, "theta10"))
            firing[key][arg(n, "mode")] = (median(runs[n], "firing_rate"),
                                           median(runs[n], "us_per_step"),
                                           median(runs[n], "cpu_us_per_step"))
    if firing:
        rows = []
        for key in sorted(firing, key=lambda k: (-k[0], -k[1])):
            m = firing[key]
            nan3 = (float("nan"),) * 3
            event, dense, auto = (m.get(k, nan3)[1] for k in (0, 1, 2))
            cpu = [m.get(k, nan3)[2] for k in (0, 1, 2)]
            rate = m.get(0, m.get(2, nan3))[0]
            rows.append([key[1] / 10, "yes" if key[0] else "no", f"{rate:.4f}", f"{event:.4g}",
                         f"{dense:.4g}", f"{auto:.4g}", f"{cpu[0]:.4g}", f"{cpu[1]:.4g}",
                         f"{cpu[2]:.4g}", f"{cpu[2] / min(cpu[0], cpu[1]):.2f}",
                         f"{cpu[1] / cpu[0]:.2f}"])
        table(["theta", "refractory", "firing", "event µs", "dense µs", "automatic µs",
               "event CPU µs", "dense CPU µs", "automatic CPU µs", "auto / best (CPU)",
               "dense / event (CPU)"], rows)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (2 if syn else 0) + (1 if firing else 0)
    if panels == 0:
        return
    fig, axes = plt.subplots(1, panels, figsize=(5 * panels, 4.2), squeeze=False)
    axes = list(axes[0])
    if syn:
        s = [median(runs[n], "synapses") for _, n in syn]
        axes[0].loglog(s, [median(runs[n], "us_per_step") / 1e3 for _, n in syn], "o-",
                       label="step")
        axes[0].loglog(s, [median(runs[n], "spmv_us") / 1e3 for _, n in syn], "s--",
                       label="one spmv, same matrix")
        axes[0].set_xlabel("synapses (one network, 10 %)")
        axes[0].set_ylabel("ms per step")
        axes[0].legend()
        axes[1].loglog(s, [median(runs[n], "syn_events_per_s") for _, n in syn], "o-")
        axes[1].set_xlabel("synapses (one network, 10 %)")
        axes[1].set_ylabel("synaptic events per second")
    if firing:
        ax = axes[-1]
        for mode, label in ((0, "event"), (1, "dense"), (2, "automatic")):
            pts = sorted(firing[k][mode] for k in firing if mode in firing[k])
            ax.loglog([p[0] for p in pts], [p[1] / 1e3 for p in pts], "o-", label=label)
        ax.set_xlabel("spikes per neuron-step (case C, theta swept)")
        ax.set_ylabel("ms per step")
        ax.legend()
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"plot: {out}")


if __name__ == "__main__":
    main()
