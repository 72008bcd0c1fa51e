"""PtychoPINN/LSQML, PtychoPINN/rPIE and PtychoPINN/PINN+LSQML: the iterative engine of `ptychopinn
iterate` (ptychopinn.iterate) as ptychodus reconstructors, with the settings of the group
PtychoPINNIterative (iterative_settings.py).

The solver works on the input object's grid (the product's object, layer 0, sets the grid: its
pixel [0, 0] is object pixel (0, 0), where scan.py puts the positions), so its object, probe (every
incoherent mode) and refined positions go back into the product as they are. It reads the scan as
a dataset file in a temporary folder (scan.write_pixel_dataset), which carries the detector's bad
pixels. The starting point:
  * LSQML and rPIE refine the product's object and probe, as ptychodus' other iterative
    reconstructors do (ptychodus' Object and Probe views initialise them); they reach the solver
    as a reconstruction file in a temporary folder;
  * PINN+LSQML starts from the network: the model that PtychoPINN/PINN holds (trained, or opened,
    or named by ModelPath) reconstructs the same patterns onto the grid, and its probe is the
    starting probe (ptychopinn.iterate's model_path, with the model saved to a temporary archive).
Every iteration's Fourier error becomes a LossValue of the product (ptychodus plots them) and moves
the progress; the solver runs in a thread of its own while reconstruct() yields (background_run.py).
"""
import tempfile
from pathlib import Path

import numpy as np

from ptychodus.api.product import LossValue

from . import scan as scan_io
from .background_run import run_reporting
from .reconstructor import PtychoPINNReconstructor, Step


def fourier_losses(errors):
    """Fourier errors of iterations 1, 2, ... as ptychodus' LossValues."""
    return [LossValue(i + 1, float(e)) for i, e in enumerate(errors)]


def write_start(path, object_, probe):
    """A reconstruction file as ptychopinn.iterate's init reads it: the object with pixel [0, 0] at
    object pixel (0, 0) and the probe's incoherent modes [K, N, N]."""
    np.savez(path, object=np.asarray(object_, np.complex64), x_origin_px=np.float64(0.0), y_origin_px=np.float64(0.0),
             probe=np.asarray(probe, np.complex64))
    return path


class IterativeReconstructor(PtychoPINNReconstructor):
    """A solver of ptychopinn.iterate (ALGORITHM) from the product's object and probe."""

    ALGORITHM = "lsqml"
    # Progress in percent: input converted, start ready, iterations up to the last, product made.
    PROGRESS_GOAL = 100
    _INPUT, _START, _ITERATIONS_DONE = 5, 10, 95

    def get_progress_goal(self):
        return self.PROGRESS_GOAL

    def _start(self, product, pixels, folder):
        """ptychopinn.iterate's keyword arguments for the starting point, made in `folder`."""
        object_ = np.asarray(product.object_.get_layer(0), np.complex64)
        if not np.any(object_) or not np.all(np.isfinite(object_)):
            self._logger.warning(f"PtychoPINN/{self._name}: the product's object is empty or not finite: starting "
                                 f"from a flat object")
            object_ = np.ones_like(object_)
        probe = np.asarray(product.probes.get_probe_no_opr().get_array(), np.complex64)
        return dict(init=write_start(folder / "start.npz", object_, probe))

    def _steps(self, parameters):
        import ptychopinn

        product = parameters.product
        pixels = scan_io.pixel_scan(parameters)
        yield Step(self._INPUT)
        options = self._library.iterative_settings.iterate_options()
        with tempfile.TemporaryDirectory(prefix="ptychopinn-ptychodus-") as name:
            folder = Path(name)
            data = scan_io.write_pixel_dataset(folder / "data.npz", pixels, product.object_.get_layer(0),
                                               parameters.bad_pixels)
            start = self._start(product, pixels, folder)
            yield Step(self._START)
            self._logger.info(f"PtychoPINN/{self._name}: {options['iterations']} iterations on {len(pixels.x_px)} "
                              f"patterns, {options['probe_modes']} probe mode(s)")
            result = yield from self._iterations(run_reporting(
                lambda progress: ptychopinn.iterate(data, algorithm=self.ALGORITHM, progress=progress, **options,
                                                    **start)))
        yield self._last_step(result, pixels)

    def _iterations(self, reports):
        """Steps while the solver runs (one per percent moved, with the losses so far); returns the
        solver's result."""
        losses, last = [], self._START
        while True:
            try:
                iteration, iterations, error = next(reports)
            except StopIteration as done:
                return done.value
            losses.append(LossValue(int(iteration), float(error)))
            progress = self._START + (self._ITERATIONS_DONE - self._START) * int(iteration) // max(int(iterations), 1)
            if progress != last:
                last = progress
                yield Step(progress, losses=list(losses))

    def _last_step(self, result, pixels):
        for note in result["notes"]:
            self._logger.info(f"PtychoPINN/{self._name}: {note}")
        obj = result["object"]
        if obj.shape != (pixels.height, pixels.width) or result["x_origin_px"] != 0 or result["y_origin_px"] != 0:
            raise RuntimeError(f"the solver's object is {obj.shape[1]} x {obj.shape[0]} pixels from "
                               f"({result['x_origin_px']}, {result['y_origin_px']}); expected the input grid, "
                               f"{pixels.width} x {pixels.height} from (0, 0)")
        errors = result["fourier_error"]
        final = f"{errors[-1]:.6g}" if errors else "unchanged"
        self._logger.info(f"PtychoPINN/{self._name}: {result['termination']} after {len(errors)} iterations "
                          f"({sum(result['seconds']):.2f} s): Fourier error {result['initial_fourier_error']:.6g} "
                          f"at the start, {final} at the end")
        positions = np.asarray(result["positions"], np.float64)
        return Step(self.PROGRESS_GOAL, object_=obj, probe=result["probe"],
                    positions_px=(positions[:, 0], positions[:, 1]), losses=fourier_losses(errors))


class LSQMLReconstructor(IterativeReconstructor):
    ALGORITHM = "lsqml"


class RPIEReconstructor(IterativeReconstructor):
    ALGORITHM = "rpie"


class HybridReconstructor(IterativeReconstructor):
    """LSQML from the network: PtychoPINN/PINN's model reconstructs the patterns, LSQML refines."""

    ALGORITHM = "lsqml"
    NETWORK = "PINN"

    def _start(self, product, pixels, folder):
        model = self._library.reconstructor(self.NETWORK).held_model()
        n = pixels.amplitudes.shape[-1]
        if n != model.N:
            raise ValueError(f"the patterns are {n} x {n} pixels but PtychoPINN/{self.NETWORK}'s model was trained on "
                             f"N = {model.N}: crop them to {model.N} in ptychodus' Diffraction settings")
        self._logger.info(f"PtychoPINN/{self._name}: starting from PtychoPINN/{self.NETWORK}'s model")
        return dict(model_path=model.save(folder))
