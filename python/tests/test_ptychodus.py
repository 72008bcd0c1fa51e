"""The ptychodus reconstructor library, method by method, on ptychodus' own API types: the real
ptychodus v1.2 when its source is in the shared folder, the stand-in only where it is absent
(ptychodus_env.py). Settings taken over from ptychodus' own PtychoPINN library, the metre -> pixel
and counts -> amplitude rules of the compiled core, reconstruction into the input object's grid with
progress and losses, export -> train -> save -> open, errors as results, and install().
test_ptychodus_real.py drives the whole program (ModelCore, its readers and writers, the three ways
of registering)."""
import logging
import subprocess
import sys

import numpy as np
import pytest

import ptychodus_env  # noqa: F401  (puts ptychodus on sys.path first)

from ptychodus.api.geometry import PixelGeometry  # noqa: E402
from ptychodus.api.object import Object, ObjectCenter  # noqa: E402
from ptychodus.api.probe import ProbeSequence  # noqa: E402
from ptychodus.api.probe_positions import ProbePosition, ProbePositionSequence  # noqa: E402
from ptychodus.api.product import Product, ProductMetadata  # noqa: E402
from ptychodus.api.reconstructor import ReconstructInput, TrainableReconstructor  # noqa: E402
from ptychodus.api.settings import SettingsRegistry  # noqa: E402

import ptychopinn as pp  # noqa: E402
from ptychopinn.ptychodus import create_library  # noqa: E402
from ptychopinn.ptychodus import scan as scan_io  # noqa: E402
from ptychopinn.ptychodus.reconstructor import Step  # noqa: E402

PIXEL_M = 2e-8
NAMES = ["PINN", "Supervised", "LSQML", "rPIE", "PINN+LSQML"]
CENTRE_M = (3e-7, -5e-7)


def make_input(dataset, bad_pixels=None, counts=None):
    """A ReconstructInput as ptychodus builds it from a simulated dataset: counts (float32),
    positions in metres, a [1, 1, N, N] probe and an initial object of ones on a grid whose centre is
    offset from the origin (so a mapping that ignores the centre fails)."""
    if counts is None:
        counts = np.square(dataset.diffraction.astype(np.float64)).astype(np.float32)
    h, w = dataset.object.shape
    cx, cy = CENTRE_M
    # world x_m such that ptychodus' mapping returns the dataset's pixel positions
    positions = ProbePositionSequence([
        ProbePosition(k, (x - w / 2) * PIXEL_M + cx, (y - h / 2) * PIXEL_M + cy)
        for k, (x, y) in enumerate(zip(dataset.xcoords, dataset.ycoords))])
    pixel = PixelGeometry(PIXEL_M, PIXEL_M)
    product = Product(
        metadata=ProductMetadata(name="tiny", comments="", detector_distance_m=1.0, probe_energy_eV=8000.0,
                                 probe_photon_count=1e9, exposure_time_s=0.1, mass_attenuation_m2_kg=0.0,
                                 tomography_angle_deg=0.0),
        probe_positions=positions,
        probes=ProbeSequence(dataset.probe.astype(np.complex64)[np.newaxis, np.newaxis], None, pixel),
        object_=Object(np.ones((h, w), np.complex64), pixel, ObjectCenter(cx, cy)),
        losses=[])
    if bad_pixels is None:
        bad_pixels = np.zeros(counts.shape[1:], dtype=bool)
    return ReconstructInput(counts, bad_pixels, product)


@pytest.fixture()
def library():
    return create_library(SettingsRegistry())


def pinn(library):
    return library.reconstructor("PINN")


def test_library_names_and_settings_match_the_existing_integration():
    registry = SettingsRegistry()
    lib = create_library(registry)
    assert lib.name == "PtychoPINN"
    assert [r.get_name() for r in lib] == NAMES
    assert {"PtychoPINNModel", "PtychoPINNTraining", "PtychoPINNInference"} <= set(registry)
    assert {"GridSize", "NumFiltersScale", "AmpActivation", "ObjectBig", "ProbeBig", "ProbeMask", "PadObject",
            "ProbeScale", "GaussianSmoothingSigma"} == set(registry["PtychoPINNModel"].parameters())
    assert {"ModelPath", "NumNearestNeighbors", "NumSamples"} == set(registry["PtychoPINNInference"].parameters())
    assert "NumEpochs" in registry["PtychoPINNTraining"].parameters()
    assert list(lib.enumerators.get_amp_activations()) == ["sigmoid", "swish", "softplus", "relu"]
    assert "wts.h5.zip" in pinn(lib).get_model_file_filter()


