#!/usr/bin/python3
"""Writes the malformed data files that the decks of tests/bad_inputs/decks/ point at. They are
not kept in git: tests/app/test_bad_inputs.py runs this script at test time into a copy of
tests/bad_inputs/ in its temporary directory.

  decks/data/*.h5       kascade-layout and SONATA connectivity files, each broken in one way;
                        neurons.h5, per-network sizes (one too large for the memory budget)
  decks/data/<case>/    one-file .npy directories found by fuzzing (scripts/fuzz.sh)
  connectivity/*.h5     out_of_range.h5 (a target outside its network), missing_syn_weight.h5
                        (a SONATA edge group without syn_weight), claims_2e36_synapses.h5
  stimuli/*.h5          loaded-stimulus files, each broken in one way
  decks/npy/<case>/     one-file .npy directories (networks.generator = "npy" reads a directory),
                        kept in git; the cases made by scripts/make_example_data.py are relative
                        symbolic links to tests/bad_inputs/connectivity/<case>.npy. Written only
                        with --npy (into the source tree).

tests/bad_inputs/README.md says what each file is. Deterministic: rerunning it rewrites identical
files. Run with Debian's interpreter (numpy, h5py):
    /usr/bin/python3 tests/bad_inputs/decks/make_data.py [DEST]   # DEST: a tests/bad_inputs
                                                                  # copy (default: the source)
    /usr/bin/python3 tests/bad_inputs/decks/make_data.py --npy    # rewrites decks/npy/
"""
import os
import sys

import h5py
import numpy as np

SOURCE_BAD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(SOURCE_BAD))
NPY = os.path.join(SOURCE_BAD, "decks", "npy")
# Where the HDF5 files go (set by main from the command line).
DATA = os.path.join(SOURCE_BAD, "decks", "data")
STIMULI = os.path.join(SOURCE_BAD, "stimuli")
CONNECTIVITY = os.path.join(SOURCE_BAD, "connectivity")


def open_new(path):
    """HDF5 1.10 format without modification times, so reruns are byte-identical."""
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    return h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def dataset(parent, name, data):
    """A dataset without modification time, its groups created on the way."""
    *groups, leaf = name.split("/")
    for g in groups:
        if g not in parent:
            gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
            gcpl.set_obj_track_times(False)
            h5py.h5g.create(parent.id, g.encode(), gcpl=gcpl)
        parent = parent[g]
    parent.create_dataset(leaf, data=data, track_times=False)


def kascade_file(name, n_neurons, offsets, source, target, weight, extra=None):
    with open_new(os.path.join(DATA, name)) as f:
        if n_neurons is not None:
            dataset(f, "networks/n_neurons", n_neurons)
        if offsets is not None:
            dataset(f, "networks/synapse_offset", offsets)
        for key, value in (("source", source), ("target", target), ("weight", weight)):
            if value is not None:
                dataset(f, "connectivity/" + key, value)
        if extra:
            extra(f)


