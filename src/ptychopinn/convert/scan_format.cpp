#include "ptychopinn/convert/scan_format.h"

#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "ptychopinn/io/file_format.h"
#include "ptychopinn/io/hdf5_file.h"
#include "ptychopinn/io/npz.h"

namespace ptychopinn::convert {

const char* to_string(ScanFormat format) {
  switch (format) {
    case ScanFormat::kTike:
      return "tike";
    case ScanFormat::kCxi:
      return "cxi";
    case ScanFormat::kPtychodus:
      return "ptychodus";
    case ScanFormat::kContract:
      return "contract";
  }
  return "unknown";
}

ScanFormat detect_scan_format(const std::string& path) {
  const std::string expected =
      "expected a tike NPZ scan (.npz or .npz.bz2), a CXI file, ptychodus files (a folder with "
      "diffraction.h5 and "
      "product-in.h5, or the diffraction file) or a contract NPZ";
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return ScanFormat::kPtychodus;
  if (!std::filesystem::exists(path, ec)) throw std::invalid_argument(path + ": no such file; " + expected);
  std::ifstream f(path, std::ios::binary);
  unsigned char head[8] = {};
  f.read(reinterpret_cast<char*>(head), sizeof head);
  const auto format = io::sniff_file_format(head, static_cast<std::size_t>(f.gcount()));
  if (format == io::FileFormat::kBzip2) return ScanFormat::kTike;
  if (format == io::FileFormat::kZip) {
    const io::NpzReader npz(path);
    if (npz.contains("diffraction") || npz.contains("diff3d")) return ScanFormat::kContract;
    if (npz.contains("data") && npz.contains("scan")) return ScanFormat::kTike;
    throw std::invalid_argument(path +
                                ": an NPZ with neither 'diffraction'/'diff3d' (a contract dataset) nor "
                                "'data' and 'scan' (a tike scan); " +
                                expected);
  }
  if (format == io::FileFormat::kHdf5) {
    const io::hdf5::Where where{path};
    io::hdf5::QuietErrors quiet;
    const io::hdf5::Reader r(path, where, "an HDF5 scan file");
    if (r.has_link("entry_1")) return ScanFormat::kCxi;
    if (r.has_link("patterns")) return ScanFormat::kPtychodus;
    throw std::invalid_argument(path +
                                ": an HDF5 file with neither /entry_1 (CXI) nor 'patterns' (ptychodus' "
                                "diffraction file); " +
                                expected);
  }
  throw std::invalid_argument(path + ": is " + io::to_string(format) + "; " + expected);
}

}  // namespace ptychopinn::convert
