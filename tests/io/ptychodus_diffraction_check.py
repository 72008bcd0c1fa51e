#!/usr/bin/python3
"""h5py's view of ptychodus' assembled diffraction files for tests/io/ptychodus_diffraction_test.cpp.

  check PATH      checks PATH against what ptychodus' import_assembled_patterns reads
                  (its diffraction dataset module): 'patterns' [N, H, W], 'indexes' [N] integers,
                  'bad_pixels' [H, W] bool, all LZF-compressed.
                  Prints "shape N H W", "sum S" (of the patterns, float64), "bad K" (bad pixels),
                  "indexes I0 I1 ..." and exits 1 listing every problem found.
  write DIR       writes files the way other writers do:
                  DIR/ptychodus.h5 as ptychodus' export_assembled_patterns: uint16 patterns
                    value(n, r, c) = (7 n + 3 r + c) % 1000, int64 indexes 0..N-1, bad_pixels True
                    at (0, 0) and (1, 2), everything compression='lzf' (N, H, W = 5, 4, 6);
                  DIR/gzip.h5: float64 patterns of the same values, gzip, int32 indexes 10..14,
                    no bad_pixels;
                  DIR/flat.h5: 'patterns' of rank 2;
                  DIR/no_patterns.h5: the patterns under 'data';
                  DIR/short_indexes.h5: 3 indexes for 5 patterns.
"""
import sys

import h5py
import numpy as np

N, H, W = 5, 4, 6


def values():
    n, r, c = np.meshgrid(np.arange(N), np.arange(H), np.arange(W), indexing="ij")
    return (7 * n + 3 * r + c) % 1000


def check(path):
    problems = []
    with h5py.File(path, "r") as f:
        for name in ("patterns", "indexes", "bad_pixels"):
            if name not in f:
                problems.append(f"missing dataset {name}")
            elif f[name].compression != "lzf":
                problems.append(f"{name}: compression {f[name].compression}, expected lzf")
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        patterns = f["patterns"][()]
        indexes = f["indexes"][()]
        bad = f["bad_pixels"][()]
    if patterns.ndim != 3:
        problems.append(f"patterns: shape {patterns.shape}, expected [N, H, W]")
    if patterns.dtype.kind not in "fiu":
        problems.append(f"patterns: dtype {patterns.dtype}, expected numeric")
    if indexes.dtype.kind not in "iu" or indexes.shape != patterns.shape[:1]:
        problems.append(f"indexes: {indexes.dtype} {indexes.shape}, expected integers [N]")
    if bad.dtype != np.bool_ or bad.shape != patterns.shape[1:]:
        problems.append(f"bad_pixels: {bad.dtype} {bad.shape}, expected bool [H, W]")
    print("shape", *patterns.shape)
    print("sum", repr(float(patterns.astype(np.float64).sum())))
    print("bad", int(bad.sum()))
    print("indexes", *indexes.tolist())
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


def write(directory):
    v = values()
    bad = np.zeros((H, W), dtype=bool)
    bad[0, 0] = bad[1, 2] = True
    with h5py.File(f"{directory}/ptychodus.h5", "w") as f:
        f.create_dataset("patterns", data=v.astype(np.uint16), compression="lzf")
        f.create_dataset("indexes", data=np.arange(N), compression="lzf")
        f.create_dataset("bad_pixels", data=bad, compression="lzf")
    with h5py.File(f"{directory}/gzip.h5", "w") as f:
        f.create_dataset("patterns", data=v.astype(np.float64), compression="gzip")
        f.create_dataset("indexes", data=np.arange(10, 10 + N, dtype=np.int32))
    with h5py.File(f"{directory}/flat.h5", "w") as f:
        f.create_dataset("patterns", data=v[0].astype(np.float32))
    with h5py.File(f"{directory}/no_patterns.h5", "w") as f:
        f.create_dataset("data", data=v.astype(np.float32))
    with h5py.File(f"{directory}/short_indexes.h5", "w") as f:
        f.create_dataset("patterns", data=v.astype(np.float32), compression="lzf")
        f.create_dataset("indexes", data=np.arange(3))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        sys.exit(write(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
