"""The real ptychodus v1.2, headless, with our PtychoPINN library registered each of the three ways a
user registers it: install() before ModelCore (the hook), the drop-in module in ptychodus' plugins
folder, and the launcher (`python3 -m ptychopinn.ptychodus`, `python/bin/ptychodus-pinn`) in batch
mode. ptychodus reads the scan with its own readers, from files written by `ptychopinn convert` and
by ptychodus' own writers; lists our reconstructors; exports training data; trains the PINN; saves and
opens the model; reconstructs; writes the product with its writer. The product keeps the input
object's grid, positions and probe geometry; bad pixels are honoured; failures come back as result
codes and log messages, never as a hang (every ptychodus run is a child process with a timeout).
The iterative reconstructors (LSQML, rPIE, and the hybrid PINN+LSQML from the PINN's model) run from
a settings file and write the refined probe modes, positions and per-iteration Fourier errors.

Each run is a child process (ptychodus_driver.py, or the launcher): registration changes ptychodus
for the whole process. Skipped, saying why, when the ptychodus source is not in the shared folder.
"""
import json
import pathlib
import shutil
import subprocess

import h5py
import numpy as np
import pytest

import ptychodus_env

pytestmark = pytest.mark.skipif(not ptychodus_env.REAL, reason=ptychodus_env.SKIP_REASON)

import ptychopinn as pp  # noqa: E402

DRIVER = ptychodus_env.HERE / "ptychodus_driver.py"
LAUNCHER = ptychodus_env.HERE.parent / "bin" / "ptychodus-pinn"
PLUGIN = pathlib.Path(pp.__file__).parent / "ptychodus" / "plugin" / "zz_ptychopinn.py"
CLI = pathlib.Path(pp.__file__).resolve().parents[2] / "bin" / "ptychopinn"
TIMEOUT_S = 300
PIXEL_M = 2e-8
# As ptychodus lists them: sorted by name.
RECONSTRUCTORS = ["PtychoPINN/LSQML", "PtychoPINN/PINN", "PtychoPINN/PINN+LSQML", "PtychoPINN/Supervised",
                  "PtychoPINN/rPIE"]


def drive(tmp_path, name, steps, register="hook", settings=None, ptychodus_src=None):
    """Runs a driver plan; returns its report (steps by their 'do')."""
    plan = tmp_path / f"{name}.plan.json"
    report = tmp_path / f"{name}.report.json"
    plan.write_text(json.dumps({"register": register, "settings": None if settings is None else str(settings),
                                "report": str(report), "steps": steps}))
    done = ptychodus_env.run_python([str(DRIVER), str(plan)], TIMEOUT_S, ptychodus_src=ptychodus_src)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    out = json.loads(report.read_text())
    out["log"] = done.stdout + done.stderr
    return out


def write_settings(path, **groups):
    """An INI settings file as ptychodus writes them: [Group] Key = value."""
    lines = []
    for group, values in groups.items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def read_product(path):
    """A product file read by ptychodus' own reader."""
    from ptychodus.plugins.h5_product_file import H5ProductFileIO
    return H5ProductFileIO().read(pathlib.Path(path))