def write_kascade_files():
    u32, u64, f32 = np.uint32, np.uint64, np.float32
    # synapse_offset has as many entries as n_neurons (needs one more).
    kascade_file("offsets_wrong_length.h5", np.array([3, 2], u32), np.array([0, 2], u64),
                 np.array([0, 1, 1], u32), np.array([1, 2, 0], u32), np.array([1, 2, 3], f32))
    # n_neurons is 2-D.
    kascade_file("n_neurons_2d.h5", np.array([[3, 2]], u32), np.array([0, 2, 3], u64),
                 np.array([0, 1, 1], u32), np.array([1, 2, 0], u32), np.array([1, 2, 3], f32))
    # Network 1's range ends past the 3 entries of /connectivity.
    kascade_file("offsets_past_end.h5", np.array([3, 2], u32), np.array([0, 2, 9], u64),
                 np.array([0, 1, 1], u32), np.array([1, 2, 0], u32), np.array([1, 2, 3], f32))
    # source and target differ in length.
    kascade_file("length_mismatch.h5", np.array([3], u32), np.array([0, 2], u64),
                 np.array([0, 1], u32), np.array([1, 2, 0], u32), np.array([1, 2], f32))
    # No /connectivity/weight.
    kascade_file("missing_weight.h5", np.array([3], u32), np.array([0, 2], u64),
                 np.array([0, 1], u32), np.array([1, 2], u32), None)
    # A NaN weight.
    kascade_file("nan_weight.h5", np.array([3], u32), np.array([0, 2], u64),
                 np.array([0, 1], u32), np.array([1, 2], u32), np.array([0.5, np.nan], f32))
    # A float64 weight beyond the float32 range.
    kascade_file("weight_overflow.h5", np.array([3], u32), np.array([0, 2], u64),
                 np.array([0, 1], u32), np.array([1, 2], u32), np.array([0.5, 1e300]))
    # A negative source index (signed integers).
    kascade_file("negative_index.h5", np.array([3], u32), np.array([0, 2], u64),
                 np.array([0, -1], np.int32), np.array([1, 2], np.int32),
                 np.array([0.5, 1.0], f32))
    # A network of 0 neurons.
    kascade_file("zero_neurons.h5", np.array([3, 0], u32), np.array([0, 2, 2], u64),
                 np.array([0, 1], u32), np.array([1, 2], u32), np.array([0.5, 1.0], f32))
    # Weights stored as strings.
    kascade_file("string_weight.h5", np.array([3], u32), np.array([0, 2], u64),
                 np.array([0, 1], u32), np.array([1, 2], u32), np.array([b"0.5", b"1.0"]))
    # Neither /networks nor an n_neurons attribute on /connectivity.
    kascade_file("no_networks_group.h5", None, None, np.array([0, 1], u32),
                 np.array([1, 2], u32), np.array([0.5, 1.0], f32))
    # The one-network form whose n_neurons attribute is a string.
    kascade_file("n_neurons_attribute_string.h5", None, None, np.array([0, 1], u32),
                 np.array([1, 2], u32), np.array([0.5, 1.0], f32),
                 lambda f: f["connectivity"].attrs.create("n_neurons", b"three"))
    # One network claiming 2 000 000 000 neurons and one synapse: tens of GB of state.
    kascade_file("two_billion_neurons.h5", np.array([2000000000], u32), np.array([0, 1], u64),
                 np.array([0], u32), np.array([1], u32), np.array([0.5], f32))
    # The file holds no networks.
    kascade_file("no_networks.h5", np.zeros(0, u32), np.array([0], u64),
                 np.zeros(0, u32), np.zeros(0, u32), np.zeros(0, f32))
    # A kascade output whose run did not finish (complete = 0), its networks otherwise valid.
    kascade_file("unfinished_output.h5", np.array([3], u32), np.array([0, 2], u64),
                 np.array([0, 1], u32), np.array([1, 2], u32), np.array([0.5, 1.0], f32),
                 lambda f: (f.attrs.create("format", "kascade"),
                            f.attrs.create("complete", 0, dtype=np.int32)))

    # A copy of inputs/data/networks.h5 cut to half its length.
    with open(os.path.join(ROOT, "inputs", "data", "networks.h5"), "rb") as f:
        whole = f.read()
    with open(os.path.join(DATA, "truncated.h5"), "wb") as f:
        f.write(whole[:len(whole) // 2])
    # Not HDF5 at all: text.
    with open(os.path.join(DATA, "text.h5"), "w") as f:
        f.write("this is not an HDF5 file\n")


def sonata_file(name, populations):
    with open_new(os.path.join(DATA, name)) as f:
        if not populations:
            dataset(f, "nodes/n/node_id", np.arange(3, dtype=np.uint64))
        for pop, fields in populations.items():
            for key, value in fields.items():
                if not key.startswith("_"):
                    dataset(f, f"edges/{pop}/{key}", value)
            for ids in ("source_node_id", "target_node_id"):
                if "_" + ids in fields:  # the node population named by the ids
                    f[f"edges/{pop}/{ids}"].attrs["node_population"] = fields["_" + ids]


def edges(source, target, weights, **replace):
    n = len(source)
    fields = {"source_node_id": np.array(source, np.uint64),
              "target_node_id": np.array(target, np.uint64),
              "edge_group_id": np.zeros(n, np.uint32),
              "edge_group_index": np.arange(n, dtype=np.uint64),
              "edge_type_id": np.zeros(n, np.uint32),
              "0/syn_weight": np.array(weights, np.float32)}
    for key, value in replace.items():
        if value is None:
            del fields[key.replace("__", "/")]
        else:
            fields[key.replace("__", "/")] = value
    return fields


def write_connectivity_files():
    os.makedirs(CONNECTIVITY, exist_ok=True)
    # kascade layout: network 1 (5 neurons) has a target 7.
    with open_new(os.path.join(CONNECTIVITY, "out_of_range.h5")) as f:
        dataset(f, "networks/n_neurons", np.array([3, 5], dtype=np.uint32))
        dataset(f, "networks/synapse_offset", np.array([0, 1, 3], dtype=np.uint64))
        dataset(f, "connectivity/source", np.array([0, 1, 2], dtype=np.uint32))
        dataset(f, "connectivity/target", np.array([1, 0, 7], dtype=np.uint32))
        dataset(f, "connectivity/weight", np.array([0.5, -0.5, 1.0], dtype=np.float32))
    # SONATA population whose edge group has no syn_weight.
    with open_new(os.path.join(CONNECTIVITY, "missing_syn_weight.h5")) as f:
        dataset(f, "edges/cortex/source_node_id", np.array([0, 1], dtype=np.uint64))
        dataset(f, "edges/cortex/target_node_id", np.array([1, 0], dtype=np.uint64))
        dataset(f, "edges/cortex/edge_group_id", np.array([0, 0], dtype=np.uint32))
        dataset(f, "edges/cortex/edge_group_index", np.array([0, 1], dtype=np.uint64))
        dataset(f, "edges/cortex/0/delay", np.array([1.0, 1.0], dtype=np.float32))
    # A network of 10 neurons that claims 2^36 synapses (datasets of that extent, never written:
    # the file stays small; kascade had run out of memory reading them).
    with open_new(os.path.join(CONNECTIVITY, "claims_2e36_synapses.h5")) as f:
        dataset(f, "networks/n_neurons", np.array([10], dtype=np.uint32))
        dataset(f, "networks/synapse_offset", np.array([0, 2**36], dtype=np.uint64))
        for name, dtype in (("source", "u4"), ("target", "u4"), ("weight", "f4")):
            f.create_dataset("connectivity/" + name, shape=(2**36,), dtype=dtype,
                             chunks=(2**20,), track_times=False)


def write_sonata_files():
    # No /edges group (a node file).
    sonata_file("sonata_no_edges.h5", {})
    # A population without edges.
    sonata_file("sonata_empty_population.h5", {"net": edges([], [], [])})
    # source_node_id and target_node_id differ in length.
    sonata_file("sonata_length_mismatch.h5",
                {"net": edges([0, 1, 2], [1, 2, 0], [1.0, 2.0, 3.0],
                              target_node_id=np.array([1, 2], np.uint64))})
    # edge_group_index points past the end of syn_weight.
    sonata_file("sonata_group_index_out_of_range.h5",
                {"net": edges([0, 1], [1, 0], [1.0, 2.0],
                              edge_group_index=np.array([0, 5], np.uint64))})
    # edge_group_id names a group that does not exist.
    sonata_file("sonata_missing_group.h5",
                {"net": edges([0, 1], [1, 0], [1.0, 2.0],
                              edge_group_id=np.array([0, 7], np.uint32))})
    # Sources and targets in two different node populations.
    fields = edges([0, 1], [1, 0], [1.0, 2.0])
    fields["_source_node_id"], fields["_target_node_id"] = "cortex", "thalamus"
    sonata_file("sonata_two_node_populations.h5", {"net": fields})
    # A node id of 2^40: a network of 2^40 + 1 neurons.
    sonata_file("sonata_huge_node_id.h5",
                {"net": edges([0, 2 ** 40], [1, 0], [1.0, 2.0])})
    # An infinite weight.
    sonata_file("sonata_inf_weight.h5", {"net": edges([0, 1], [1, 0], [1.0, np.inf])})
    # A node id of 2 x 10^9: a network of 2 x 10^9 + 1 neurons, beyond the memory budget (it was
    # allocated before the check; found by fuzzing).
    sonata_file("sonata_two_billion_node_id.h5",
                {"net": edges([0, 2 * 10 ** 9], [1, 0], [1.0, 2.0])})
    # A node id of 2^64 - 1 (its network size overflowed a signed sum; found by fuzzing).
    sonata_file("sonata_max_node_id.h5", {"net": edges([0, 2 ** 64 - 1], [1, 0], [1.0, 2.0])})


def npy_case(case, array=None, raw=None):
    d = os.path.join(NPY, case)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "0.npy")
    if array is not None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            f.write(raw)


def raw_npy(header_text, data=b""):
    """A version 1.0 .npy file with the header text given as is."""
    text = header_text.encode("latin1")
    text += b" " * (64 - (10 + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + data


def write_npy_cases():
    # The files of scripts/make_example_data.py, one per directory, through symbolic links.
    for case in ("fortran_order", "big_endian", "complex", "not_square", "three_d", "strings",
                 "truncated"):
        d = os.path.join(NPY, case)
        os.makedirs(d, exist_ok=True)
        link = os.path.join(d, "0.npy")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.join("..", "..", "..", "connectivity", case + ".npy"), link)
    nan = np.zeros((3, 3), np.float32)
    nan[0, 1] = np.nan
    npy_case("nan_weight", nan)
    big = np.zeros((3, 3), np.float64)
    big[1, 2] = 1e300
    npy_case("float64_overflow", big)
    npy_case("empty_matrix", np.zeros((0, 0), np.float32))
    npy_case("object_dtype", np.array([[1, None], [None, 1]], dtype=object))
    npy_case("structured_dtype", np.zeros((2, 2), dtype=[("a", "<f4"), ("b", "<i4")]))
    npy_case("zero_bytes", raw=b"")
    npy_case("not_npy", raw=b"PK\x03\x04 this is a zip file, not a .npy matrix")
    npy_case("huge_shape", raw=raw_npy(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2000000000, 2000000000), }",
        bytes(16)))
    npy_case("extra_bytes", raw=raw_npy(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", bytes(40)))
    # A malformed header with a line break inside: the message quotes the header.
    npy_case("header_newline", raw=raw_npy(
        "{'descr': '<f4',\n 'fortran_order': False,\n 'shape': (2, 2), 'x': oops}", bytes(16)))


def write_generated_npy_cases():
    """.npy cases written at test time, like the HDF5 files, into decks/data/<case>/0.npy."""
    # A dtype whose size has 40 digits (std::stoi threw out_of_range; found by fuzzing).
    d = os.path.join(DATA, "npy_dtype_size_overflow")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "0.npy"), "wb") as f:
        f.write(raw_npy("{'descr': '<f" + "8" * 40 + "', 'fortran_order': False, "
                        "'shape': (2, 2), }", bytes(32)))


