"""Reads a ptychopinn model archive with nothing but zipfile, json and NumPy, as a Python user would.

usage: read_archive.py ARCHIVE OUT.npz
Prints a JSON summary on stdout and writes every weight (and the probe as '__probe__') to OUT.npz, so
that the C++ test can check NumPy saw exactly the bits that were saved.
"""
import io
import json
import sys
import zipfile

import numpy as np


def main(archive, out):
    with zipfile.ZipFile(archive) as z:
        bad = z.testzip()
        if bad is not None:
            raise SystemExit(f"CRC error in member {bad}")
        manifest = json.loads(z.read("manifest.json"))
        params = json.loads(z.read("params.json"))
        config = json.loads(z.read("config.json"))
        weights = np.load(io.BytesIO(z.read("weights.npz")), allow_pickle=False)
        probe = np.load(io.BytesIO(z.read("probe.npy")), allow_pickle=False)
        arrays = {key: weights[key] for key in weights.files}
        history = z.read("history.csv").decode()
        names = z.namelist()
    np.savez(out, __probe__=probe, **arrays)
    print(json.dumps({
        "names": names,
        "manifest": manifest,
        "intensity_scale": params["intensity_scale"],
        "params_N": params["N"],
        "config_N": config["model"]["N"],
        "weight_keys": list(arrays),
        "dtypes": {key: str(value.dtype) for key, value in arrays.items()},
        "probe_dtype": str(probe.dtype),
        "probe_shape": list(probe.shape),
        "history_lines": len(history.splitlines()),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
