#!/usr/bin/env python3
"""Regenerates the hand-made part of the malformed .npy/.npz corpus in this folder.

Each file is listed in expected.tsv with a phrase the IoError message must contain (besides the file
name); tests/io/bad_files_test.cpp replays them. Fuzzer finds are added to expected.tsv by hand
(prefix fuzz_). Run with /usr/bin/python3 (needs numpy); the output is deterministic.
"""
import bz2
import gzip
import io
import os
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ENTRIES = []


def npy_bytes(a, version=(1, 0)):
    f = io.BytesIO()
    np.lib.format.write_array(f, a, version=version)
    return f.getvalue()


def raw_npy(header_text, data=b"", version=1, header_len=None):
    h = header_text.encode("latin1")
    pad = 64 - (10 + len(h) + 1) % 64
    h = h + b" " * pad + b"\n"
    n = len(h) if header_len is None else header_len
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<H", n) + h + data


def pickle_npy(obj, protocol=3):
    f = io.BytesIO()
    np.lib.format.write_array_header_1_0(f, {"descr": "|O", "fortran_order": False, "shape": ()})
    return f.getvalue() + pickle.dumps(obj, protocol=protocol)


def add(name, data, phrase):
    (HERE / name).write_bytes(data)
    ENTRIES.append((name, phrase))