def test_settings_are_taken_over_from_ptychodus_own_library():
    """ptychodus builds its own PtychoPINN library, which creates the groups, whatever else is
    registered: ours shares its parameters instead of failing on 'Group ... already exists!'."""
    import ptychodus.model.core as core

    registry = SettingsRegistry()
    core.PtychoPINNReconstructorLibrary(registry, False)  # the stock library (before install())
    stock_gridsize = registry["PtychoPINNModel"].parameters()["GridSize"]
    ours = create_library(registry)
    again = create_library(registry)
    assert ours.model_settings.gridsize is stock_gridsize
    assert again.training_settings.nepochs is ours.training_settings.nepochs
    assert len(registry["PtychoPINNModel"].parameters()) == 9
    stock_gridsize.set_value(3)
    assert ours.model_settings.model_config(64, "pinn")["gridsize"] == 3


def test_constructing_the_library_loads_no_libtorch():
    code = ("import sys, ptychodus_env\n"
            "from ptychodus.api.settings import SettingsRegistry\n"
            "from ptychopinn.ptychodus import create_library\n"
            "create_library(SettingsRegistry())\n"
            "heavy = [m for m in ('ptychopinn._core', 'torch') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ptychodus_env.HERE, env=ptychodus_env.child_env(),
                   timeout=120)


def test_counts_become_amplitudes_and_metres_become_pixels_in_the_compiled_core(tiny_dataset):
    bad = np.zeros((64, 64), bool)
    bad[0, 0] = bad[10, 20] = True
    counts = np.round(tiny_dataset.diffraction.astype(np.float64) ** 2).astype(np.uint32)
    counts[3, 10, 20] = 4_000_000_000  # a hot pixel, marked bad
    pixels = scan_io.pixel_scan(make_input(tiny_dataset, bad_pixels=bad, counts=counts))
    assert pixels.amplitudes.dtype == np.float32
    assert pixels.bad_pixels == 2
    assert np.all(pixels.amplitudes[:, 0, 0] == 0) and np.all(pixels.amplitudes[:, 10, 20] == 0)
    assert np.allclose(pixels.amplitudes[:, 1:, 1:5], np.sqrt(counts[:, 1:, 1:5]), rtol=1e-6)
    assert np.allclose(pixels.x_px, tiny_dataset.xcoords, atol=1e-9)
    assert np.allclose(pixels.y_px, tiny_dataset.ycoords, atol=1e-9)
    product = make_input(tiny_dataset).product
    x_m, y_m = scan_io.metres(product, pixels.x_px, pixels.y_px)
    stored = list(product.probe_positions)
    assert np.allclose(x_m, [p.coordinate_x_m for p in stored], rtol=0, atol=1e-18)
    assert np.allclose(y_m, [p.coordinate_y_m for p in stored], rtol=0, atol=1e-18)


def test_counts_ptychodus_could_not_use_either_are_refused_naming_the_pixel(tiny_dataset):
    counts = np.round(tiny_dataset.diffraction.astype(np.float64) ** 2)
    counts[2, 5, 6] = -1
    with pytest.raises(ValueError, match=r"pattern 2 has the count -1 at row 5, column 6; expected finite counts"):
        scan_io.pixel_scan(make_input(tiny_dataset, counts=counts))
    with pytest.raises(ValueError, match=r"bad pixels have shape \[3, 3\]"):
        scan_io.pixel_scan(make_input(tiny_dataset, bad_pixels=np.zeros((3, 3), bool)))


def reconstructed(rec, parameters, reports):
    """The outputs of a reconstruction that succeeded, progress rising from 0 to the goal (100) in at
    least `reports` distinct steps."""
    outputs = list(rec.reconstruct(parameters))
    progress = [o.progress for o in outputs]
    assert progress[0] == 0 and progress[-1] == rec.get_progress_goal() == 100
    assert progress == sorted(set(progress)) and len(progress) >= reports, progress  # moves while it runs
    assert [o.result for o in outputs] == [0] * len(outputs)
    return outputs


