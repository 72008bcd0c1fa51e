"""Drop-in ptychodus plugin: ptychodus with our PtychoPINN library in place of its own.

Copy this file into ptychodus' plugins folder (``python3 -c 'import ptychodus.plugins;
print(list(ptychodus.plugins.__path__)[0])'``). ptychodus imports every module there and calls its
``register_plugins`` before it builds its reconstructor libraries, so the stock ``ptychodus`` command
then offers our PtychoPINN/PINN and PtychoPINN/Supervised. A failure is logged, never raised: an
exception here would stop ptychodus from starting.
"""
import logging


def register_plugins(registry):
    try:
        from ptychopinn.ptychodus import install

        install()
    except Exception as error:  # noqa: BLE001 - see above
        logging.getLogger("ptychopinn").error(f"PtychoPINN library not installed: {error}")
