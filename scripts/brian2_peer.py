#!/usr/bin/python3
"""Brian2 C++ standalone peer of kascade's BM_Step cases (issue 7), measured side by side.

Builds the BernoulliGLM of benchmarks/bench_step.cpp in Brian2 (Debian's python3-brian 2.5.1,
run with /usr/bin/python3), one thread, and times its simulation loop alternately with
kascade's own BM_Step benchmark, printing ms per step, firing rates and the load average.

    /usr/bin/python3 scripts/brian2_peer.py [--kascade build/serial/kascade_benchmarks]
        [--cases C D] [--rounds 5] [--variants window exp] [--workdir DIR]

The model, with dt = 1 ms (kascade's step) and kascade's lag tau = 0 the previous step:
    p_i(t) = sigmoid(r (y_i(t) + ref_i(t)) - theta) * dt,   spike iff rand() < p_i(t)
    y_i(t) = sum_{tau < window} exp(-alpha tau) sum_j W_ji x_j(t-1-tau)      (coupling)
    ref_i(t) = ref(t - 1 - last spike of i)                                     (refractory)
Brian2 variants of the coupling y:
    window  exact: y decays by exp(-alpha) per step and each spike adds W through two
            pathways, +W with no delay and -exp(-alpha window) W after `window` steps,
            which cancels the decayed remainder, so the kernel ends after `window` lags
            (as kascade's own trace does).
    exp     the usual exponential synapse: the single +W pathway, kernel exp(-alpha tau)
            for all tau (an infinite tail: a different model; in C and D it fires ~0.5 % more).
The state update (the decay) runs after the threshold, so a spike acts with weight 1 in the
next step, as in kascade. Deviation in both variants: the refractory kernel is looked up from
the last spike only (a TimedArray of kascade's float32 kernel), where kascade sums it over all
own spikes of the last 10 steps; the two differ only if a neuron fires twice within 10 steps.
Weights: each j -> i (j != i, same network) with probability 1 - sparsity, |5 z / sqrt(N)|
signed by Dale's law on the presynaptic neuron (first half of each network excitatory):
kascade's law, not its draws. Brian2's default compiler flags (-O3 -ffast-math -march=native).

Timing: each Brian2 binary runs 500 warm-up steps, then `short` and `long` steps, each
timed inside main() (wall: CLOCK_MONOTONIC around the run; CPU: Brian2's own loop clock,
std::clock). ms/step = (long - short time) / (long - short steps), which leaves out code
generation, compilation, synapse creation and per-run set-up. Each rerun of a binary draws
a new network and new noise (Brian2 seeds itself when seed() is not called). The projects stay
in --workdir, where make reuses the compiled objects: C and D take ~1.5 min the first time
(code generation and compilation), ~50 s after that.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

# case: (networks, neurons per network, sparsity) as in bench_step.cpp; the networks of a
# batch are one NeuronGroup with block-diagonal synapses
CASES = {'A': (1, 20, 0.5), 'B': (100, 20, 0.5), 'C': (1, 5000, 0.9), 'D': (1, 1000, 0.9)}
KASCADE_NAME = {'A': 'A_1x20', 'B': 'B_100x20', 'C': 'C_1x5000', 'D': 'D_1x1000'}
# standard BernoulliGLM parameters (bench_common.cpp standard_glm)
THETA, R, ALPHA, BETA, WINDOW = 5.0, 1.0, 0.2, 0.5, 5
ABS_SCALE, ABS_STRENGTH, REL_SCALE, REL_STRENGTH = 3, -100.0, 7, -30.0
WARMUP = 500


def refractory_kernel():
    """kascade's ref(tau), tau = 0 .. T-1, in float32, then 0 (the TimedArray clamps to it)."""
    T = max(WINDOW, ABS_SCALE + REL_SCALE)
    ref = np.zeros(T + 1, dtype=np.float32)
    for tau in range(T):
        if tau < ABS_SCALE:
            ref[tau] = ABS_STRENGTH
        elif tau <= ABS_SCALE + REL_SCALE:
            ref[tau] = np.float32(REL_STRENGTH) * np.exp(np.float32(-BETA * (tau - ABS_SCALE)))
    return ref.astype(np.float64)


