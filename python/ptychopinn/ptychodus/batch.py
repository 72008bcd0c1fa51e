"""`-b reconstruct` for the launcher (python3 -m ptychopinn.ptychodus, ptychodus-pinn).

ptychodus v1.2's own batch reconstruction cannot deliver a reconstruction: it saves product-out.h5
right after the reconstruction finished, but a reconstructor's products reach ptychodus' product only
through its main loop (ModelCore.run_tasks), which batch mode never runs, so the file holds the input
product; and before Python 3.12 it looks for its files under their enum names
(`StandardFileLayout.DIFFRACTION` rather than `diffraction.h5`). The launcher therefore runs the same
steps itself, on ptychodus' workflow API: settings.ini (if there), diffraction.h5 and product-in.h5
from the input folder, the reconstruction, its products applied, product-out.h5 (and the
fluorescence enhancement when fluorescence-in.h5 is there) in the output folder.
"""
import logging
from pathlib import Path

logger = logging.getLogger("ptychopinn")

SETTINGS = "settings.ini"
DIFFRACTION = "diffraction.h5"
PRODUCT_IN = "product-in.h5"
PRODUCT_OUT = "product-out.h5"
FLUORESCENCE_IN = "fluorescence-in.h5"
FLUORESCENCE_OUT = "fluorescence-out.h5"


def batch_reconstruct(model, input_directory, output_directory):
    """Runs the batch reconstruction on a started ModelCore. Returns the process' exit code: 0, or 1
    when a file is missing or our reconstructor reported a failure (logged)."""
    input_directory, output_directory = Path(input_directory), Path(output_directory)
    if not input_directory.is_dir():
        logger.error(f"{input_directory}: not a folder; expected ptychodus' batch layout ({DIFFRACTION}, {PRODUCT_IN})")
        return 1
    output_directory.mkdir(parents=True, exist_ok=True)
    if (input_directory / SETTINGS).is_file():
        model.settings_registry.open_settings(input_directory / SETTINGS)
    else:
        logger.warning(f"{input_directory / SETTINGS}: no settings file; proceeding with the defaults")
    for name in (DIFFRACTION, PRODUCT_IN):
        if not (input_directory / name).is_file():
            logger.error(f"{input_directory / name}: no such file; expected ptychodus' batch layout")
            return 1
    model.workflow_api.import_assembled_patterns(input_directory / DIFFRACTION)
    product = model.workflow_api.open_product(input_directory / PRODUCT_IN)
    output = product.reconstruct_local(block=True)
    model.run_tasks()  # applies the reconstructor's products to the output product
    output.save_product(output_directory / PRODUCT_OUT)
    if (input_directory / FLUORESCENCE_IN).is_file():
        model.fluorescence_core.enhance_fluorescence(output.get_product_index(), input_directory / FLUORESCENCE_IN,
                                                     output_directory / FLUORESCENCE_OUT)
    failed = [r.get_name() for r in _our_reconstructors(model) if r.last_result != 0]
    return 1 if failed else 0


def _our_reconstructors(model):
    library = getattr(model, "ptychopinn_reconstructor_library", None)
    from .library import PtychoPINNReconstructorLibrary
    return list(library) if isinstance(library, PtychoPINNReconstructorLibrary) else []