def stimulus(name, data, dataset_name="stimulus"):
    with open_new(os.path.join(STIMULI, name)) as f:
        dataset(f, dataset_name, data)


def write_values_files():
    # Per-network sizes (networks.neurons = { file = ... }): network 1's is too large.
    with open_new(os.path.join(DATA, "neurons.h5")) as f:
        dataset(f, "n", np.array([20, 100000], np.int32))


def write_stimuli():
    os.makedirs(STIMULI, exist_ok=True)
    stimulus("two_d.h5", np.ones((100, 20), np.float32))
    stimulus("five_d.h5", np.ones((4, 10, 20, 2, 2), np.float32))
    stimulus("three_d.h5", np.ones((4, 10, 20), np.float32))
    stimulus("strings.h5", np.array([[[b"a"] * 20] * 10] * 4))
    nan = np.ones((4, 10, 20), np.float32)
    nan[0, 3, 5] = np.nan
    stimulus("nan_values.h5", nan)
    stimulus("huge_values.h5", np.full((4, 10, 20), 1e30, np.float32))
    stimulus("wrong_name.h5", np.ones((4, 10, 20), np.float32), dataset_name="drive")
    # 2^30 steps of 20 neurons, never written (80 GiB as float32 per network of 20).
    with open_new(os.path.join(STIMULI, "claims_2e30_steps.h5")) as f:
        f.create_dataset("stimulus", shape=(4, 2**30, 20), dtype="f4", chunks=(1, 2**16, 20),
                         track_times=False)


def main():
    global DATA, STIMULI, CONNECTIVITY
    if sys.argv[1:] == ["--npy"]:
        os.makedirs(NPY, exist_ok=True)
        write_npy_cases()
        return
    dest = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else SOURCE_BAD
    DATA = os.path.join(dest, "decks", "data")
    STIMULI = os.path.join(dest, "stimuli")
    CONNECTIVITY = os.path.join(dest, "connectivity")
    os.makedirs(DATA, exist_ok=True)
    write_kascade_files()
    write_values_files()
    write_sonata_files()
    write_connectivity_files()
    write_generated_npy_cases()
    write_stimuli()


if __name__ == "__main__":
    main()