def assert_on_input_grid(product_in, product_out):
    """The output object lies on the input's grid (shape, pixel size, centre); returns it."""
    obj_in, obj_out = product_in.object_, product_out.object_
    assert obj_out.get_array().shape == obj_in.get_array().shape
    assert obj_out.get_pixel_geometry() == obj_in.get_pixel_geometry()
    assert obj_out.get_center() == obj_in.get_center()
    return obj_out


def test_reconstruct_fills_the_input_grid_reports_progress_and_losses(library, tiny_model, tiny_dataset):
    _, run = tiny_model
    rec = pinn(library)
    rec.open_model(run)
    parameters = make_input(tiny_dataset)
    outputs = reconstructed(rec, parameters, 4)
    product = outputs[-1].product
    obj_out = assert_on_input_grid(parameters.product, product)
    assert product.probe_positions is parameters.product.probe_positions
    assert product.probes is parameters.product.probes
    assert [loss.epoch for loss in product.losses] == [1, 2, 3, 4, 5, 6]
    amplitude = np.abs(obj_out.get_layer(0))
    truth = np.abs(tiny_dataset.object)
    # Compare where the scan reached (the central part of every patch).
    mask = np.zeros(truth.shape, bool)
    for cx, cy in zip(tiny_dataset.xcoords, tiny_dataset.ycoords):
        mask[int(cy) - 8:int(cy) + 8, int(cx) - 8:int(cx) + 8] = True
    r = np.corrcoef(amplitude[mask], truth[mask])[0, 1]
    assert r > 0.1, r  # 0.30-0.36 measured after 3-6 epochs


def test_a_step_writes_refined_probe_and_positions_back_in_metres(library, tiny_dataset):
    """What the iterative reconstructors will yield: a probe and positions in object pixels become the
    product's probe (mode 0, the input's pixel size) and positions in metres (ptychodus' mapping)."""
    rec = pinn(library)
    product = make_input(tiny_dataset).product
    probe = np.full((64, 64), 2 + 1j, np.complex64)
    out = rec._product(product, Step(7, probe=probe, positions_px=(tiny_dataset.xcoords + 1.5, tiny_dataset.ycoords)))
    moved, stored = list(out.probe_positions), list(product.probe_positions)
    assert [p.index for p in moved] == [p.index for p in stored]
    assert np.allclose([p.coordinate_x_m - q.coordinate_x_m for p, q in zip(moved, stored)], 1.5 * PIXEL_M, atol=1e-18)
    assert np.allclose([p.coordinate_y_m for p in moved], [q.coordinate_y_m for q in stored], atol=1e-18)
    assert np.array_equal(out.probes.get_probe_no_opr().get_incoherent_mode(0), probe)
    assert out.probes.get_pixel_geometry() == product.probes.get_pixel_geometry()
    assert out.object_ is product.object_
    assert rec._product(product, Step(3)) is product


def test_a_failing_reconstruct_yields_an_error_result(library, tiny_dataset, caplog, tmp_path):
    rec = pinn(library)
    library.inference_settings.model_path.set_value(tmp_path / "no-such-model.zip")
    with caplog.at_level(logging.ERROR, logger="ptychopinn"):
        outputs = list(rec.reconstruct(make_input(tiny_dataset)))
    assert outputs[-1].result == 1
    assert outputs[-1].progress == rec.get_progress_goal()
    assert "no-such-model.zip" in caplog.text


