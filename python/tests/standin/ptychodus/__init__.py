"""A stand-in for ptychodus v1.2's API, written from ptychodus v1.2's reconstructor API (names, fields,
shapes and units). The ptychodus tests use it only where the real ptychodus v1.2 source (the shared
folder's third_party/ptychodus-1.2) is absent: python/tests/ptychodus_env.py chooses."""
