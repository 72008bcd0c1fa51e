#!/usr/bin/python3
"""Side-by-side comparison of reconstructions of one measured scan (no ground truth).

Every reconstruction is a reconstruction.npz written by `ptychopinn infer` or `ptychopinn iterate`
(object, coverage, x_origin_px / y_origin_px). Each is compared with a reference reconstruction of
the same frames (the iterative LSQML one) after it is placed on the reference's grid by its origin
and registered by phase correlation, and with its own twin from the other half of the scan:

  complex FRC   the Fourier ring correlation of the two complex objects (global phase and a relative
                linear phase ramp removed) over the well-lit area both share; "res" is the half-period,
                in object pixels, where it first drops below 1/7
  amp r (blur)  Pearson r of the amplitudes after a Gaussian blur of BLUR_SIGMA pixels
  phase r       Pearson r of the phases at full resolution
  half-scan     the complex FRC between the reconstructions of the two disjoint halves of the scan
                (alternate positions): the method's own resolution without ground truth

Writes OUT/comparison.png (amplitude and phase of every method on the reference's well-lit area),
OUT/frc.png (the curves), OUT/summary.md and OUT/summary.json.

usage: compare.py --out DIR --reference NAME name=path/reconstruction.npz ...
                  [--half NAME=half0.npz,half1.npz ...] [--convergence NAME=convergence.csv ...]
"""
import argparse
import csv
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import ndimage  # noqa: E402
from skimage.registration import phase_cross_correlation  # noqa: E402

BLUR_SIGMA = 4.0
# A batched solver's Fourier error fluctuates on its plateau (LSQML on the star: 0.24 % standard
# deviation over the last 40 of 100 iterations), so the first iteration at or below the reference's
# final value partly measures that noise; the table also gives the first iteration within 1 % of it.
PLATEAU_TOLERANCE = 0.01
LIT_FRACTION = 0.3  # a pixel is well lit at 30 % of the highest coverage or more


def load(path):
    with np.load(path) as z:
        for key in ("object", "coverage", "x_origin_px", "y_origin_px"):
            if key not in z:
                raise SystemExit(f"compare.py: {path}: no key '{key}' (expected a reconstruction.npz)")
        obj = np.asarray(z["object"], dtype=np.complex128)
        cov = np.asarray(z["coverage"], dtype=np.float64)
        origin = (float(z["y_origin_px"]), float(z["x_origin_px"]))
    if obj.ndim != 2 or obj.shape != cov.shape or not np.all(np.isfinite(obj)):
        raise SystemExit(f"compare.py: {path}: object must be a finite [H, W] image with a coverage of its shape")
    return obj, cov, origin


def shift_complex(image, shift):
    return ndimage.shift(image.real, shift, order=1) + 1j * ndimage.shift(image.imag, shift, order=1)


def on_grid(obj, cov, origin, ref_shape, ref_origin):
    """obj resampled onto the reference grid (same object-pixel coordinates)."""
    h, w = ref_shape
    canvas = np.zeros(ref_shape, np.complex128)
    canvas_cov = np.zeros(ref_shape)
    # Integer part by placement, fractional part by a bilinear shift.
    dy, dx = origin[0] - ref_origin[0], origin[1] - ref_origin[1]
    iy, ix = int(np.floor(dy)), int(np.floor(dx))
    obj = shift_complex(obj, (dy - iy, dx - ix))
    cov = ndimage.shift(cov, (dy - iy, dx - ix), order=1)
    y0, x0 = max(iy, 0), max(ix, 0)
    y1, x1 = min(iy + obj.shape[0], h), min(ix + obj.shape[1], w)
    if y1 <= y0 or x1 <= x0:
        return canvas, canvas_cov
    canvas[y0:y1, x0:x1] = obj[y0 - iy:y1 - iy, x0 - ix:x1 - ix]
    canvas_cov[y0:y1, x0:x1] = cov[y0 - iy:y1 - iy, x0 - ix:x1 - ix]
    return canvas, canvas_cov


def lit(cov):
    return cov >= LIT_FRACTION * cov.max()


def square_window(mask):
    """The largest centred square inside the bounding box of mask that mask fills."""
    rows, cols = np.where(mask)
    cy, cx = (rows.min() + rows.max()) // 2, (cols.min() + cols.max()) // 2
    half = min(rows.max() - rows.min(), cols.max() - cols.min()) // 2
    while half > 4 and not mask[cy - half:cy + half, cx - half:cx + half].all():
        half -= 1
    return slice(cy - half, cy + half), slice(cx - half, cx + half)