def test_export_train_save_and_open(library, tiny_dataset, tmp_path, caplog):
    rec = pinn(library)
    data_dir = tmp_path / "training"
    data_dir.mkdir()
    bad = np.zeros((64, 64), bool)
    bad[0, 0] = True
    rec.export_training_data(data_dir / "train_data.npz", make_input(tiny_dataset, bad_pixels=bad))
    exported = pp.load_dataset(data_dir / "train_data.npz")
    assert np.allclose(exported.xcoords, tiny_dataset.xcoords)
    assert np.allclose(exported.diffraction[:, 1:, 1:], tiny_dataset.diffraction[:, 1:, 1:], rtol=1e-6, atol=1e-6)
    assert np.all(exported.diffraction[:, 0, 0] == 0)
    assert exported.metadata["source"]["object_pixel_size_m"] == PIXEL_M
    assert exported.metadata["source"]["bad_pixels"] == 1
    assert exported.nphotons > 0
    assert np.array_equal(exported.object, np.ones((128, 128), np.complex64))

    library.training_settings.nepochs.set_value(2)
    library.training_settings.batch_size.set_value(8)
    library.model_settings.n_filters_scale.set_value(1)
    library.training_settings.output_dir.set_value(tmp_path / "out")
    with caplog.at_level(logging.INFO, logger="ptychopinn"):
        result = rec.train(data_dir)
    assert result.result == 0
    assert [loss.epoch for loss in result.training_loss] == [1, 2]
    assert [loss.epoch for loss in result.validation_loss] == [1, 2]
    assert "training epoch 2/2" in caplog.text and "epoch 2/2: training loss" in caplog.text
    assert (tmp_path / "out" / "wts.h5.zip").exists()
    assert rec.get_training_data_path() == data_dir

    saved_file = rec.save_model(tmp_path / "copy.zip")
    saved_dir = rec.save_model(tmp_path / "folder")
    assert saved_file.endswith("copy.zip") and saved_dir.endswith("folder/wts.h5.zip")
    rec.open_model(tmp_path / "folder")
    rec.open_model(tmp_path / "copy.zip")
    assert list(rec.reconstruct(make_input(tiny_dataset)))[-1].result == 0

    broken = rec.train(tmp_path / "empty")
    assert broken.result == 1
    assert rec.save_model(tmp_path / "after-failure") is None  # logged; ptychodus' batch train saves anyway
    with pytest.raises(RuntimeError, match="no model to save"):
        pinn(create_library(SettingsRegistry())).save_model(tmp_path / "nothing")


def test_install_puts_the_library_in_place_of_ptychodus_own():
    import ptychodus.model.core as core
    from ptychopinn.ptychodus import install
    from ptychopinn.ptychodus.library import PtychoPINNReconstructorLibrary

    original = core.PtychoPINNReconstructorLibrary
    try:
        assert install() is True
        assert install() is False
        with core.ModelCore() as model:
            listed = list(model.reconstructor_core.presenter.reconstructors())
            assert listed == sorted(f"PtychoPINN/{n}" for n in NAMES)  # ptychodus sorts them by name
            assert isinstance(model.ptychopinn_reconstructor_library, PtychoPINNReconstructorLibrary)
    finally:
        core.PtychoPINNReconstructorLibrary = original


# --- the iterative reconstructors -----------------------------------------------------------------

def iterative(library, name, **settings):
    """The reconstructor `name` with PtychoPINNIterative settings {key: value} (ptychodus' keys)."""
    parameters = library.iterative_settings.group.parameters()
    for key, value in settings.items():
        parameters[key].set_value(value)
    return library.reconstructor(name)


def test_iterative_settings_are_a_group_of_their_own(library):
    registry = SettingsRegistry()
    lib = create_library(registry)
    assert {"NumIterations", "BatchSize", "NumProbeModes", "ProbeRefinement", "ProbeRefinementStart",
            "PositionCorrection", "PositionCorrectionStart", "PositionMaxStepPx", "NoiseModel",
            "Device"} == set(registry["PtychoPINNIterative"].parameters())
    again = create_library(registry)  # a second library on the registry shares the group
    assert again.iterative_settings.iterations is lib.iterative_settings.iterations
    assert not isinstance(lib.reconstructor("LSQML"), TrainableReconstructor)


def test_lsqml_refines_object_probe_modes_and_positions_with_progress_and_losses(library, tiny_dataset):
    rec = iterative(library, "LSQML", NumIterations=4, NumProbeModes=2, PositionCorrection=True,
                    PositionCorrectionStart=1)
    parameters = make_input(tiny_dataset)
    outputs = reconstructed(rec, parameters, 8)  # 0, input, start, 4 iterations, product
    # The losses grow with the iterations while it runs: ptychodus plots the convergence live.
    assert [len(o.product.losses) for o in outputs[3:-1]] == [1, 2, 3, 4]
    product = outputs[-1].product
    errors = [loss.value for loss in product.losses]
    assert [loss.epoch for loss in product.losses] == [1, 2, 3, 4]
    assert errors[-1] < errors[0], errors
    obj_out = assert_on_input_grid(parameters.product, product)
    assert not np.allclose(obj_out.get_array(), parameters.product.object_.get_array())
    assert product.probes.get_array().shape == (1, 2, 64, 64)
    assert product.probes.get_pixel_geometry() == parameters.product.probes.get_pixel_geometry()
    x_in = np.array([p.coordinate_x_m for p in parameters.product.probe_positions])
    x_out = np.array([p.coordinate_x_m for p in product.probe_positions])
    moved = np.abs(x_out - x_in) / PIXEL_M
    assert 1e-3 < moved.max() <= 2.0, moved.max()  # at most 0.5 px in each of 3 corrected iterations


