#!/usr/bin/env python3
"""NumPy side of the io interoperability tests (tests/io/numpy_interop_test.cpp).

  numpy_interop.py make DIR    write .npy/.npz files in every supported layout into DIR
  numpy_interop.py check DIR   load the files the C++ test wrote into DIR with np.load
                               (allow_pickle=False) and compare them with the expected values

Element i (C order) of every array is value(dtype, i); the C++ test computes the same function
(interop_values.h), so neither side needs the other's files to know what is right.
"""
import json
import pickle
import sys
from pathlib import Path

import numpy as np

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64", "complex64", "complex128", "unicode"]
SHAPE = (2, 3, 4)
METADATA = json.dumps({"nphotons": 1e9, "name": "probe \u00e9\U0001F600", "n": 3})


def string_value(i):
    return str(i) + "\u00e9" * (i % 3) + ("\U0001F600" if i % 2 else "")


def values(dtype, n, start=0):
    """value(dtype, i) for i in [start, start + n), as a 1-d array of the native dtype."""
    i = np.arange(start, start + n, dtype=np.int64)
    u = i.astype(np.uint64)
    if dtype == "bool":
        return i % 3 == 0
    if dtype == "int8":
        return ((i * 37 + 11) % 256 - 128).astype(np.int8)
    if dtype == "int16":
        return ((i * 1237 + 5) % 65536 - 32768).astype(np.int16)
    if dtype == "int32":
        return (i * 100003 - 5000000).astype(np.int32)
    if dtype == "int64":
        return (i * 2654435761) % (1 << 40) - (1 << 39)
    if dtype == "uint8":
        return ((i * 7 + 3) % 256).astype(np.uint8)
    if dtype == "uint16":
        return ((i * 2654 + 1) % 65536).astype(np.uint16)
    if dtype == "uint32":
        return ((i * 2654435761) % (1 << 32)).astype(np.uint32)
    if dtype == "uint64":
        return u * np.uint64(11400714819323198485)  # wraps modulo 2**64, as in C++
    if dtype == "float32":
        return (i * 0.5 - 3.25).astype(np.float32)
    if dtype == "float64":
        return (i - 5) / 8.0
    if dtype == "complex64":
        return (i * 0.5 - 1j * (i * 0.25)).astype(np.complex64)
    if dtype == "complex128":
        return i / 4.0 - 1 + 3j * i
    if dtype == "unicode":
        return np.array([string_value(int(k)) for k in i], dtype=str)
    raise ValueError(dtype)


def array(dtype, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    return values(dtype, n).reshape(shape)


def with_order(a, endian, order):
    if endian == ">":
        a = a.astype(a.dtype.newbyteorder(">"))
    return np.asfortranarray(a) if order == "F" else np.ascontiguousarray(a)


def save_version(path, a, version):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=version)


def save_pickled_metadata(path, protocol):
    """A 0-d object array with the pickle written at a chosen protocol (NumPy itself uses 3)."""
    obj = np.array(METADATA, dtype=object)
    header = {"descr": "|O", "fortran_order": False, "shape": ()}
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, header)
        pickle.dump(obj, f, protocol=protocol)


def make(out):
    out.mkdir(parents=True, exist_ok=True)
    for dtype in DTYPES:
        base = array(dtype, SHAPE)
        for endian in "<>":
            for order in "CF":
                a = with_order(base, endian, order)
                for version in ((1, 0), (2, 0), (3, 0)):
                    save_version(out / f"{dtype}_{'le' if endian == '<' else 'be'}_{order}_v{version[0]}.npy",
                                 a, version)
        np.save(out / f"zerod_{dtype}.npy", array(dtype, ()))
        np.save(out / f"empty_{dtype}.npy", array(dtype, (0, 3)))
        np.save(out / f"vector_{dtype}.npy", array(dtype, (5,)))
    members = {dtype: array(dtype, SHAPE) for dtype in DTYPES}
    metadata = np.array(METADATA, dtype=object)
    np.savez(out / "stored.npz", _metadata=metadata, **members)
    np.savez_compressed(out / "deflated.npz", _metadata=metadata, **members)
    np.save(out / "metadata_object.npy", metadata)
    for protocol in (2, 3, 4, 5):
        save_pickled_metadata(out / f"metadata_pickle_p{protocol}.npy", protocol)
    (out / "metadata.json").write_text(METADATA, encoding="utf-8")


def check(out):
    failures = []

    def expect(name, got, want):
        if got.dtype != want.dtype or got.shape != want.shape or not np.array_equal(got, want):
            failures.append(f"{name}: got {got.dtype} {got.shape} {got!r:.200}; "
                            f"expected {want.dtype} {want.shape} {want!r:.200}")

    for dtype in DTYPES:
        for kind, shape in (("full", SHAPE), ("zerod", ()), ("empty", (0, 3))):
            path = out / f"out_{kind}_{dtype}.npy"
            expect(path.name, np.load(path, allow_pickle=False), array(dtype, shape))
    for name in ("out_stored.npz", "out_deflated.npz"):
        with np.load(out / name, allow_pickle=False) as z:
            if sorted(z.files) != sorted(DTYPES + ["_metadata"]):
                failures.append(f"{name}: keys {z.files}")
            for dtype in DTYPES:
                expect(f"{name}[{dtype}]", z[dtype], array(dtype, SHAPE))
            meta = z["_metadata"]
            if meta.shape != () or meta.dtype.kind != "U" or json.loads(str(meta)) != json.loads(METADATA):
                failures.append(f"{name}[_metadata]: {meta!r}")
    empty = np.load(out / "out_empty.npz", allow_pickle=False)
    if empty.files:
        failures.append(f"out_empty.npz: keys {empty.files}")
    for f in failures:
        print("FAIL", f)
    print(f"checked; {len(failures)} failure(s)")
    return 1 if failures else 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[2])
    if sys.argv[1] == "make":
        make(out)
        return 0
    return check(out)


if __name__ == "__main__":
    sys.exit(main())
