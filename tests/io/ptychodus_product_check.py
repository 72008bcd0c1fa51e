#!/usr/bin/python3
"""h5py's view of the ptychodus product files for tests/io/ptychodus_product_test.cpp.

  check PATH [--pattern]  checks PATH against what ptychodus' product reader expects
                          (its HDF5 product-file plugin; docs/ptychodus-product.md):
                          every attribute and dataset, its dtype and its shape. With --pattern,
                          the probe and object elements must be value(i) below. Prints one fact per
                          line ("position K INDEX X_PX Y_PX", ptychodus' world -> object-pixel
                          mapping) and exits 1 listing every problem found.
  foreign DIR             writes product files the way other writers do: DIR/ptychodus.h5 as
                          ptychodus' own writer (root 'opr_weights' dataset, empty float64
                          loss_epochs, no tomography angle) and DIR/exporter.h5 as PtychoPINN's
                          exporter (2-D complex128 probe and object, 'costs' instead of
                          'loss_values', int32 indexes).
"""
import sys

import h5py
import numpy as np


def value(i):
    """Element i (row-major) of the --pattern probe and object: exactly representable in float32."""
    return complex(0.5 * i - 1.0, 0.25 * i)


def pattern(shape, dtype):
    n = int(np.prod(shape))
    return np.array([value(i) for i in range(n)], dtype=dtype).reshape(shape)