def zip_bytes(members, compression=zipfile.ZIP_STORED):
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", compression) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return f.getvalue()


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def main():
    good = npy_bytes(np.arange(6, dtype="<f8"))
    d = "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }"
    # .npy
    add("empty.npy", b"", "is empty")
    add("bad_magic.npy", b"\x93NUMPZ" + good[6:], "magic = ")
    add("truncated_magic.npy", good[:3], "magic = ")
    add("truncated_prefix.npy", good[:9], "truncated in the header length")
    add("truncated_header.npy", good[:40], "header length = 118")
    add("header_lies_size.npy", raw_npy(d % "(6,)", header_len=60000), "header length = 60000")
    add("header_not_dict.npy", raw_npy("[1, 2, 3]"), "header text = ")
    add("header_unterminated.npy", raw_npy("{'descr': '<f8', 'shape': (6,"), "header ends early")
    add("shape_overflow.npy", raw_npy(d % "(1099511627776, 1099511627776)"), "the product overflows")
    add("shape_negative.npy", raw_npy(d % "(-1, 3)"), "expected non-negative dimensions")
    add("shape_huge_int.npy", raw_npy(d % "(99999999999999999999,)"), "fit in int64")
    add("shape_not_tuple.npy", raw_npy(d % "[6]"), "expected a tuple of integers")
    add("unknown_dtype.npy", raw_npy("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }",
                                     b"\0" * 6), "header descr = '<f2'; expected a supported dtype")
    add("unicode_zero_width.npy", raw_npy("{'descr': '<U0', 'fortran_order': False, 'shape': (3,), }"),
        "header descr = '<U0'")
    add("structured_dtype.npy",
        raw_npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", b"\0" * 12),
        "structured dtype")
    add("data_short.npy", good[:-8], "data = 40 bytes; expected 48")
    add("data_missing.npy", raw_npy(d % "(1000000000,)"), "data = 0 bytes; expected 8000000000")
    add("bad_version.npy", b"\x93NUMPY\x04\x00" + good[8:], "format version = 4.0")
    add("missing_shape.npy", raw_npy("{'descr': '<f8', 'fortran_order': False}"), "no 'shape' key")
    add("extra_key.npy", raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}"),
        "header key = 'x'")
    add("duplicate_key.npy", raw_npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}"),
        "appears twice")
    add("fortran_not_bool.npy", raw_npy("{'descr': '<f8', 'fortran_order': 0, 'shape': (), }", b"\0" * 8),
        "fortran_order = 0")
    add("deep_nesting.npy", raw_npy("{'descr': " + "(" * 50 + ")" * 50 + "}"), "nesting deeper")
    add("bzip2.npy", bz2.compress(good), "is bzip2-compressed; decompress it first (bunzip2 ")
    add("gzip.npy", gzip.compress(good, mtime=0), "is gzip-compressed; decompress it first (gunzip ")
    add("zip_as.npy", zip_bytes([("x.npy", good)]), "is a zip archive")
    add("pickle_evil.npy", pickle_npy(Evil()), "global = 'posix.system'")
    add("pickle_two_strings.npy", pickle_npy(np.array(["a", "b"], dtype=object)), "expected a 0-d array")
    add("pickle_int.npy", pickle_npy(np.array(5, dtype=object)), "the array's element is not a string")
    add("pickle_truncated.npy", pickle_npy(np.array("abc", dtype=object))[:-20], "truncated at byte")
    add("pickle_dict.npy", pickle_npy({"a": 1}), "opcode = 0x7d")
    # .npz
    add("empty.npz", b"", "is empty")
    add("bzip2.npz", bz2.compress(zip_bytes([("x.npy", good)])), "is bzip2-compressed; decompress it first (bunzip2 ")
    add("gzip.npz", gzip.compress(zip_bytes([("x.npy", good)]), mtime=0), "is gzip-compressed; decompress it first (gunzip ")
    add("npy_as.npz", good, "is an .npy file")
    whole = zip_bytes([("x.npy", good), ("y.npy", good)])
    add("truncated.npz", whole[: len(whole) // 2], "no end of central directory record")
    add("dotdot.npz", zip_bytes([("../evil.npy", good)]), "member name = '../evil.npy' has a '..' component")
    add("dotdot_inner.npz", zip_bytes([("a/../../evil.npy", good)]), "has a '..' component")
    add("absolute.npz", zip_bytes([("/etc/evil.npy", good)]), "member name = '/etc/evil.npy' is an absolute path")
    add("backslash_absolute.npz", zip_bytes([("\\evil.npy", good)]), "is an absolute path")
    add("duplicate.npz", zip_bytes([("a.npy", good), ("a.npy", good)]), "member name = 'a.npy' appears twice")
    add("duplicate_key.npz", zip_bytes([("a.npy", good), ("a", good)]), "gives key 'a' twice")
    add("member_bad_magic.npz", zip_bytes([("x.npy", b"\x93NUMPZ" + good[6:])]), "member 'x.npy': magic = ")
    add("member_data_short.npz", zip_bytes([("x.npy", good[:-8])]), "member 'x.npy': data = 40 bytes")
    add("member_data_short_deflated.npz", zip_bytes([("x.npy", good[:-8])], zipfile.ZIP_DEFLATED),
        "member 'x.npy': data = 40 bytes")
    add("member_pickle_evil.npz", zip_bytes([("x.npy", pickle_npy(Evil()))]), "member 'x.npy': object array pickle")
    add("member_bzip2_method.npz", zip_bytes([("x.npy", good)], zipfile.ZIP_BZIP2), "compression method = 12")
    # A bit flipped in the deflated stream's CRC field (central and local copies): libzip notices.
    z = bytearray(zip_bytes([("x.npy", good)], zipfile.ZIP_DEFLATED))
    crc = z[14:18]
    for pos in (14, z.find(b"PK\x01\x02") + 16):
        assert z[pos:pos + 4] == crc
        z[pos] ^= 0xFF
    add("crc_mismatch.npz", bytes(z), "member 'x.npy': cannot be decompressed")
    # End record pointing the central directory past the end of the file.
    z = bytearray(zip_bytes([("x.npy", good)]))
    eocd = z.rfind(b"PK\x05\x06")
    z[eocd + 16:eocd + 20] = struct.pack("<I", 10_000_000)
    add("cd_offset_past_end.npz", bytes(z), "central directory at offset 10000000")
    # Central directory claiming more entries than fit in it.
    z = bytearray(zip_bytes([("x.npy", good)]))
    eocd = z.rfind(b"PK\x05\x06")
    z[eocd + 8:eocd + 12] = struct.pack("<HH", 60000, 60000)
    add("entry_count_lies.npz", bytes(z), "central directory entry count = 60000")
    # Local header renamed behind the central directory's back.
    z = bytearray(zip_bytes([("x.npy", good)]))
    z[30:35] = b"y.npy"
    add("local_name_mismatch.npz", bytes(z), "local header name = 'y.npy'")
    # Local header offset pointing past the end.
    z = bytearray(zip_bytes([("x.npy", good)]))
    cd = z.find(b"PK\x01\x02")
    z[cd + 42:cd + 46] = struct.pack("<I", 0x7FFFFFF0)
    add("local_offset_past_end.npz", bytes(z), "local header of member 'x.npy'")
    # Deflated member claiming an uncompressed size no deflate stream can reach.
    z = bytearray(zip_bytes([("x.npy", good)], zipfile.ZIP_DEFLATED))
    cd = z.find(b"PK\x01\x02")
    z[22:26] = struct.pack("<I", 0xFFFFFFF0)
    z[cd + 24:cd + 28] = struct.pack("<I", 0xFFFFFFF0)
    add("deflate_size_lies.npz", bytes(z), "member 'x.npy': uncompressed size = 4294967280")

    with open(HERE / "expected.tsv", "w") as f:
        f.write("# file\tphrase the IoError message must contain (besides the file name)\n")
        for name, phrase in ENTRIES:
            f.write(f"{name}\t{phrase}\n")
        fuzz = HERE / "fuzz_expected.tsv"
        if fuzz.exists():
            f.write(fuzz.read_text())


if __name__ == "__main__":
    main()
