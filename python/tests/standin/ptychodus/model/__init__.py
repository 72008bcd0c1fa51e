from .core import ModelCore  # noqa: F401
