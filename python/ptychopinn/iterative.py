"""Iterative reconstruction (LSQML, rPIE, ePIE) with probe and position refinement: the run that
`ptychopinn iterate` makes, from Python."""
import os

from . import _core


def iterate(data, output_dir=None, algorithm="lsqml", iterations=100, batch_size=0, probe_modes=1,
            probe_refinement=True, probe_refinement_start=0, position_correction=False,
            position_correction_start=10, position_max_step_px=0.5, noise_model="gaussian", init=None,
            model_path=None, device="auto", threads=0, seed=0, pixel_size_m=None, progress=None):
    """Reconstructs a dataset (a Dataset or a dataset path) iteratively.

    algorithm:  'lsqml' (batched least squares with optimal steps), 'rpie' or 'epie'
    batch_size: patterns per update; 0 = the algorithm's default (rpie 1, lsqml 64)
    probe_modes: incoherent probe modes K; probe_refinement(_start), position_correction(_start),
        position_max_step_px and noise_model ('gaussian' or 'poisson', lsqml only) as the command's options
    init:       start from a reconstruction.npz (object on its grid, and its probe) or a dataset NPZ's
                objectGuess; model_path: the hybrid, a trained model's reconstruction of the same
                patterns and its probe (excludes init)
    progress:   progress(iteration, iterations, fourier_error) after every iteration (1-based);
                returning False stops the run there (termination 'stopped'); an exception it
                raises stops the run and propagates
    output_dir: when given, the files `ptychopinn iterate` writes are written there

    Returns a dict: object [H, W] complex64 with x_origin_px, y_origin_px (object-pixel
    coordinates of object[0, 0]), illumination [H, W], probe [K, N, N], positions [M, 2] (x, y),
    fourier_error and seconds per iteration, initial_fourier_error, mode_powers, termination,
    start, notes and files.
    """
    if isinstance(data, os.PathLike):
        data = os.fspath(data)
    fspath = (lambda p: None if p is None else os.fspath(p))
    return _core.iterate(data, fspath(output_dir), algorithm, iterations, batch_size, probe_modes, probe_refinement,
                         probe_refinement_start, position_correction, position_correction_start,
                         position_max_step_px, noise_model, fspath(init), fspath(model_path), device, threads, seed,
                         pixel_size_m, progress)