def test_rpie_reconstructs_from_the_product_probe(library, tiny_dataset):
    rec = iterative(library, "rPIE", NumIterations=2, ProbeRefinement=False)
    parameters = make_input(tiny_dataset)
    product = reconstructed(rec, parameters, 6)[-1].product
    assert [loss.epoch for loss in product.losses] == [1, 2]
    assert product.probes.get_array().shape == (1, 1, 64, 64)
    # Without refinement the probe only carries the solver's scale to the data.
    probe_in = parameters.product.probes.get_array()[0, 0]
    probe_out = product.probes.get_array()[0, 0]
    ratio = np.vdot(probe_in, probe_out) / np.vdot(probe_in, probe_in)
    assert np.allclose(probe_out, ratio * probe_in, rtol=1e-3, atol=1e-3 * np.abs(probe_out).max())


def test_the_hybrid_starts_from_the_pinn_model_or_fails_clearly(library, tiny_model, tiny_dataset, caplog,
                                                                tmp_path):
    _, run = tiny_model
    hybrid = iterative(library, "PINN+LSQML", NumIterations=2)
    library.inference_settings.model_path.set_value(tmp_path / "nothing.zip")
    with caplog.at_level(logging.INFO, logger="ptychopinn"):
        failed = list(hybrid.reconstruct(make_input(tiny_dataset)))
    assert failed[-1].result == 1 and failed[-1].progress == 100
    assert "PtychoPINN/PINN+LSQML: reconstruction failed: PtychoPINN/PINN has no model" in caplog.text

    pinn(library).open_model(run)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ptychopinn"):
        outputs = reconstructed(hybrid, make_input(tiny_dataset), 6)
    assert [loss.epoch for loss in outputs[-1].product.losses] == [1, 2]
    assert "starting from PtychoPINN/PINN's model" in caplog.text
    assert "starting from the network's reconstruction" in caplog.text


def test_iterative_reconstructors_leave_bad_pixels_free(library, tiny_dataset):
    """Bad pixels (zeroed counts) reach the solver as such: it leaves them free instead of fitting
    zeros there, so it ends closer to the data than with the same zeros unmarked."""
    rec = iterative(library, "LSQML", NumIterations=3)
    bad = np.zeros((64, 64), bool)
    bad[30:34, 30:34] = True  # around DC, where a zero is the furthest from the truth
    counts = np.square(tiny_dataset.diffraction.astype(np.float64)).astype(np.float32)
    counts[:, bad] = 0
    marked = reconstructed(rec, make_input(tiny_dataset, bad_pixels=bad, counts=counts), 6)[-1].product
    unmarked = reconstructed(rec, make_input(tiny_dataset, counts=counts), 6)[-1].product
    assert marked.losses[-1].value < 0.5 * unmarked.losses[-1].value, (marked.losses, unmarked.losses)


def test_a_bad_iterative_setting_yields_an_error_result(library, tiny_dataset, caplog):
    rec = iterative(library, "LSQML", NumIterations=2, NoiseModel="laplace")
    with caplog.at_level(logging.ERROR, logger="ptychopinn"):
        outputs = list(rec.reconstruct(make_input(tiny_dataset)))
    assert outputs[-1].result == 1 and rec.last_result == 1
    assert "PtychoPINN/LSQML: reconstruction failed" in caplog.text and "laplace" in caplog.text


def test_dropping_the_reconstruction_stops_the_solver(library, tiny_dataset):
    """ptychodus may stop consuming the iterator: closing it stops the solver's thread."""
    import threading

    rec = iterative(library, "rPIE", NumIterations=500)
    outputs = rec.reconstruct(make_input(tiny_dataset))
    while next(outputs).progress < 11:  # into the iterations
        pass
    outputs.close()
    assert not [t for t in threading.enumerate() if t.name == "ptychopinn-iterate"]
