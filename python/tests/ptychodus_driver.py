"""Drives the real ptychodus headless in a child process, as a user's script would: `python3
ptychodus_driver.py PLAN.json` runs the plan's steps on one ModelCore and writes a JSON report.

Registration is process-wide (ptychopinn.ptychodus.install() rebinds a ptychodus module attribute),
so each plan runs in a process of its own. The plan:
  register  "hook" (install() before ModelCore), or "none" (the plugin folder, or nothing)
  settings  a settings file for ModelCore, or null
  report    where the report goes
  steps     a list of {"do": ..., ...}; each step's outcome is appended to report["steps"]
"""
import json
import logging
import sys
from pathlib import Path

import numpy as np


def ptychodus_files(step):
    """diffraction.h5 and product-in.h5 written by ptychodus' own writers from a contract NPZ: the
    patterns (counts = amplitude²) through ptychodus' NPY reader and its assembled-pattern export,
    the product through its HDF5 product writer, positions in metres on a grid of pixel_m pixels
    centred at centre_m."""
    from ptychodus.api.diffraction import CropCenter
    from ptychodus.api.geometry import ImageExtent, PixelGeometry
    from ptychodus.api.object import Object, ObjectCenter
    from ptychodus.api.probe import ProbeSequence
    from ptychodus.api.probe_positions import ProbePosition, ProbePositionSequence
    from ptychodus.api.product import Product, ProductMetadata
    from ptychodus.model import ModelCore
    from ptychodus.plugins.h5_product_file import H5ProductFileIO

    out = Path(step["out"])
    out.mkdir(parents=True, exist_ok=True)
    with np.load(step["npz"]) as f:
        counts = np.square(f["diffraction"].astype(np.float64)).round().astype(np.uint32)
        x_px, y_px = f["xcoords"], f["ycoords"]
        probe, obj = f["probeGuess"], f["objectGuess"]
    np.save(out / "counts.npy", counts)
    n = counts.shape[-1]
    with ModelCore() as core:
        core.workflow_api.open_patterns(out / "counts.npy", file_type="NPY", crop_center=CropCenter(n // 2, n // 2),
                                        crop_extent=ImageExtent(n, n), detector_extent=ImageExtent(n, n), block=True)
        core.workflow_api.export_assembled_patterns(out / "diffraction.h5")
    (out / "counts.npy").unlink()
    pixel_m = step["pixel_m"]
    cx, cy = step["centre_m"]
    h, w = obj.shape
    positions = ProbePositionSequence(
        ProbePosition(k, (x - w / 2) * pixel_m + cx, (y - h / 2) * pixel_m + cy) for k, (x, y) in enumerate(zip(x_px, y_px)))
    pixel = PixelGeometry(pixel_m, pixel_m)
    product = Product(
        metadata=ProductMetadata(name="written-by-ptychodus", comments="", detector_distance_m=1.0,
                                 probe_energy_eV=8000.0, probe_photon_count=1e9, exposure_time_s=0.1,
                                 mass_attenuation_m2_kg=0.0, tomography_angle_deg=0.0),
        probe_positions=positions,
        probes=ProbeSequence(probe.astype(np.complex64)[np.newaxis, np.newaxis], None, pixel),
        object_=Object(np.ones((1, h, w), np.complex64), pixel, ObjectCenter(cx, cy)),
        losses=[])
    H5ProductFileIO().write(out / "product-in.h5", product)
    return {"diffraction": str(out / "diffraction.h5"), "product": str(out / "product-in.h5")}


def library_of(core):
    return core.ptychopinn_reconstructor_library


def reconstructor_of(core, name):
    return {r.get_name(): r for r in library_of(core)}[name]


def messages(core):
    return list(core.reconstructor_core.reconstructor_api.get_progress_monitor().message_log())


def run(plan):
    if plan["register"] == "hook":
        from ptychopinn.ptychodus import install
        install()
    from ptychodus.model import ModelCore

    report = {"steps": []}
    settings = Path(plan["settings"]) if plan.get("settings") else None
    with ModelCore(settings, log_level=logging.INFO) as core:
        report["reconstructors"] = list(core.reconstructor_core.presenter.reconstructors())
        report["library"] = type(library_of(core)).__module__
        report["settings_groups"] = sorted(core.settings_registry)
        product = None
        for step in plan["steps"]:
            do = step["do"]
            if do == "load":
                core.workflow_api.import_assembled_patterns(Path(step["diffraction"]))
                product = core.workflow_api.open_product(Path(step["product"]))
                outcome = {"patterns": int(core.diffraction_core.dataset.get_assembled_patterns().shape[0])}
            elif do == "select":
                core.workflow_api.set_reconstructor(step["name"])
                outcome = {"current": core.reconstructor_core.presenter.get_reconstructor()}
            elif do == "export":
                product.export_training_data(Path(step["path"]))
                outcome = {}
            elif do == "train":
                result = core.workflow_api.train_reconstructor(Path(step["input"]), Path(step["output"]))
                outcome = {"result": result.result,
                           "training": [[v.epoch, v.value] for v in result.training_loss],
                           "validation": [[v.epoch, v.value] for v in result.validation_loss]}
            elif do == "open_model":
                core.reconstructor_core.reconstructor_api.open_model(Path(step["path"]))
                outcome = {}
            elif do == "set":
                core.settings_registry[step["group"]].parameters()[step["key"]].set_value_from_string(step["value"])
                outcome = {}
            elif do == "settings":
                outcome = {g: {k: p.get_value_as_string() for k, p in core.settings_registry[g].parameters().items()}
                           for g in step["groups"]}
            elif do == "save_settings":
                core.workflow_api.save_settings(Path(step["path"]))
                outcome = {}
            elif do == "reconstruct":
                monitor = core.reconstructor_core.reconstructor_api.get_progress_monitor()
                output = product.reconstruct_local(block=True)
                core.run_tasks()  # ptychodus' main loop: applies the reconstructor's products
                output.save_product(Path(step["output"]))
                outcome = {"goal": monitor.get_progress_goal(), "progress": monitor.get_progress()}
            elif do == "reconstruct_direct":
                outputs = list(reconstructor_of(core, step["name"]).reconstruct(product.get_reconstruct_input()))
                outcome = {"progress": [o.progress for o in outputs], "results": [o.result for o in outputs],
                           "goal": reconstructor_of(core, step["name"]).get_progress_goal(),
                           "losses": [[v.epoch, v.value] for v in outputs[-1].product.losses]}
            elif do == "messages":
                outcome = {"messages": messages(core)}
            else:
                raise ValueError(f"unknown step {do!r}")
            report["steps"].append({"do": do, **outcome})
    Path(plan["report"]).write_text(json.dumps(report))


def main(argv):
    plan = json.loads(Path(argv[1]).read_text())
    if plan.get("write_ptychodus_files"):
        Path(plan["report"]).write_text(json.dumps(ptychodus_files(plan["write_ptychodus_files"])))
    else:
        run(plan)


if __name__ == "__main__":
    main(sys.argv)