def network(b2, case, variant):
    """The model's NeuronGroup and Synapses in the current device (dt must be 1 ms)."""
    networks, m, sparsity = CASES[case]
    refk = b2.TimedArray(refractory_kernel(), dt=1 * b2.ms)
    eqs = '''
    dy/dt = -alpha * y : 1                       # coupling trace (exact: y *= exp(-alpha dt))
    ref = refk(t - ls - dt) : 1                  # refractory kernel at lag t - 1 - last spike
    ls : second                                  # time of the last spike
    nspk : 1                                     # spike count, for the firing rate
    '''
    ns = dict(alpha=ALPHA / b2.ms, refk=refk, theta=THETA, r=R)
    g = b2.NeuronGroup(networks * m, eqs, method='exact', namespace=ns,
                       threshold='rand() < 1 / (1 + exp(theta - r * (y + ref)))',  # * dt (= 1)
                       reset='ls = t; nspk += 1')
    g.state_updater.when = 'after_thresholds'  # decay after the draw: W acts fully next step
    g.ls = -1000 * b2.ms
    if variant == 'window':
        s = b2.Synapses(g, g, 'w : 1', namespace=dict(cut=np.exp(-ALPHA * WINDOW)),
                        on_pre={'add': 'y_post += w', 'cut': 'y_post -= cut * w'},
                        delay={'add': 0 * b2.ms, 'cut': WINDOW * b2.ms})
    else:
        s = b2.Synapses(g, g, 'w : 1', on_pre='y_post += w')
    s.connect(condition='i != j' + (f' and i // {m} == j // {m}' if networks > 1 else ''),
              p=1 - sparsity)
    s.w = f'(2 * int(i % {m} < {round(0.5 * m)}) - 1) * abs({5 / np.sqrt(m)!r} * randn())'
    return g, s


def build(case, variant, directory, short, long):
    """Generates and compiles one standalone project; returns the seconds it took."""
    import brian2 as b2
    b2.get_device().reinit()  # forget the previous project (a no-op the first time)
    b2.set_device('cpp_standalone', directory=directory, build_on_run=False)
    device = b2.get_device()
    b2.prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, no OpenMP
    b2.defaultclock.dt = 1 * b2.ms
    g, s = network(b2, case, variant)
    net = b2.Network(g, s)
    net.run(WARMUP * b2.ms)
    g.nspk = 0
    # Time the two measured runs inside main(); Brian2's own clock gives the loop's CPU time.
    out = 'std::ofstream _peer("results/peer_timing.txt", std::ios::app);'
    for k, steps in enumerate((short, long)):
        device.insert_code('main', f'struct timespec _t{k}; clock_gettime(CLOCK_MONOTONIC, &_t{k});')
        net.run(steps * b2.ms)
        device.insert_code('main', f'''{{ struct timespec _e; clock_gettime(CLOCK_MONOTONIC, &_e);
            {out} _peer << "{steps} " << (_e.tv_sec - _t{k}.tv_sec) + 1e-9 * (_e.tv_nsec - _t{k}.tv_nsec)
                  << " " << Network::_last_run_time << "\\n"; }}''')
    count = device.get_array_name(g.variables['nspk'])
    device.insert_code('main', f'''{{ double _n = 0; for (int _i = 0; _i < {len(g)}; ++_i) _n += {count}[_i];
        {out} _peer << "spikes " << _n << " synapses " << {device.get_array_name(s.variables['N'])}[0] << "\\n"; }}''')
    start = time.time()
    device.build(directory=directory, compile=True, run=False)
    return time.time() - start


def run_brian(directory, neurons):
    """Runs a compiled project once: wall and CPU ms per step, firing rate, synapses."""
    timing = os.path.join(directory, 'results', 'peer_timing.txt')
    if os.path.exists(timing):
        os.remove(timing)
    subprocess.run(['./main'], cwd=directory, check=True, stdout=subprocess.DEVNULL)
    with open(timing) as f:
        (s1, w1, c1), (s2, w2, c2), spikes = [line.split() for line in f]
    steps = int(s2) - int(s1)
    return dict(wall=(float(w2) - float(w1)) / steps * 1e3, cpu=(float(c2) - float(c1)) / steps * 1e3,
                rate=float(spikes[1]) / (neurons * (int(s1) + int(s2))), synapses=int(spikes[3]))


