#pragma once
// Whether Debian's python3 (PTYCHOPINN_PYTHON3) can import h5py and numpy, for the tests that check
// our HDF5 files with h5py, the library ptychodus reads them with; SKIP_WITHOUT_H5PY() skips a test
// that needs them, saying which package to install.
#include <gtest/gtest.h>

#include <string>

#include "support/run_command.h"

namespace ptychopinn::testing {

inline std::string python3() { return PTYCHOPINN_PYTHON3; }

inline bool h5py_available() {
  static const bool ok = run_command(python3() + " -c 'import h5py, numpy'").exit_code == 0;
  return ok;
}

}  // namespace ptychopinn::testing

#define SKIP_WITHOUT_H5PY()                                                                     \
  if (!::ptychopinn::testing::h5py_available())                                                 \
  GTEST_SKIP() << ::ptychopinn::testing::python3() << " cannot import h5py and numpy (install " \
               << "python3-h5py); the checks of what ptychodus would read need them"