def remove_relative_phase(a, ref, mask):
    """a times exp(-i (c + gx x + gy y)): the plane that best fits angle(a conj(ref)) over mask."""
    d = a * np.conj(ref)
    d = d / np.maximum(np.abs(d), 1e-12)
    # Linear term from the mean phase gradient of the difference (robust to wrapping), then offset.
    gy = np.angle(np.sum((d[1:, :] * np.conj(d[:-1, :]))[mask[1:, :] & mask[:-1, :]]))
    gx = np.angle(np.sum((d[:, 1:] * np.conj(d[:, :-1]))[mask[:, 1:] & mask[:, :-1]]))
    yy, xx = np.mgrid[0:a.shape[0], 0:a.shape[1]]
    a = a * np.exp(-1j * (gx * xx + gy * yy))
    c = np.angle(np.sum((a * np.conj(ref))[mask]))
    return a * np.exp(-1j * c)


def frc(a, b):
    """Complex FRC of two equal square images (Hann-windowed), one value per ring up to Nyquist."""
    n = a.shape[0]
    window = np.outer(np.hanning(n), np.hanning(n))
    fa, fb = np.fft.fftshift(np.fft.fft2(a * window)), np.fft.fftshift(np.fft.fft2(b * window))
    yy, xx = np.mgrid[0:n, 0:n] - n // 2
    ring = np.round(np.hypot(yy, xx)).astype(int)
    rings = n // 2
    num = np.array([np.sum((fa * np.conj(fb))[ring == r]) for r in range(rings)])
    den = np.array([np.sqrt(np.sum(np.abs(fa[ring == r]) ** 2) * np.sum(np.abs(fb[ring == r]) ** 2))
                    for r in range(rings)])
    return np.abs(num) / np.maximum(den, 1e-30)


def half_period(curve, n, threshold=1.0 / 7.0):
    """Half-period in pixels where curve first drops below threshold (n / 2 rings = Nyquist: 1 px)."""
    for r in range(1, len(curve)):
        if curve[r] < threshold:
            # Interpolate the crossing between rings r - 1 and r.
            f = r - 1 + (curve[r - 1] - threshold) / max(curve[r - 1] - curve[r], 1e-12)
            return n / (2.0 * max(f, 1e-6))
    return n / (2.0 * (len(curve) - 1))


def pearson(a, b):
    a, b = a - a.mean(), b - b.mean()
    return float(np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b)))


def compare(a_rec, ref_rec):
    """Metrics of a against ref, and a on ref's grid, registered and phase-aligned."""
    ref, ref_cov, ref_origin = ref_rec
    a, a_cov = on_grid(*a_rec, ref.shape, ref_origin)
    mask = lit(ref_cov) & lit(a_cov) if a_cov.max() > 0 else lit(ref_cov)
    rows, cols = square_window(mask)
    # On the complex images: a network's amplitude can be flat or textured where its phase is right.
    shift, _, _ = phase_cross_correlation(ref[rows, cols], a[rows, cols], upsample_factor=10)
    a = shift_complex(a, shift)
    a = remove_relative_phase(a, ref, mask)
    ra, rr = a[rows, cols], ref[rows, cols]
    curve = frc(ra, rr)
    blur = lambda x: ndimage.gaussian_filter(x, BLUR_SIGMA)  # noqa: E731
    inner = mask[rows, cols]
    return {
        "frc_half_period_px": half_period(curve, ra.shape[0]),
        "amplitude_r_blurred": pearson(blur(np.abs(ra))[inner], blur(np.abs(rr))[inner]),
        "phase_r": pearson(np.angle(ra)[inner], np.angle(rr)[inner]),
        "registration_shift_px": [float(s) for s in shift],
        "frc": curve.tolist(),
    }, a


def robust(x, mask):
    lo, hi = np.percentile(x[mask], [1, 99])
    return lo, hi if hi > lo else lo + 1e-12


def iterations_to_reach(csv_path, target):
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    key = next(k for k in rows[0] if "error" in k)
    for row in rows:
        if float(row[key]) <= target:
            return int(row["iteration"])
    return None


