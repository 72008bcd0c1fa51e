"""Oracle for tests/eval/ssim_test.cpp: scikit-image's SSIM and the reference's MS-SSIM variant.

usage: skimage_oracle.py DIR
DIR/cases.txt holds one case per line: "name height width data_range sigma"; DIR/<name>_a.bin and
DIR/<name>_b.bin hold the two images as raw little-endian float64, row-major. Prints one line per
case: "name ssim ms_ssim" with full precision.
"""
import sys

import numpy as np
from scipy.ndimage import gaussian_filter
from skimage.metrics import structural_similarity

WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]


def reference_ms_ssim(a, b, sigma):
    """MS-SSIM as the reference's evaluation computes it (src/ptychopinn/eval/ssim.h describes it)."""
    if sigma > 0:
        a, b = gaussian_filter(a, sigma), gaussian_filter(b, sigma)
    data_range = max(a.max() - a.min(), b.max() - b.min())
    value = 1.0
    for level, weight in enumerate(WEIGHTS):
        s = structural_similarity(a, b, data_range=data_range)
        if np.isnan(s):
            return 0.0
        if s < 0:
            s = 1e-4
        value *= s**weight
        if level < len(WEIGHTS) - 1:
            a, b = a[::2, ::2], b[::2, ::2]
            if min(a.shape) < 7:
                break
    return 0.0 if np.isnan(value) else value


def main(directory):
    with open(f"{directory}/cases.txt") as cases:
        for line in cases:
            name, height, width, data_range, sigma = line.split()
            shape = (int(height), int(width))
            a = np.fromfile(f"{directory}/{name}_a.bin", dtype="<f8").reshape(shape)
            b = np.fromfile(f"{directory}/{name}_b.bin", dtype="<f8").reshape(shape)
            s = structural_similarity(a, b, data_range=float(data_range))
            m = reference_ms_ssim(a, b, float(sigma))
            print(f"{name} {s!r} {m!r}")


if __name__ == "__main__":
    main(sys.argv[1])
