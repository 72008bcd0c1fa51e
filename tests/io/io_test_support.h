#pragma once
// Helpers shared by the io tests: a scratch directory, running the NumPy helper script, and the
// deterministic element values both sides of the interoperability tests compute.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ptychopinn/io/npy.h"
#include "support/run_command.h"

namespace ptychopinn::io::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
using ScratchDir = ::ptychopinn::testing::TempDir;

inline std::string python3() { return PTYCHOPINN_PYTHON3; }

// Whether /usr/bin/python3 (PTYCHOPINN_PYTHON3) can import numpy.
inline bool numpy_available() {
  static const bool ok = std::system((python3() + " -c 'import numpy' >/dev/null 2>&1").c_str()) == 0;
  return ok;
}

// Runs tests/io/numpy_interop.py <mode> <dir>; returns its exit status and output.
inline int run_interop(const std::string& mode, const std::string& dir, std::string* output) {
  const std::string script = std::string(PTYCHOPINN_SOURCE_DIR) + "/tests/io/numpy_interop.py";
  const std::string log = dir + "/interop_" + mode + ".log";
  const int rc =
      std::system((python3() + " " + script + " " + mode + " " + dir + " >" + log + " 2>&1").c_str());
  std::ifstream in(log);
  output->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return rc;
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// value(dtype, i) of tests/io/numpy_interop.py, element i in C order.
inline std::string string_value(std::int64_t i) {
  std::string s = std::to_string(i);
  for (std::int64_t k = 0; k < i % 3; ++k) s += "\xc3\xa9";  // U+00E9
  if (i % 2) s += "\xf0\x9f\x98\x80";                        // U+1F600
  return s;
}

inline NpyArray expected_array(DType dtype, const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  if (dtype == DType::kUnicode) {
    std::vector<std::string> s;
    for (std::int64_t i = 0; i < n; ++i) s.push_back(string_value(i));
    return NpyArray::from_strings(s, shape);
  }
  NpyArray a = NpyArray::zeros(dtype, shape);
  for (std::int64_t i = 0; i < n; ++i) {
    switch (dtype) {
      case DType::kBool:
        a.mutable_data_as<bool>()[i] = i % 3 == 0;
        break;
      case DType::kInt8:
        a.mutable_data_as<std::int8_t>()[i] = static_cast<std::int8_t>((i * 37 + 11) % 256 - 128);
        break;
      case DType::kInt16:
        a.mutable_data_as<std::int16_t>()[i] = static_cast<std::int16_t>((i * 1237 + 5) % 65536 - 32768);
        break;
      case DType::kInt32:
        a.mutable_data_as<std::int32_t>()[i] = static_cast<std::int32_t>(i * 100003 - 5000000);
        break;
      case DType::kInt64:
        a.mutable_data_as<std::int64_t>()[i] = (i * 2654435761LL) % (1LL << 40) - (1LL << 39);
        break;
      case DType::kUInt8:
        a.mutable_data_as<std::uint8_t>()[i] = static_cast<std::uint8_t>((i * 7 + 3) % 256);
        break;
      case DType::kUInt16:
        a.mutable_data_as<std::uint16_t>()[i] = static_cast<std::uint16_t>((i * 2654 + 1) % 65536);
        break;
      case DType::kUInt32:
        a.mutable_data_as<std::uint32_t>()[i] = static_cast<std::uint32_t>((i * 2654435761LL) % (1LL << 32));
        break;
      case DType::kUInt64:
        a.mutable_data_as<std::uint64_t>()[i] = static_cast<std::uint64_t>(i) * 11400714819323198485ULL;
        break;
      case DType::kFloat32:
        a.mutable_data_as<float>()[i] = static_cast<float>(i * 0.5 - 3.25);
        break;
      case DType::kFloat64:
        a.mutable_data_as<double>()[i] = (i - 5) / 8.0;
        break;
      case DType::kComplex64:
        a.mutable_data_as<std::complex<float>>()[i] = {static_cast<float>(i * 0.5),
                                                       static_cast<float>(-(i * 0.25))};
        break;
      case DType::kComplex128:
        a.mutable_data_as<std::complex<double>>()[i] = {i / 4.0 - 1, 3.0 * i};
        break;
      case DType::kUnicode:
        break;
    }
  }
  return a;
}

// Element-wise equality of dtype, shape and values (unicode compared as strings, so the itemsize
// may differ; -0.0 == 0.0 as in np.array_equal).
inline ::testing::AssertionResult arrays_equal(const NpyArray& got, const NpyArray& want) {
  if (got.dtype() != want.dtype()) {
    return ::testing::AssertionFailure()
           << "dtype " << to_string(got.dtype()) << " != " << to_string(want.dtype());
  }
  if (got.shape() != want.shape()) return ::testing::AssertionFailure() << "shapes differ";
  if (got.dtype() == DType::kUnicode) {
    if (got.strings() != want.strings()) return ::testing::AssertionFailure() << "strings differ";
    return ::testing::AssertionSuccess();
  }
  if (is_complex(got.dtype())) {
    const NpyArray g = got.aligned(), w = want.aligned();
    for (std::int64_t i = 0; i < got.numel(); ++i) {
      const bool same = got.dtype() == DType::kComplex64
                            ? g.data_as<std::complex<float>>()[i] == w.data_as<std::complex<float>>()[i]
                            : g.data_as<std::complex<double>>()[i] == w.data_as<std::complex<double>>()[i];
      if (!same) return ::testing::AssertionFailure() << "complex element " << i << " differs";
    }
    return ::testing::AssertionSuccess();
  }
  if (got.dtype() == DType::kInt64 || got.dtype() == DType::kUInt64) {
    // Compare bits: doubles cannot hold every 64-bit integer.
    if (got.nbytes() != want.nbytes() ||
        (got.nbytes() > 0 && std::memcmp(got.data(), want.data(), got.nbytes()) != 0)) {
      return ::testing::AssertionFailure() << "64-bit integer bytes differ";
    }
    return ::testing::AssertionSuccess();
  }
  if (got.to_double_vector() != want.to_double_vector()) {
    return ::testing::AssertionFailure() << "values differ";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace ptychopinn::io::testing