@pytest.fixture(scope="module")
def scans(tiny_dataset, tmp_path_factory):
    """The tiny dataset as ptychodus' diffraction.h5 + product-in.h5, twice: written by `ptychopinn
    convert` (object = the true object, its centre where our pixel 0 lands) and by ptychodus' writers
    (object = ones, centred at (3e-7, -5e-7) m)."""
    root = tmp_path_factory.mktemp("scans")
    ours = root / "convert"
    done = subprocess.run([str(CLI), "convert", tiny_dataset.path, str(ours), "--pixel_size_m", str(PIXEL_M)],
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stdout + done.stderr
    plan = root / "write.plan.json"
    plan.write_text(json.dumps({"report": str(root / "write.json"), "write_ptychodus_files": {
        "npz": tiny_dataset.path, "out": str(root / "ptychodus"), "pixel_m": PIXEL_M, "centre_m": [3e-7, -5e-7]}}))
    done = ptychodus_env.run_python([str(DRIVER), str(plan)], TIMEOUT_S)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return {"convert": ours, "ptychodus": root / "ptychodus"}


def load(folder):
    return {"do": "load", "diffraction": str(folder / "diffraction.h5"), "product": str(folder / "product-in.h5")}


def training_settings(path, output_dir, model_path="/path/to/model.zip"):
    return write_settings(path, Reconstructor={"Algorithm": "PtychoPINN/PINN"},
                          PtychoPINNModel={"NumFiltersScale": 1},
                          PtychoPINNTraining={"NumEpochs": 2, "BatchSize": 8, "OutputDir": output_dir},
                          PtychoPINNInference={"ModelPath": model_path})


def assert_same_grid_positions_and_probe(product_in, product_out):
    g_in, g_out = product_in.object_.get_geometry(), product_out.object_.get_geometry()
    assert (g_out.width_px, g_out.height_px) == (g_in.width_px, g_in.height_px)
    assert (g_out.pixel_width_m, g_out.pixel_height_m) == (g_in.pixel_width_m, g_in.pixel_height_m)
    assert (g_out.center_x_m, g_out.center_y_m) == (g_in.center_x_m, g_in.center_y_m)
    p_in, p_out = list(product_in.probe_positions), list(product_out.probe_positions)
    assert [int(p.index) for p in p_out] == [int(p.index) for p in p_in]
    assert np.array_equal([p.coordinate_x_m for p in p_out], [p.coordinate_x_m for p in p_in])
    assert np.array_equal([p.coordinate_y_m for p in p_out], [p.coordinate_y_m for p in p_in])
    assert product_out.probes.get_pixel_geometry() == product_in.probes.get_pixel_geometry()
    assert product_out.probes.get_array().shape == product_in.probes.get_array().shape


def test_hook_exports_trains_saves_opens_and_reconstructs_from_both_writers(scans, tiny_dataset, tmp_path):
    work = tmp_path / "work"
    settings = training_settings(tmp_path / "settings.ini", work / "run")
    steps = [
        load(scans["convert"]),
        {"do": "export", "path": str(work / "train" / "train_data.npz")},
        {"do": "train", "input": str(work / "train"), "output": str(work / "model")},
        {"do": "open_model", "path": str(work / "model" / "wts.h5.zip")},
        {"do": "reconstruct", "output": str(work / "out-convert.h5")},
        {"do": "reconstruct_direct", "name": "PINN"},
        load(scans["ptychodus"]),
        {"do": "reconstruct", "output": str(work / "out-ptychodus.h5")},
        {"do": "messages"},
    ]
    (work / "train").mkdir(parents=True)
    report = drive(tmp_path, "hook", steps, settings=settings)
    assert report["reconstructors"] == RECONSTRUCTORS
    assert report["library"] == "ptychopinn.ptychodus.library"
    assert {"PtychoPINNModel", "PtychoPINNTraining", "PtychoPINNInference"} <= set(report["settings_groups"])
    load_step, _, train, _, recon, direct, load_2, recon_2, messages = report["steps"]
    assert load_step["patterns"] == load_2["patterns"] == len(tiny_dataset)

    # Exported training data: the patterns and positions ptychodus read, in object pixels.
    exported = pp.load_dataset(work / "train" / "train_data.npz")
    assert np.allclose(exported.xcoords, tiny_dataset.xcoords, atol=1e-6)
    assert np.allclose(exported.diffraction, tiny_dataset.diffraction, rtol=1e-5, atol=1e-5)

    # Training: losses per epoch for ptychodus' plot, the run folder and the saved model.
    assert train["result"] == 0
    assert [e for e, _ in train["training"]] == [1, 2] and [e for e, _ in train["validation"]] == [1, 2]
    assert (work / "run" / "wts.h5.zip").is_file() and (work / "model" / "wts.h5.zip").is_file()

    # Progress: ptychodus' monitor reached the goal; the iterator moved through the stages.
    assert recon["goal"] == 100 and recon["progress"] == 100
    assert direct["progress"][0] == 0 and direct["progress"][-1] == direct["goal"] == 100
    assert len(set(direct["progress"])) >= 4 and direct["results"] == [0] * len(direct["results"])
    assert [e for e, _ in direct["losses"]] == [1, 2]

    # The products, read back with ptychodus' reader: the input's grid, positions and probe geometry.
    for folder, out in (("convert", "out-convert.h5"), ("ptychodus", "out-ptychodus.h5")):
        product_in, product_out = read_product(scans[folder] / "product-in.h5"), read_product(work / out)
        assert_same_grid_positions_and_probe(product_in, product_out)
        assert [v.epoch for v in product_out.losses] == [1, 2]
        assert not np.allclose(product_out.object_.get_array(), product_in.object_.get_array())
    # Both writers describe the same scan: the same object comes out.
    a = read_product(work / "out-convert.h5").object_.get_array()
    b = read_product(work / "out-ptychodus.h5").object_.get_array()
    assert np.allclose(a, b, rtol=1e-4, atol=1e-5)

    log = "\n".join(messages["messages"])
    assert "PtychoPINN: training epoch 2/2" in log and "epoch 2/2: training loss" in log
    assert f"reconstructed {len(tiny_dataset)} patterns" in log


def test_bad_pixels_are_honoured(scans, tiny_model, tmp_path):
    """A hot pixel marked bad reconstructs as if it had counted nothing."""
    _, run = tiny_model
    folders = {}
    for name, mark in (("marked", True), ("zeroed", False)):
        folder = tmp_path / name
        shutil.copytree(scans["convert"], folder)
        with h5py.File(folder / "diffraction.h5", "r+") as f:
            patterns = f["patterns"][()]
            bad = np.zeros(patterns.shape[1:], bool)
            bad[[5, 30, 31], [7, 33, 30]] = True
            patterns[:, bad] = 5e6 if mark else 0
            del f["patterns"], f["bad_pixels"]
            f.create_dataset("patterns", data=patterns, compression="lzf")
            f.create_dataset("bad_pixels", data=bad if mark else np.zeros_like(bad), compression="lzf")
        folders[name] = folder
    settings = write_settings(tmp_path / "settings.ini", Reconstructor={"Algorithm": "PtychoPINN/PINN"},
                              PtychoPINNInference={"ModelPath": run / "wts.h5.zip"})
    steps = [load(folders["marked"]), {"do": "reconstruct", "output": str(tmp_path / "marked.h5")},
             load(folders["zeroed"]), {"do": "reconstruct", "output": str(tmp_path / "zeroed.h5")},
             {"do": "messages"}]
    report = drive(tmp_path, "bad", steps, settings=settings)
    assert "3 bad detector pixels zeroed" in "\n".join(report["steps"][-1]["messages"])
    marked = read_product(tmp_path / "marked.h5").object_.get_array()
    zeroed = read_product(tmp_path / "zeroed.h5").object_.get_array()
    assert np.allclose(marked, zeroed, rtol=1e-5, atol=1e-6)


def test_failures_come_back_as_results_and_log_messages(scans, tmp_path):
    settings = write_settings(tmp_path / "settings.ini", Reconstructor={"Algorithm": "PtychoPINN/PINN"},
                              PtychoPINNInference={"ModelPath": tmp_path / "no-such-model.zip"})
    (tmp_path / "empty").mkdir()
    steps = [load(scans["convert"]),
             {"do": "reconstruct", "output": str(tmp_path / "out.h5")},
             {"do": "reconstruct_direct", "name": "PINN"},
             {"do": "train", "input": str(tmp_path / "empty"), "output": str(tmp_path / "model")},
             {"do": "messages"}]
    report = drive(tmp_path, "fail", steps, settings=settings)
    _, recon, direct, train, messages = report["steps"]
    assert recon["progress"] == recon["goal"] == 100  # finished, not hung
    assert direct["results"][-1] == 1
    assert train["result"] == 1
    log = "\n".join(messages["messages"])
    assert "PtychoPINN/PINN: reconstruction failed" in log and "no-such-model.zip" in log
    assert "PtychoPINN/PINN: training failed" in log and "empty" in log
    # The output product is the input's, unchanged.
    assert_same_grid_positions_and_probe(read_product(scans["convert"] / "product-in.h5"),
                                         read_product(tmp_path / "out.h5"))


def test_existing_settings_files_keep_working(tmp_path):
    """A settings file written by ptychodus with its own PtychoPINN library configures ours."""
    stock = drive(tmp_path, "stock", [{"do": "save_settings", "path": str(tmp_path / "stock.ini")}], register="none")
    # Without TensorFlow ptychodus' own library offers nothing, and ptychodus lists its placeholder.
    assert stock["reconstructors"] == ["None/None"]
    text = (tmp_path / "stock.ini").read_text()
    for group in ("[PtychoPINNModel]", "[PtychoPINNTraining]", "[PtychoPINNInference]"):
        assert text.count(group) == 1
    text = (text.replace("NumEpochs = 50", "NumEpochs = 7").replace("GridSize = 1", "GridSize = 2")
            .replace("ModelPath = /path/to/model.zip", "ModelPath = /data/wts.h5.zip"))
    (tmp_path / "edited.ini").write_text(text)
    groups = ["PtychoPINNModel", "PtychoPINNTraining", "PtychoPINNInference"]
    ours = drive(tmp_path, "ours", [{"do": "settings", "groups": groups},
                                    {"do": "save_settings", "path": str(tmp_path / "ours.ini")}],
                 settings=tmp_path / "edited.ini")
    values = ours["steps"][0]
    assert values["PtychoPINNTraining"]["NumEpochs"] == "7"
    assert values["PtychoPINNModel"]["GridSize"] == "2"
    assert values["PtychoPINNInference"]["ModelPath"] == "/data/wts.h5.zip"
    saved = (tmp_path / "ours.ini").read_text()
    assert saved.count("[PtychoPINNModel]") == 1 and "NumEpochs = 7" in saved


def test_plugin_folder_drop_in(scans, tiny_model, tmp_path):
    """The drop-in module copied into ptychodus' plugins folder, with no other registration."""
    _, run = tiny_model
    src = ptychodus_env.ptychodus_with_plugin(tmp_path / "ptychodus-with-plugin", PLUGIN)
    settings = write_settings(tmp_path / "settings.ini", Reconstructor={"Algorithm": "PtychoPINN/PINN"})
    steps = [load(scans["ptychodus"]), {"do": "open_model", "path": str(run)},
             {"do": "reconstruct", "output": str(tmp_path / "out.h5")}]
    report = drive(tmp_path, "plugin", steps, register="none", settings=settings, ptychodus_src=src)
    assert "Registered ptychodus.plugins.zz_ptychopinn" in report["log"]
    assert report["reconstructors"] == RECONSTRUCTORS
    assert report["library"] == "ptychopinn.ptychodus.library"
    assert report["steps"][-1]["progress"] == 100
    product_out = read_product(tmp_path / "out.h5")
    assert_same_grid_positions_and_probe(read_product(scans["ptychodus"] / "product-in.h5"), product_out)
    assert [v.epoch for v in product_out.losses] == [1, 2, 3, 4, 5, 6]


def test_launcher_batch_train_and_reconstruct(scans, tmp_path):
    """ptychodus' batch mode through our launchers: `ptychodus-pinn -b train` (ptychodus' own) on
    training data converted from ptychodus' files, then `python3 -m ptychopinn.ptychodus -b
    reconstruct` on its batch layout (settings.ini, diffraction.h5, product-in.h5 -> product-out.h5),
    which the launcher runs itself because ptychodus v1.2's loses the reconstruction (batch.py)."""
    train_dir, model_dir = tmp_path / "train", tmp_path / "model"
    train_dir.mkdir()
    done = subprocess.run([str(CLI), "convert", str(scans["ptychodus"]), str(train_dir / "train_data.npz")],
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stdout + done.stderr
    settings = training_settings(tmp_path / "train.ini", tmp_path / "run")
    done = subprocess.run([str(LAUNCHER), "-b", "train", "-i", str(train_dir), "-o", str(model_dir), "-s",
                           str(settings)], env=ptychodus_env.child_env(), capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert (model_dir / "wts.h5.zip").is_file()
    assert "(code=0)" in done.stdout and "PtychoPINN: epoch 2/2: training loss" in done.stdout

    batch_in, batch_out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(scans["ptychodus"], batch_in)
    training_settings(batch_in / "settings.ini", tmp_path / "unused", model_path=model_dir / "wts.h5.zip")
    done = ptychodus_env.run_python(["-m", "ptychopinn.ptychodus", "-b", "reconstruct", "-i", str(batch_in), "-o",
                                     str(batch_out)], TIMEOUT_S)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    product_in, product_out = read_product(batch_in / "product-in.h5"), read_product(batch_out / "product-out.h5")
    assert_same_grid_positions_and_probe(product_in, product_out)
    assert [v.epoch for v in product_out.losses] == [1, 2]
    assert not np.allclose(product_out.object_.get_array(), product_in.object_.get_array())

    # A failure in batch mode: logged, and the exit code says so.
    training_settings(batch_in / "settings.ini", tmp_path / "unused", model_path=tmp_path / "missing.zip")
    done = ptychodus_env.run_python(["-m", "ptychopinn.ptychodus", "-b", "reconstruct", "-i", str(batch_in), "-o",
                                     str(tmp_path / "out-2")], TIMEOUT_S)
    assert done.returncode == 1
    assert "PtychoPINN/PINN: reconstruction failed" in done.stdout and "missing.zip" in done.stdout


def positions_m(product):
    return np.array([[p.coordinate_x_m, p.coordinate_y_m] for p in product.probe_positions])


def test_iterative_reconstructors_refine_probe_modes_and_positions(scans, tiny_model, tmp_path):
    """LSQML chosen by a settings file, rPIE, and the hybrid: first without a model (an error result,
    the input product back), then from the model opened in PtychoPINN/PINN."""
    _, run = tiny_model
    settings = write_settings(tmp_path / "settings.ini", Reconstructor={"Algorithm": "PtychoPINN/LSQML"},
                              PtychoPINNIterative={"NumIterations": 3, "NumProbeModes": 2, "PositionCorrection": True,
                                                   "PositionCorrectionStart": 1})
    hybrid = "PtychoPINN/PINN+LSQML"
    steps = [load(scans["ptychodus"]),
             {"do": "reconstruct", "output": str(tmp_path / "lsqml.h5")},
             {"do": "reconstruct_direct", "name": "rPIE"},
             {"do": "select", "name": hybrid},
             {"do": "reconstruct", "output": str(tmp_path / "no-model.h5")},
             {"do": "select", "name": "PtychoPINN/PINN"},
             {"do": "open_model", "path": str(run)},
             {"do": "select", "name": hybrid},
             {"do": "reconstruct", "output": str(tmp_path / "hybrid.h5")},
             {"do": "set", "group": "PtychoPINNIterative", "key": "NoiseModel", "value": "laplace"},
             {"do": "reconstruct_direct", "name": "LSQML"},
             {"do": "messages"}]
    report = drive(tmp_path, "iterative", steps, settings=settings)
    assert report["reconstructors"] == RECONSTRUCTORS
    _, lsqml, rpie, _, no_model, _, _, selected, hybrid_run, _, bad, messages = report["steps"]
    log = "\n".join(messages["messages"])
    product_in = read_product(scans["ptychodus"] / "product-in.h5")

    # LSQML through ptychodus (settings file, its product writer): the refined product on the input grid.
    assert lsqml["goal"] == lsqml["progress"] == 100
    out = read_product(tmp_path / "lsqml.h5")
    assert [v.epoch for v in out.losses] == [1, 2, 3]
    errors = [v.value for v in out.losses]
    assert errors[-1] < errors[0], errors
    g_in, g_out = product_in.object_.get_geometry(), out.object_.get_geometry()
    assert (g_out.width_px, g_out.height_px, g_out.center_x_m) == (g_in.width_px, g_in.height_px, g_in.center_x_m)
    assert not np.allclose(out.object_.get_array(), product_in.object_.get_array())
    assert out.probes.get_array().shape == (1, 2, 64, 64)
    moved = np.abs(positions_m(out) - positions_m(product_in)).max() / PIXEL_M
    assert 1e-3 < moved <= 1.5 + 0.5, moved
    assert "PtychoPINN/LSQML: completed after 3 iterations" in log

    # rPIE, on the iterator itself: progress rises with the iterations to the goal.
    assert rpie["goal"] == 100 and rpie["results"] == [0] * len(rpie["results"])
    assert rpie["progress"] == sorted(set(rpie["progress"])) and len(rpie["progress"]) == 7, rpie["progress"]
    assert [e for e, _ in rpie["losses"]] == [1, 2, 3]

    # The hybrid without a model: finished (not hung), the input product, a message saying why.
    assert no_model["progress"] == 100
    assert "PtychoPINN/PINN+LSQML: reconstruction failed: PtychoPINN/PINN has no model" in log
    assert_same_grid_positions_and_probe(product_in, read_product(tmp_path / "no-model.h5"))
    # ... and with the model opened in PtychoPINN/PINN.
    assert selected["current"] == hybrid and hybrid_run["progress"] == 100
    out = read_product(tmp_path / "hybrid.h5")
    assert [v.epoch for v in out.losses] == [1, 2, 3] and out.probes.get_array().shape == (1, 2, 64, 64)
    assert "starting from the network's reconstruction" in log

    # A setting the engine refuses: an error result and the reason in the log.
    assert bad["results"][-1] == 1 and "laplace" in log


def test_launcher_batch_reconstructs_with_rpie(scans, tmp_path):
    """`-b reconstruct` with an iterative reconstructor named in the batch folder's settings.ini."""
    batch_in, batch_out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(scans["ptychodus"], batch_in)
    write_settings(batch_in / "settings.ini", Reconstructor={"Algorithm": "PtychoPINN/rPIE"},
                   PtychoPINNIterative={"NumIterations": 2, "BatchSize": 16})
    done = ptychodus_env.run_python(["-m", "ptychopinn.ptychodus", "-b", "reconstruct", "-i", str(batch_in), "-o",
                                     str(batch_out)], TIMEOUT_S)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    out = read_product(batch_out / "product-out.h5")
    assert [v.epoch for v in out.losses] == [1, 2]
    assert not np.allclose(out.object_.get_array(), read_product(batch_in / "product-in.h5").object_.get_array())