class Checker:
    def __init__(self):
        self.problems = []

    def expect(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition

    def float_attribute(self, owner, label, name):
        if not self.expect(name in owner.attrs, f"{label} attribute '{name}' is missing"):
            return None
        v = owner.attrs[name]
        self.expect(isinstance(v, np.float64) and np.shape(v) == (),
                    f"{label} attribute '{name}' is {type(v).__name__} {np.shape(v)}; expected a float64 scalar")
        return float(v)

    def string_attribute(self, owner, name):
        if not self.expect(name in owner.attrs, f"root attribute '{name}' is missing"):
            return None
        v = owner.attrs[name]
        # A variable-length string reads as str; a fixed-length one as numpy.bytes_, which ptychodus'
        # str() would turn into "b'...'".
        self.expect(isinstance(v, str), f"root attribute '{name}' is {type(v).__name__}; expected str")
        return v

    def dataset(self, f, name, dtype, ndim):
        if not self.expect(name in f and isinstance(f[name], h5py.Dataset), f"dataset '{name}' is missing"):
            return None
        d = f[name]
        self.expect(d.dtype == np.dtype(dtype), f"dataset '{name}' has dtype {d.dtype}; expected {dtype}")
        self.expect(d.ndim == ndim, f"dataset '{name}' has shape {d.shape}; expected {ndim} dimensions")
        self.expect(d.compression is None, f"dataset '{name}' is compressed ({d.compression})")
        return d


def check(path, with_pattern):
    c = Checker()
    facts = []
    with h5py.File(path, "r") as f:
        for name in ("name", "comments"):
            v = c.string_attribute(f, name)
            facts.append(f"attribute {name} {v!r}")
        for name in ("detector_object_distance_m", "probe_energy_eV", "exposure_time_s", "probe_photon_count",
                     "mass_attenuation_m2_kg", "tomography_angle_deg"):
            v = c.float_attribute(f, "root", name)
            facts.append(f"attribute {name} {v!r}")

        indexes = c.dataset(f, "probe_position_indexes", "int64", 1)
        xs = c.dataset(f, "probe_position_x_m", "float64", 1)
        ys = c.dataset(f, "probe_position_y_m", "float64", 1)
        probe = c.dataset(f, "probe", "complex64", 4)
        obj = c.dataset(f, "object", "complex64", 3)
        spacing = c.dataset(f, "object_layer_spacing_m", "float64", 1)
        epochs = c.dataset(f, "loss_epochs", "int64", 1)
        losses = c.dataset(f, "loss_values", "float64", 1)
        c.expect("opr_weights" not in f, "root dataset 'opr_weights' present; ptychodus reads the probe attribute")

        if probe is not None:
            pw = c.float_attribute(probe, "probe", "pixel_width_m")
            ph = c.float_attribute(probe, "probe", "pixel_height_m")
            c.expect(pw is not None and pw > 0 and ph is not None and ph > 0, "probe pixel size not > 0")
            facts.append(f"probe_shape {' '.join(str(d) for d in probe.shape)}")
            if "opr_weights" in probe.attrs:
                w = probe.attrs["opr_weights"]
                c.expect(w.dtype == np.float64 and w.ndim == 2 and w.shape[1] == probe.shape[0],
                         f"probe attribute 'opr_weights' is {w.dtype} {w.shape}; expected float64 [K, C]")
                facts.append(f"opr_weights_shape {' '.join(str(d) for d in w.shape)}")
            if with_pattern:
                c.expect(np.array_equal(probe[()], pattern(probe.shape, np.complex64)), "probe values differ")
        if obj is not None:
            for name in ("center_x_m", "center_y_m", "pixel_width_m", "pixel_height_m"):
                facts.append(f"object {name} {c.float_attribute(obj, 'object', name)!r}")
            facts.append(f"object_shape {' '.join(str(d) for d in obj.shape)}")
            if spacing is not None:
                c.expect(spacing.shape == (obj.shape[0] - 1,),
                         f"object_layer_spacing_m has shape {spacing.shape}; expected [L - 1] = [{obj.shape[0] - 1}]")
            if with_pattern:
                c.expect(np.array_equal(obj[()], pattern(obj.shape, np.complex64)), "object values differ")
        if epochs is not None and losses is not None:
            c.expect(epochs.shape == losses.shape, f"loss_epochs {epochs.shape} and loss_values {losses.shape} differ")
            facts.append(f"losses {len(losses)}")

        if indexes is not None and xs is not None and ys is not None and obj is not None and not c.problems:
            idx = indexes[()]
            c.expect(xs.shape == idx.shape and ys.shape == idx.shape, "position arrays differ in length")
            # ptychodus pairs positions with pattern rows (numpy.take): rows ascending, no repeats.
            c.expect(bool(np.all(idx >= 0)) and bool(np.all(np.diff(idx) > 0)),
                     f"probe_position_indexes {idx.tolist()} not ascending from >= 0")
            a = obj.attrs
            height, width = obj.shape[1], obj.shape[2]
            for k, (i, x_m, y_m) in enumerate(zip(idx, xs[()], ys[()])):
                # ptychodus' object geometry: world metres -> object pixels.
                x_px = (x_m - a["center_x_m"]) / a["pixel_width_m"] + width / 2
                y_px = (y_m - a["center_y_m"]) / a["pixel_height_m"] + height / 2
                facts.append(f"position {k} {int(i)} {float(x_px)!r} {float(y_px)!r}")
    for fact in facts:
        print(fact)
    for problem in c.problems:
        print(f"PROBLEM {problem}")
    return 1 if c.problems else 0


def write_foreign(directory):
    probe = pattern((3, 4), np.complex64)
    obj = pattern((5, 6), np.complex64)
    with h5py.File(f"{directory}/ptychodus.h5", "w") as f:
        f.attrs["name"] = "from ptychodus"
        f.attrs["comments"] = ""
        f.attrs["detector_object_distance_m"] = 2.0
        f.attrs["probe_energy_eV"] = 10000.0
        f.attrs["probe_photon_count"] = 1e9
        f.attrs["exposure_time_s"] = 0.5
        f.attrs["mass_attenuation_m2_kg"] = 0.0
        f.create_dataset("probe_position_indexes", data=[0, 1, 2])
        f.create_dataset("probe_position_x_m", data=[1e-7, 2e-7, 3e-7])
        f.create_dataset("probe_position_y_m", data=[-1e-7, 0.0, 1e-7])
        p = f.create_dataset("probe", data=probe.reshape(2, 1, 3, 2))
        f.create_dataset("opr_weights", data=np.array([[1.0, 0.5], [0.25, 0.125], [2.0, 4.0]]))
        p.attrs["pixel_width_m"] = 1e-8
        p.attrs["pixel_height_m"] = 2e-8
        o = f.create_dataset("object", data=obj.reshape(1, 5, 6))
        o.attrs["center_x_m"] = 1.5e-7
        o.attrs["center_y_m"] = -2.5e-8
        o.attrs["pixel_width_m"] = 1e-8
        o.attrs["pixel_height_m"] = 2e-8
        f.create_dataset("object_layer_spacing_m", data=np.zeros(0))
        f.create_dataset("loss_epochs", data=[])
        f.create_dataset("loss_values", data=[])
    with h5py.File(f"{directory}/exporter.h5", "w") as f:
        f.attrs["name"] = "from the PtychoPINN exporter"
        f.attrs["comments"] = np.bytes_(b"fixed length")
        f.attrs["detector_object_distance_m"] = 0.0
        f.attrs["probe_energy_eV"] = np.float32(8000.0)
        f.attrs["exposure_time_s"] = np.int32(1)
        f.create_dataset("probe_position_indexes", data=np.array([0, 1], dtype=np.int32))
        f.create_dataset("probe_position_x_m", data=np.array([0.0, 5e-8]))
        f.create_dataset("probe_position_y_m", data=np.array([0.0, 5e-8]))
        p = f.create_dataset("probe", data=probe.astype(np.complex128))
        p.attrs["pixel_width_m"] = 1.25e-7
        p.attrs["pixel_height_m"] = 1.25e-7
        o = f.create_dataset("object", data=obj.astype(np.complex128))
        o.attrs["center_x_m"] = 0.0
        o.attrs["center_y_m"] = 0.0
        o.attrs["pixel_width_m"] = 5e-8
        o.attrs["pixel_height_m"] = 5e-8
        f.create_dataset("object_layer_spacing_m", data=np.zeros(0))
        f.create_dataset("costs", data=np.array([3.0, 2.0, 1.5]))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "check":
        return check(argv[1], "--pattern" in argv[2:])
    if len(argv) == 2 and argv[0] == "foreign":
        return write_foreign(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
