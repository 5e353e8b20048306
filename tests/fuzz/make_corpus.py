#!/usr/bin/python3
"""Writes the binary seeds of tests/fuzz/corpus/ for the HDF5 targets: "recipes" that
tests/fuzz/fuzz_support.hpp turns into HDF5 files (valid files and near misses), and a few tiny
.npy files. The deck target's seeds are TOML text, kept as they are; scripts/fuzz.sh adds the
decks of inputs/ and the example data files as further seeds. Deterministic.
    /usr/bin/python3 tests/fuzz/make_corpus.py
"""
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
U8, I32, U32, I64, U64, F32, F64, I16BE, STR = range(9)


def step(op, code, values):
    """One recipe step: dataset or attribute `op`, stored type `code`, small values."""
    assert len(values) < 16
    return bytes([op, code, len(values)] + [v + 8 for v in values])


def step_exact(op, code, values):
    """A step whose values are any doubles (each written as 0xf8 and its 8 bytes)."""
    return bytes([op, code, len(values)]) + b"".join(
        b"\xf8" + struct.pack("<d", v) for v in values)


def write(target, name, data):
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


def hdf5_networks():
    n_neurons, offsets, source, target, weight = range(5)
    two = [step(n_neurons, U32, [3, 2]), step(offsets, U64, [0, 2, 3]),
           step(source, U32, [0, 1, 1]), step(target, U32, [1, 2, 0]),
           step(weight, F32, [1, 2, 3])]
    write("hdf5_networks", "two_networks", b"".join(two))
    write("hdf5_networks", "signed_indices",
          b"".join(two[:2] + [step(source, I64, [0, 1, 1]), step(target, I32, [1, 2, 0]),
                              step(weight, F64, [1, -2, 3])]))
    write("hdf5_networks", "one_network_attribute",
          step(0xe0, I64, [4]) + b"".join(two[2:]))


def sonata_edges():
    src, tgt, gid, gidx, w0, w1 = range(6)
    a = [step(src, U64, [0, 1, 2]), step(tgt, U64, [1, 2, 0]), step(gid, U32, [0, 0, 1]),
         step(gidx, U64, [0, 1, 0]), step(w0, F32, [1, 2]), step(w1, F32, [3])]
    write("sonata_edges", "two_groups", b"".join(a))
    b = [step(6, I64, [0, 3]), step(7, I64, [3, 0]), step(8, U8, [0, 0]),
         step(9, U32, [1, 0]), step(10, F64, [5, 6])]
    write("sonata_edges", "two_populations", b"".join(a + b))
    # Regression (a size beyond the budget was allocated before the check): node id 10^9.
    write("sonata_edges", "regression_billion_node_id",
          step_exact(src, U64, [0, 1e9]) + b"".join(a[1:]))
    write("sonata_edges", "node_populations",
          b"".join(a) + step(0xe0, STR, [1]) + step(0xe1, STR, [1]))


def npy(name, header, data):
    text = header.encode("latin1")
    text += b" " * (64 - (10 + len(text) + 1) % 64) + b"\n"
    write("npy", name, b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + data)


def npy_seeds():
    f4 = b"".join(int(v).to_bytes(4, "little") for v in (0, 0x3f800000, 0xbf000000, 0))
    npy("float32_2x2", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f4)
    npy("int8_3x3", "{'descr': '|i1', 'fortran_order': False, 'shape': (3, 3), }",
        bytes([0, 1, 0, 255, 0, 2, 0, 0, 0]))
    npy("bool_2x2", "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }",
        bytes([0, 1, 1, 0]))
    npy("uint16_2x2", "{'descr': '<u2', 'fortran_order': False, 'shape': (2,2)}",
        bytes([0, 0, 1, 0, 2, 0, 0, 0]))


if __name__ == "__main__":
    hdf5_networks()
    sonata_edges()
    npy_seeds()
