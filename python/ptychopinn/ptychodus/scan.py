"""ptychodus' reconstruct input in object pixels, and back, through the C++ functions the file
converter uses (convert/ptychodus_scan.h), so the rules exist once:
  * patterns arrive paired with the positions (ptychodus pairs position k with pattern k) as raw
    detector counts, DC at the centre: amplitudes are sqrt(counts), the bad pixels (True = bad) 0;
  * positions arrive in metres: ptychodus' mapping onto the input object's grid gives object pixels;
  * the probe is coherent mode 0, incoherent mode 0.
Importing this module loads nothing heavy; the compiled core loads when a function runs.
"""
from dataclasses import dataclass

import numpy as np


def object_geometry(product):
    """The product object's geometry as the compiled core takes it (ptychodus' ObjectGeometry fields)."""
    g = product.object_.get_geometry()
    return dict(width_px=int(g.width_px), height_px=int(g.height_px), pixel_width_m=float(g.pixel_width_m),
                pixel_height_m=float(g.pixel_height_m), center_x_m=float(g.center_x_m),
                center_y_m=float(g.center_y_m))


def product_metadata(product):
    m = product.metadata
    return dict(name=m.name, detector_distance_m=float(m.detector_distance_m),
                probe_energy_eV=float(m.probe_energy_eV), probe_photon_count=float(m.probe_photon_count),
                exposure_time_s=float(m.exposure_time_s))


def positions_m(product):
    """The product's probe positions in metres (x, y), in stored order."""
    points = list(product.probe_positions)
    return (np.fromiter((p.coordinate_x_m for p in points), dtype=np.float64, count=len(points)),
            np.fromiter((p.coordinate_y_m for p in points), dtype=np.float64, count=len(points)))


def probe_mode_0(product):
    """[H, W] complex64: coherent mode 0, incoherent mode 0."""
    return np.asarray(product.probes.get_probe_no_opr().get_incoherent_mode(0), dtype=np.complex64)


@dataclass(frozen=True)
class PixelScan:
    amplitudes: np.ndarray  # [M, H, H] float32, bad pixels 0
    x_px: np.ndarray        # [M] object pixels on the input object's grid
    y_px: np.ndarray
    probe: np.ndarray       # [H, H] complex64
    width: int              # the input object's grid, pixels
    height: int
    bad_pixels: int         # how many detector pixels are marked bad

    def grid(self):
        """The input object's grid for stitching, in object pixels (column c's centre at c)."""
        return dict(x_origin=0.0, y_origin=0.0, pixel_width=1.0, pixel_height=1.0, width=self.width,
                    height=self.height)


def pixel_scan(parameters):
    """ptychodus' ReconstructInput in object pixels. Raises ValueError naming what ptychodus handed
    over that cannot be used (a count below 0 outside the bad pixels, non-square patterns or pixels,
    a position count that is not the pattern count)."""
    from .. import _core

    product = parameters.product
    geometry = object_geometry(product)
    x_m, y_m = positions_m(product)
    out = _core.ptychodus_pixels(parameters.diffraction_patterns, parameters.bad_pixels, x_m, y_m, geometry)
    return PixelScan(out["amplitudes"], out["x_px"], out["y_px"], probe_mode_0(product), geometry["width_px"],
                     geometry["height_px"], out["bad_pixels"])


def metres(product, x_px, y_px):
    """Object-pixel positions on the product object's grid back to metres (x_m, y_m)."""
    from .. import _core

    return _core.ptychodus_metres(x_px, y_px, object_geometry(product))


def write_training_data(path, parameters, probe_scale):
    """Writes ptychodus' ReconstructInput as a contract NPZ, as `ptychopinn convert` writes ptychodus'
    files; returns the _metadata written."""
    from .. import _core

    product = parameters.product
    x_m, y_m = positions_m(product)
    return _core.write_ptychodus_training_data(
        str(path), parameters.diffraction_patterns, parameters.bad_pixels, x_m, y_m, object_geometry(product),
        probe_mode_0(product), np.asarray(product.object_.get_layer(0), dtype=np.complex64),
        product_metadata(product), float(probe_scale))


def write_pixel_dataset(path, pixels, object_, bad_pixels):
    """A PixelScan as a contract NPZ on the input object's grid, for the engines that read datasets
    (the iterative solver): objectGuess = object_ (it sets the grid, origin 0), and the detector's bad
    pixels (True = bad) when any is bad, which the solver leaves free instead of fitting their
    zeroed amplitudes. Positions stay where pixel_scan put them (no shift, unlike the training data
    export). Stored uncompressed, so the solver maps the patterns instead of copying them."""
    members = dict(diffraction=pixels.amplitudes, xcoords=np.asarray(pixels.x_px, np.float64),
                   ycoords=np.asarray(pixels.y_px, np.float64), probeGuess=pixels.probe,
                   objectGuess=np.asarray(object_, np.complex64))
    bad = np.asarray(bad_pixels, bool)
    if bad.any():
        members["bad_pixels"] = bad
    np.savez(path, **members)
    return path
