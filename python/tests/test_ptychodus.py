"""The ptychodus reconstructor library against a stand-in of ptychodus v1.2's API (tests/standin,
written from specs/ptychodus-contract.md): reconstruct into the input object's grid, the intensity
-> amplitude and metre -> pixel conversions, export -> train -> open, errors as results, and the
registration hook."""
import logging
import pathlib
import subprocess
import sys

import numpy as np
import pytest

STANDIN = pathlib.Path(__file__).resolve().parent / "standin"
sys.path.insert(0, str(STANDIN))

from ptychodus.api.geometry import PixelGeometry  # noqa: E402
from ptychodus.api.object import Object, ObjectCenter  # noqa: E402
from ptychodus.api.probe import ProbeSequence  # noqa: E402
from ptychodus.api.probe_positions import ProbePosition, ProbePositionSequence  # noqa: E402
from ptychodus.api.product import Product, ProductMetadata  # noqa: E402
from ptychodus.api.reconstructor import ReconstructInput  # noqa: E402
from ptychodus.api.settings import SettingsRegistry  # noqa: E402

import ptychopinn as pp  # noqa: E402
from ptychopinn.ptychodus import create_library  # noqa: E402
from ptychopinn.ptychodus.library import amplitudes, metres, positions_px  # noqa: E402

PIXEL_M = 2e-8


def make_input(dataset, bad_pixels=None, centre_offset_m=(3e-7, -5e-7)):
    """A ReconstructInput as ptychodus builds it from a simulated dataset: raw counts (uint16-free
    float32), positions in metres, a [1, 1, N, N] probe and an initial object of ones on a grid whose
    centre is offset from the origin (so a mapping that ignores the centre fails)."""
    counts = dataset.diffraction.astype(np.float64) ** 2
    h, w = dataset.object.shape
    cx, cy = centre_offset_m
    # world x_m such that ptychodus' mapping returns the dataset's pixel positions
    positions = ProbePositionSequence(
        ProbePosition(k, (x - w / 2) * PIXEL_M + cx, (y - h / 2) * PIXEL_M + cy)
        for k, (x, y) in enumerate(zip(dataset.xcoords, dataset.ycoords)))
    pixel = PixelGeometry(PIXEL_M, PIXEL_M)
    product = Product(
        metadata=ProductMetadata("tiny", "", 1.0, 8000.0, 1e9, 0.1),
        probe_positions=positions,
        probes=ProbeSequence(dataset.probe[np.newaxis, np.newaxis], None, pixel),
        object_=Object(np.ones((h, w), np.complex64), pixel, ObjectCenter(cx, cy)),
        losses=[])
    if bad_pixels is None:
        bad_pixels = np.zeros(counts.shape[1:], dtype=bool)
    return ReconstructInput(counts.astype(np.float32), bad_pixels, product)


@pytest.fixture()
def library():
    return create_library(SettingsRegistry())


def pinn(library):
    reconstructors = {r.get_name(): r for r in library}
    assert set(reconstructors) == {"PINN", "Supervised"}
    return reconstructors["PINN"]


def test_library_names_and_settings_match_the_existing_integration():
    registry = SettingsRegistry()
    lib = create_library(registry)
    assert lib.name == "PtychoPINN"
    assert [r.get_name() for r in lib] == ["PINN", "Supervised"]
    groups = registry.groups()
    assert {"PtychoPINNModel", "PtychoPINNTraining", "PtychoPINNInference"} <= set(groups)
    assert {"GridSize", "NumFiltersScale", "AmpActivation", "ObjectBig", "ProbeBig", "ProbeMask", "PadObject",
            "ProbeScale", "GaussianSmoothingSigma"} == set(groups["PtychoPINNModel"].parameters())
    assert {"ModelPath", "NumNearestNeighbors", "NumSamples"} == set(groups["PtychoPINNInference"].parameters())
    assert "NumEpochs" in groups["PtychoPINNTraining"].parameters()
    assert "/" not in pinn(lib).get_name()
    assert "wts.h5.zip" in pinn(lib).get_model_file_filter()


def test_constructing_the_library_loads_no_libtorch():
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from ptychodus.api.settings import SettingsRegistry\n"
            "from ptychopinn.ptychodus import create_library\n"
            "create_library(SettingsRegistry())\n"
            "heavy = [m for m in ('ptychopinn._core', 'torch') if m in sys.modules]\n"
            "assert not heavy, heavy\n") % str(STANDIN)
    subprocess.run([sys.executable, "-c", code], check=True)