def run_kascade(binary, case):
    """One BM_Step run of a case, 3 repetitions: per-step wall/CPU ms of each and the rate."""
    out = subprocess.run([binary, f'--benchmark_filter=^BM_Step/{KASCADE_NAME[case]}/',
                          '--benchmark_repetitions=3', '--benchmark_min_time=0.3',
                          '--benchmark_format=json'], check=True, capture_output=True, text=True)
    reps = [b for b in json.loads(out.stdout)['benchmarks'] if b.get('run_type') == 'iteration']
    return [dict(wall=b['us_per_step'] * 1e-3, cpu=b['cpu_time'] / 100 * 1e-3,  # us per 100 steps
                 rate=b['firing_rate']) for b in reps]


def loadavg():
    with open('/proc/loadavg') as f:
        return float(f.read().split()[0])


def spread(values, fmt='{:.4g}'):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kascade', default=os.path.join(root, 'build/serial/kascade_benchmarks'))
    ap.add_argument('--cases', nargs='+', default=['C', 'D'], choices=sorted(CASES))
    ap.add_argument('--variants', nargs='+', default=['window', 'exp'], choices=['window', 'exp'])
    ap.add_argument('--rounds', type=int, default=5, help='alternations Brian2 / kascade per case')
    ap.add_argument('--short', type=int, default=1000)
    ap.add_argument('--long', type=int, default=11000)
    ap.add_argument('--workdir', default='/tmp/brian2_peer')
    args = ap.parse_args()
    begin = time.time()
    dirs = {}
    for case in args.cases:
        for variant in args.variants:
            dirs[case, variant] = os.path.join(args.workdir, f'{case}_{variant}')
            secs = build(case, variant, dirs[case, variant], args.short, args.long)
            print(f'built {case}/{variant} in {secs:.0f} s', file=sys.stderr)
    brian = {key: [] for key in dirs}
    kascade = {case: [] for case in args.cases}
    loads = {case: [] for case in args.cases}
    for rnd in range(args.rounds):
        for case in args.cases:
            loads[case].append(loadavg())
            for variant in args.variants:
                brian[case, variant].append(run_brian(dirs[case, variant], CASES[case][0] * CASES[case][1]))
            kascade[case] += run_kascade(args.kascade, case)
            loads[case].append(loadavg())
            print(f'round {rnd + 1}/{args.rounds} {case} done, load {loads[case][-1]}', file=sys.stderr)

    print(f'ms per step, median (min-max); Brian2: {args.rounds} runs of {args.long}-{args.short} '
          f'steps; kascade: {args.rounds} x 3 repetitions of BM_Step; loadavg: 1-min, before/after')
    print('| case | Brian2 variant | Brian2 wall | Brian2 CPU | kascade wall | kascade CPU '
          '| kascade/Brian2 wall | CPU | firing Brian2 | firing kascade | synapses Brian2 | load |')
    print('|---' * 12 + '|')
    for (case, variant), runs in brian.items():
        k = kascade[case]
        bw, bc = [statistics.median(r[m] for r in runs) for m in ('wall', 'cpu')]
        kw, kc = [statistics.median(r[m] for r in k) for m in ('wall', 'cpu')]
        print(f"| {case} | {variant} | {spread([r['wall'] for r in runs])} | {spread([r['cpu'] for r in runs])} "
              f"| {spread([r['wall'] for r in k])} | {spread([r['cpu'] for r in k])} "
              f"| {kw / bw:.3f} | {kc / bc:.3f} | {spread([r['rate'] for r in runs], '{:.5f}')} "
              f"| {spread([r['rate'] for r in k], '{:.5f}')} | {statistics.median(r['synapses'] for r in runs)} "
              f"| {min(loads[case]):.2f}-{max(loads[case]):.2f} |")
    print(f'total {time.time() - begin:.0f} s')


if __name__ == '__main__':
    main()
