#!/usr/bin/env python3
"""Amplitude and phase of several reconstructions beside the true object, on the true object's grid.

    side_by_side.py OUT.png TRUTH.npz LABEL=RECONSTRUCTION.npz [LABEL=RECONSTRUCTION.npz ...]

TRUTH.npz is a dataset with an objectGuess (what `ptychopinn simulate` writes); each
reconstruction.npz is what `ptychopinn infer` or `ptychopinn iterate` writes. Each image is placed
by its x_origin_px / y_origin_px (rounded to whole pixels: a picture, not a measurement;
`ptychopinn evaluate` registers sub-pixel for the numbers). Pixels its scan covers weakly (under a
tenth of its largest coverage) are left blank. Neither a constant phase nor the overall amplitude
scale is measurable (an iterative solver may put a factor into the probe instead), so phases have
their mean over the shown pixels removed and amplitudes are scaled to the truth's median; each
row shares the truth's colour range. Each reconstruction's title gives the Pearson r of its
amplitude and of its phase with the truth's over the pixels it shows (the well-lit region, at
whole-pixel placement): `ptychopinn evaluate` compares the whole scanned box instead, whose weakly
lit rim no method determines.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def fail(message):
    sys.exit(f"side_by_side.py: {message}")


def on_truth_grid(path, shape):
    try:
        z = np.load(path)
        obj, coverage = z["object"], z["coverage"]
        x0, y0 = float(z["x_origin_px"]), float(z["y_origin_px"])
    except (OSError, KeyError, ValueError) as e:
        fail(f"{path}: expected a reconstruction.npz with object, coverage, x_origin_px, y_origin_px ({e})")
    out = np.full(shape, np.nan + 1j * np.nan, dtype=np.complex64)
    dy, dx = int(round(y0)), int(round(x0))
    # truth pixel (r, c) is image pixel (r - dy, c - dx)
    r0, r1 = max(0, dy), min(shape[0], dy + obj.shape[0])
    c0, c1 = max(0, dx), min(shape[1], dx + obj.shape[1])
    if r1 <= r0 or c1 <= c0:
        fail(f"{path}: the image does not overlap the true object's grid (origin {x0:.1f}, {y0:.1f})")
    patch = obj[r0 - dy : r1 - dy, c0 - dx : c1 - dx].copy()
    weak = coverage[r0 - dy : r1 - dy, c0 - dx : c1 - dx] < 0.1 * coverage.max()
    patch[weak] = np.nan
    out[r0:r1, c0:c1] = patch
    return out


def centred_phase(obj):
    valid = np.isfinite(obj)
    mean = np.angle(np.mean(obj[valid] / np.maximum(np.abs(obj[valid]), 1e-12)))
    phase = np.full(obj.shape, np.nan)
    phase[valid] = np.angle(obj[valid] * np.exp(-1j * mean))
    return phase


def main(argv):
    if len(argv) < 4 or any("=" not in a for a in argv[3:]):
        fail("usage: side_by_side.py OUT.png TRUTH.npz LABEL=RECONSTRUCTION.npz [...]")
    out, truth_path, pairs = argv[1], argv[2], [a.split("=", 1) for a in argv[3:]]
    try:
        truth = np.load(truth_path)["objectGuess"]
    except (OSError, KeyError, ValueError) as e:
        fail(f"{truth_path}: expected a dataset with objectGuess ({e})")
    columns = [("truth", truth.astype(np.complex64))]
    columns += [(label, on_truth_grid(path, truth.shape)) for label, path in pairs]
    # Blank in the truth too what no reconstruction covers, so every column shows the same region.
    covered = np.zeros(truth.shape, bool)
    for _, obj in columns[1:]:
        covered |= np.isfinite(obj)
    columns[0] = ("truth", np.where(covered, columns[0][1], np.nan + 1j * np.nan))
    truth_median = np.nanmedian(np.abs(columns[0][1]))
    for j in range(1, len(columns)):
        label, obj = columns[j]
        columns[j] = (label, obj * (truth_median / max(np.nanmedian(np.abs(obj)), 1e-12)))
    amp_max = np.nanpercentile(np.abs(columns[0][1]), 99.5)
    truth_phase = centred_phase(columns[0][1])
    lo, hi = np.nanpercentile(truth_phase, [0.5, 99.5])
    pad = 0.1 * (hi - lo) + 1e-3
    width = truth.shape[1] / truth.shape[0]
    panel = 3.0  # inches per image's width
    fig, axes = plt.subplots(
        2,
        len(columns),
        figsize=(0.8 + panel * len(columns), 0.9 + 2 * (0.45 + panel / width)),
        squeeze=False,
        layout="constrained",
    )
    for j, (label, obj) in enumerate(columns):
        if j > 0:
            shown = np.isfinite(obj)
            amp_r = np.corrcoef(np.abs(obj[shown]), np.abs(columns[0][1][shown]))[0, 1]
            phase_r = np.corrcoef(centred_phase(obj)[shown], truth_phase[shown])[0, 1]
            label += f"\nlit region: amp. r {amp_r:.3f}, phase r {phase_r:.3f}"
        a = axes[0][j].imshow(np.abs(obj), cmap="gray", vmin=0, vmax=amp_max)
        p = axes[1][j].imshow(centred_phase(obj), cmap="viridis", vmin=lo - pad, vmax=hi + pad)
        axes[0][j].set_title(label, fontsize=8.5)
        for ax in (axes[0][j], axes[1][j]):
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0][0].set_ylabel("amplitude")
    axes[1][0].set_ylabel("phase (rad)")
    fig.colorbar(a, ax=axes[0].tolist(), shrink=0.8)
    fig.colorbar(p, ax=axes[1].tolist(), shrink=0.8)
    fig.savefig(out + ".tmp.png", dpi=110)
    os.replace(out + ".tmp.png", out)  # atomic: a reader never sees half a picture


if __name__ == "__main__":
    main(sys.argv)