def final_error(csv_path):
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    key = next(k for k in rows[0] if "error" in k)
    return float(rows[-1][key]), len(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--reference", required=True, help="the name of the reference reconstruction")
    p.add_argument("--half", action="append", default=[], help="NAME=half0.npz,half1.npz")
    p.add_argument("--convergence", action="append", default=[], help="NAME=convergence.csv")
    p.add_argument("recons", nargs="+", help="NAME=reconstruction.npz, in the order of the columns")
    args = p.parse_args()
    recs = {}
    for item in args.recons:
        name, path = item.split("=", 1)
        recs[name] = load(path)
    if args.reference not in recs:
        raise SystemExit(f"compare.py: --reference {args.reference} is not one of {list(recs)}")
    ref = recs[args.reference]
    summary = {}
    aligned = {}
    for name, rec in recs.items():
        m, a = compare(rec, ref)
        summary[name] = m if name != args.reference else {}
        aligned[name] = a
    for item in args.half:
        name, paths = item.split("=", 1)
        h0, h1 = (load(q) for q in paths.split(","))
        m, _ = compare(h1, h0)
        summary.setdefault(name, {})["half_scan_half_period_px"] = m["frc_half_period_px"]
        summary[name]["half_scan_frc"] = m["frc"]
    for item in args.convergence:
        name, path = item.split("=", 1)
        err, its = final_error(path)
        summary.setdefault(name, {})["final_fourier_error"] = err
        summary[name]["iterations"] = its
    ref_conv = dict(x.split("=", 1) for x in args.convergence).get(args.reference)
    if ref_conv:
        target = summary[args.reference]["final_fourier_error"]
        for item in args.convergence:
            name, path = item.split("=", 1)
            summary[name]["iterations_to_reference_final_error"] = iterations_to_reach(path, target)
            summary[name]["iterations_to_within_1pc"] = iterations_to_reach(path, target * (1 + PLATEAU_TOLERANCE))

    os.makedirs(args.out, exist_ok=True)
    ref_obj, ref_cov, _ = ref
    mask = lit(ref_cov)
    rows, cols = np.where(mask)
    crop = slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1)
    names = list(recs)
    fig, axes = plt.subplots(2, len(names), figsize=(3.2 * len(names), 6.4), squeeze=False)
    for j, name in enumerate(names):
        a = aligned[name]
        amp, ph = np.abs(a), np.angle(a)
        for i, (img, cmap, label) in enumerate(((amp, "viridis", "amplitude"), (ph, "gray", "phase (rad)"))):
            lo, hi = robust(img, mask)
            shown = np.where(mask, img, np.nan)[crop]
            im = axes[i, j].imshow(shown, cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
            axes[i, j].set_xticks([])
            axes[i, j].set_yticks([])
            fig.colorbar(im, ax=axes[i, j], fraction=0.046, pad=0.02)
            if i == 0:
                axes[i, j].set_title(name)
            if j == 0:
                axes[i, j].set_ylabel(label)
    fig.suptitle(f"on the {args.reference} grid, well-lit area; 1-99 % range; phase aligned to {args.reference}")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "comparison.png"), dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name in names:
        m = summary.get(name, {})
        if "frc" in m:
            ax.plot(m["frc"], label=f"{name} vs {args.reference}")
        if "half_scan_frc" in m:
            ax.plot(m["half_scan_frc"], "--", label=f"{name} half-scan")
    ax.axhline(1 / 7, color="k", lw=0.8, ls=":")
    ax.set_xlabel("ring (spatial frequency, pixels)")
    ax.set_ylabel("complex FRC")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "frc.png"), dpi=110)
    plt.close(fig)

    def fmt(x, spec):
        return "-" if x is None else format(x, spec)

    lines = [f"| method | complex FRC res vs {args.reference} (px) | amp r (blur {BLUR_SIGMA:g} px) | phase r "
             "| half-scan res (px) | final Fourier error | iterations to the reference's final error "
             "| to within 1 % of it |",
             "|---|---|---|---|---|---|---|---|"]
    for name in names:
        m = summary.get(name, {})
        lines.append(f"| {name} | {fmt(m.get('frc_half_period_px'), '.2f')} | {fmt(m.get('amplitude_r_blurred'), '.3f')} "
                     f"| {fmt(m.get('phase_r'), '.3f')} | {fmt(m.get('half_scan_half_period_px'), '.2f')} "
                     f"| {fmt(m.get('final_fourier_error'), '.5f')} "
                     f"| {fmt(m.get('iterations_to_reference_final_error'), 'd')} "
                     f"| {fmt(m.get('iterations_to_within_1pc'), 'd')} |")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(table)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({k: {kk: vv for kk, vv in v.items() if "frc" != kk and kk != "half_scan_frc"}
                   for k, v in summary.items()}, f, indent=1)
    print(table, end="")


if __name__ == "__main__":
    main()
