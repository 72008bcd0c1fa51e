#pragma once
// Which of `ptychopinn convert`'s formats a path holds, from its contents (never its name).
#include <string>

namespace ptychopinn::convert {

enum class ScanFormat {
  kTike,       // NPZ (or bzip2-compressed NPZ) with 'data', 'scan', 'probe'
  kCxi,        // HDF5 with /entry_1
  kPtychodus,  // a directory (ptychodus' batch layout) or HDF5 with 'patterns'
  kContract,   // NPZ with 'diffraction' or 'diff3d': our data contract
};

const char* to_string(ScanFormat format);

// Throws std::invalid_argument naming `path` and what it is when it is none of them (a missing path,
// a PNG, an NPZ with other keys, an HDF5 file with neither /entry_1 nor 'patterns').
ScanFormat detect_scan_format(const std::string& path);

}  // namespace ptychopinn::convert