def test_intensities_become_amplitudes_with_bad_pixels_zeroed():
    counts = np.array([[[4, 9], [16, 25]]], dtype=np.uint16)
    bad = np.array([[False, True], [False, False]])
    a = amplitudes(counts, bad)
    assert a.dtype == np.float32
    assert np.array_equal(a, [[[2, 0], [4, 5]]])
    with pytest.raises(ValueError, match="bad pixels: shape"):
        amplitudes(counts, np.zeros((3, 3), bool))
    with pytest.raises(ValueError, match="square"):
        amplitudes(np.zeros((1, 2, 3)), None)


def test_metres_to_pixels_round_trip(tiny_dataset):
    parameters = make_input(tiny_dataset)
    x, y = positions_px(parameters.product)
    assert np.allclose(x, tiny_dataset.xcoords, atol=1e-9)
    assert np.allclose(y, tiny_dataset.ycoords, atol=1e-9)
    xm, ym = metres(parameters.product, x, y)
    stored = list(parameters.product.probe_positions)
    assert np.allclose(xm, [p.coordinate_x_m for p in stored], rtol=0, atol=1e-18)
    assert np.allclose(ym, [p.coordinate_y_m for p in stored], rtol=0, atol=1e-18)


def test_reconstruct_fills_the_input_grid_and_correlates_with_the_truth(library, tiny_model, tiny_dataset):
    _, run = tiny_model
    rec = pinn(library)
    rec.open_model(run)
    parameters = make_input(tiny_dataset)
    outputs = list(rec.reconstruct(parameters))
    assert outputs[-1].result == 0
    assert outputs[-1].progress == rec.get_progress_goal()
    product = outputs[-1].product
    obj_in, obj_out = parameters.product.object_, product.object_
    assert obj_out.get_array().shape == obj_in.get_array().shape
    assert obj_out.get_pixel_geometry() == obj_in.get_pixel_geometry()
    assert obj_out.get_center() == obj_in.get_center()
    assert product.probe_positions is parameters.product.probe_positions
    assert [loss.epoch for loss in product.losses] == [1, 2, 3, 4, 5, 6]
    amplitude = np.abs(obj_out.get_layer(0))
    truth = np.abs(tiny_dataset.object)
    # Compare where the scan reached (the central part of every patch).
    x, y = tiny_dataset.xcoords, tiny_dataset.ycoords
    mask = np.zeros(truth.shape, bool)
    for cx, cy in zip(x, y):
        mask[int(cy) - 8:int(cy) + 8, int(cx) - 8:int(cx) + 8] = True
    r = np.corrcoef(amplitude[mask], truth[mask])[0, 1]
    assert r > 0.1, r  # 0.30-0.36 measured after 3-6 epochs


def test_a_failing_reconstruct_yields_an_error_result(library, tiny_dataset, caplog, tmp_path):
    rec = pinn(library)
    library.inference_settings.model_path.set_value(tmp_path / "no-such-model.zip")
    with caplog.at_level(logging.ERROR, logger="ptychopinn"):
        outputs = list(rec.reconstruct(make_input(tiny_dataset)))
    assert outputs[-1].result == 1
    assert "no-such-model.zip" in caplog.text


def test_export_train_save_and_open(library, tiny_dataset, tmp_path, tiny_model):
    rec = pinn(library)
    data_dir = tmp_path / "training"
    data_dir.mkdir()
    bad = np.zeros((64, 64), bool)
    bad[0, 0] = True
    rec.export_training_data(data_dir / "train_data.npz", make_input(tiny_dataset, bad_pixels=bad))
    exported = pp.load_dataset(data_dir / "train_data.npz")
    assert np.allclose(exported.xcoords, tiny_dataset.xcoords)
    assert np.allclose(exported.diffraction[:, 1:, 1:], tiny_dataset.diffraction[:, 1:, 1:], rtol=1e-6)
    assert np.all(exported.diffraction[:, 0, 0] == 0)
    with np.load(data_dir / "train_data.npz") as f:
        assert np.array_equal(f["indexes"], np.arange(len(tiny_dataset)))
    assert exported.metadata["source"]["object_pixel_size_m"] == PIXEL_M

    library.training_settings.nepochs.set_value(2)
    library.training_settings.batch_size.set_value(8)
    library.model_settings.n_filters_scale.set_value(1)
    library.training_settings.output_dir.set_value(tmp_path / "out")
    result = rec.train(data_dir)
    assert result.result == 0
    assert [loss.epoch for loss in result.training_loss] == [1, 2]
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


def test_install_adds_the_library_once():
    import ptychodus.model.core as core
    from ptychopinn.ptychodus import install

    original = core.ReconstructorCore
    try:
        assert install() is True
        assert install() is False
        model = core.ModelCore(SettingsRegistry())
        assert model.reconstructor_core.reconstructors == ["PtychoPINN/PINN", "PtychoPINN/Supervised"]
    finally:
        core.ReconstructorCore = original
