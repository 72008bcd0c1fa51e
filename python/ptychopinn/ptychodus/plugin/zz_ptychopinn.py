"""Drop-in ptychodus plugin (ptychodus-contract.md §3.2, option B).

Copy this file into ptychodus' plugins folder (``python3 -c 'import ptychodus.plugins, os;
print(os.path.dirname(ptychodus.plugins.__file__))'``). ptychodus imports every module there and
calls its ``register_plugins`` before it builds its reconstructors, so the stock ``ptychodus``
command then offers PtychoPINN/PINN and PtychoPINN/Supervised.
"""


def register_plugins(registry):
    from ptychopinn.ptychodus import install

    install()
