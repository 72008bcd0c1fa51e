#!/usr/bin/env python3
"""Writes the seed corpora fuzz/seeds/{npy,npz,pickle}/ (small valid inputs in many layouts).
Run with /usr/bin/python3 (numpy needed); deterministic. scripts/fuzz.sh uses the committed output."""
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent / "seeds"


def npy(a, version=(1, 0)):
    f = io.BytesIO()
    np.lib.format.write_array(f, a, version=version)
    return f.getvalue()


def main():
    for d in ("npy", "npz", "pickle"):
        (HERE / d).mkdir(parents=True, exist_ok=True)
    meta = np.array('{"a": 1, "b": "\u00e9"}', dtype=object)
    arrays = {
        "f4": np.arange(6, dtype="<f4").reshape(2, 3),
        "f8be_F": np.asfortranarray(np.arange(6, dtype=">f8").reshape(3, 2)),
        "c8": np.array([1 + 2j, 3 - 4j], dtype="<c8"),
        "c16be": np.array([1 + 2j], dtype=">c16"),
        "b1": np.array([True, False, True]),
        "i1": np.array([-1, 2], dtype="i1"),
        "u2be": np.array([1, 65535], dtype=">u2"),
        "i8": np.array([[1], [2]], dtype="<i8"),
        "u8": np.array([2**64 - 1], dtype="<u8"),
        "U3": np.array(["ab", "\u00e9\U0001F600"], dtype="<U3"),
        "U2be_F": np.asfortranarray(np.array([["a", "b"], ["c", "de"]], dtype=">U2")),
        "zerod": np.array(3.5),
        "empty": np.zeros((0, 3), dtype="<i4"),
    }
    for name, a in arrays.items():
        (HERE / "npy" / f"{name}.npy").write_bytes(npy(a))
    (HERE / "npy" / "v2.npy").write_bytes(npy(arrays["f4"], (2, 0)))
    (HERE / "npy" / "v3.npy").write_bytes(npy(arrays["U3"], (3, 0)))
    f = io.BytesIO()
    np.save(f, meta)
    (HERE / "npy" / "object.npy").write_bytes(f.getvalue())
    small = {"f4": arrays["f4"], "U3": arrays["U3"], "_metadata": meta}
    for name, saver in (("stored", np.savez), ("deflated", np.savez_compressed)):
        f = io.BytesIO()
        saver(f, **small)
        (HERE / "npz" / f"{name}.npz").write_bytes(f.getvalue())
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w") as z:  # not zip64, unlike savez
        z.writestr("x.npy", npy(arrays["i8"]))
    (HERE / "npz" / "plain_zip.npz").write_bytes(f.getvalue())
    f = io.BytesIO()
    np.savez(f)
    (HERE / "npz" / "empty_archive.npz").write_bytes(f.getvalue())
    for protocol in (2, 3, 4, 5):
        (HERE / "pickle" / f"p{protocol}.pickle").write_bytes(pickle.dumps(meta, protocol=protocol))


if __name__ == "__main__":
    main()
