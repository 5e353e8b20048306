#!/usr/bin/python3
"""Writes the example connectivity files under inputs/data/ and the malformed .npy samples under
tests/bad_inputs/connectivity/ (its malformed HDF5 files are written at test time by
tests/bad_inputs/decks/make_data.py). Deterministic: rerunning it rewrites identical data.

The same three networks (8, 10 and 12 neurons) are stored in every format, so the tests can check
that the .npy, kascade-HDF5 and SONATA readers agree on files written by another program:
  inputs/data/npy/{1,2,10}.npy   dense W[j, i] = weight j -> i (1, 2, 10: numeric, not lexicographic
                                 order), float32
  inputs/data/networks.h5        kascade layout, edges in the dense matrix's row-major order
  inputs/data/sonata_edges.h5    populations network_0, network_1 (the first two networks), edges
                                 shuffled and split over edge groups 0 and 1

Run with Debian's interpreter (numpy, h5py):  /usr/bin/python3 scripts/make_example_data.py
"""
import os
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "inputs", "data")
BAD = os.path.join(ROOT, "tests", "bad_inputs", "connectivity")
SIZES = (8, 10, 12)


def network(rng, n):
    """Dale's law network: neurons 0..n/2-1 excitatory, 30 % of the pairs j != i connected."""
    mask = rng.random((n, n)) < 0.3
    np.fill_diagonal(mask, False)
    w = np.abs(rng.normal(0.0, 1.0 / np.sqrt(n), (n, n))).astype(np.float32)
    w[n // 2:, :] *= -1
    return np.where(mask, w, np.float32(0))


def group(parent, path):
    """Creates the groups along `path` without modification times, so reruns are byte-identical."""
    for name in path.split("/"):
        if name not in parent:
            gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
            gcpl.set_obj_track_times(False)
            h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl)
        parent = parent[name]
    return parent


def open_new(path):
    """Newest HDF5 1.10 format (much smaller object headers than the 1.8 default), without
    modification times on the root group."""
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    return h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def write_npy(nets):
    os.makedirs(os.path.join(DATA, "npy"), exist_ok=True)
    for name, w in zip(("1", "2", "10"), nets):
        np.save(os.path.join(DATA, "npy", name + ".npy"), w)


def write_kascade(nets):
    src, dst, wts, offsets = [], [], [], [0]
    for w in nets:
        j, i = np.nonzero(w)  # row-major: sorted by source, not kascade's CSR order
        src.append(j), dst.append(i), wts.append(w[j, i])
        offsets.append(offsets[-1] + len(j))
    with open_new(os.path.join(DATA, "networks.h5")) as f:
        f.attrs["format"] = "kascade-networks"
        group(f, "networks"), group(f, "connectivity")
        f["networks/n_neurons"] = np.array([w.shape[0] for w in nets], dtype=np.uint32)
        f["networks/synapse_offset"] = np.array(offsets, dtype=np.uint64)
        f["connectivity/source"] = np.concatenate(src).astype(np.uint32)
        f["connectivity/target"] = np.concatenate(dst).astype(np.uint32)
        f["connectivity/weight"] = np.concatenate(wts).astype(np.float32)


def sonata_population(f, name, w, rng, groups=2):
    j, i = np.nonzero(w)
    order = rng.permutation(len(j))
    j, i, weight = j[order], i[order], w[j[order], i[order]]
    group_id = np.arange(len(j)) % groups
    group_index = np.zeros(len(j), dtype=np.uint64)
    pop = group(f, "edges/" + name)
    for g in range(groups):
        group(pop, str(g))
        members = np.flatnonzero(group_id == g)
        group_index[members] = np.arange(len(members))
        pop[f"{g}/syn_weight"] = weight[members].astype(np.float32)
    pop["source_node_id"] = j.astype(np.uint64)
    pop["target_node_id"] = i.astype(np.uint64)
    pop["edge_group_id"] = group_id.astype(np.uint32)
    pop["edge_group_index"] = group_index
    pop["edge_type_id"] = np.zeros(len(j), dtype=np.uint32)
    for ids in ("source_node_id", "target_node_id"):
        pop[ids].attrs["node_population"] = name
    return pop


def write_sonata(nets, rng):
    with open_new(os.path.join(DATA, "sonata_edges.h5")) as f:
        f.attrs["magic"] = np.uint32(0x0A7A)
        f.attrs["version"] = np.array([0, 1], dtype=np.uint32)
        for k in range(2):
            sonata_population(f, f"network_{k}", nets[k], rng)


def raw_npy(path, header, data):
    """A version 1.0 .npy file with an arbitrary header dict (for headers numpy will not write)."""
    text = repr(header).encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    text += b" " * pad + b"\n"
    with open(path, "wb") as out:
        out.write(b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + data)


def write_bad():
    os.makedirs(BAD, exist_ok=True)
    m = np.arange(1, 5, dtype=np.float32).reshape(2, 2)
    np.save(os.path.join(BAD, "fortran_order.npy"), np.asfortranarray(m))
    np.save(os.path.join(BAD, "big_endian.npy"), m.astype(">f4"))
    np.save(os.path.join(BAD, "complex.npy"), m.astype(np.complex64))
    np.save(os.path.join(BAD, "not_square.npy"), np.ones((2, 3), dtype=np.float32))
    np.save(os.path.join(BAD, "three_d.npy"), np.ones((2, 2, 2), dtype=np.float32))
    np.save(os.path.join(BAD, "strings.npy"), np.array([["a", "b"], ["c", "d"]]))
    raw_npy(os.path.join(BAD, "truncated.npy"),
            {"descr": "<f4", "fortran_order": False, "shape": (4, 4)}, bytes(20))


def write_stimulus():
    """A recorded stimulus for inputs/stimuli/loaded.toml: [networks][steps][neurons][channels],
    4 networks of up to 20 neurons, 100 steps, 3 channels: channel c pulses neurons 0..9 for 20
    of every 50 steps with amplitude c + 1 (so weights w give (1 w0 + 2 w1 + 3 w2) per pulse)."""
    a = np.zeros((4, 100, 20, 3), dtype=np.float32)
    for c in range(3):
        for t in range(100):
            if t % 50 < 20:
                a[:, t, :10, c] = c + 1
    with open_new(os.path.join(DATA, "stimulus.h5")) as f:
        f["stimulus"] = a


def main():
    rng = np.random.default_rng(20251125)
    write_stimulus()
    nets = [network(rng, n) for n in SIZES]
    write_npy(nets)
    write_kascade(nets)
    write_sonata(nets, rng)
    write_bad()
    for k, w in enumerate(nets):
        print(f"network {k}: {w.shape[0]} neurons, {np.count_nonzero(w)} synapses", file=sys.stderr)


if __name__ == "__main__":
    main()
