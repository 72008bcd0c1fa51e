// `ptychopinn convert IN OUT`: another facility's scan file to a contract NPZ (docs/formats.md).
// Formats: tike NPZ (bzip2-compressed or not), CXI (HDF5).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/convert/cxi_scan.h"
#include "ptychopinn/convert/tike_scan.h"
#include "ptychopinn/io/file_format.h"

namespace ptychopinn::cli {
namespace {

io::FileFormat sniff(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char head[8] = {};
  f.read(reinterpret_cast<char*>(head), sizeof head);
  return io::sniff_file_format(head, static_cast<std::size_t>(f.gcount()));
}

// The input format for --from auto: what the file's first bytes say.
std::string detect_format(const std::string& path) {
  const auto format = sniff(path);
  if (format == io::FileFormat::kZip || format == io::FileFormat::kBzip2) return "tike";
  if (format == io::FileFormat::kHdf5) return "cxi";
  throw std::invalid_argument(path + ": is " + io::to_string(format) +
                              "; expected a tike NPZ scan (.npz or .npz.bz2) or a CXI file (HDF5)");
}

}  // namespace

int run_convert(const std::vector<std::string>& args) {
  CLI::App app{"Converts another program's scan file into a dataset that follows the data contract\n"
               "(amplitudes with DC at the centre, positions in object pixels, probeGuess, _metadata),\n"
               "ready for `ptychopinn train` and `ptychopinn infer`.\n"
               "Formats: tike NPZ (data = counts with DC at the corner, probe, scan = (row, column)),\n"
               "bzip2-compressed or not; CXI (/entry_1: detector data, mask, distance, pixel size,\n"
               "wavelength or energy, sample translations in metres; object pixel = wavelength x distance /\n"
               "(N x detector pixel)).",
               "convert"};
  std::string input, output, from = "auto";
  convert::TikeConvertOptions tike;
  app.add_option("IN", input, "the scan file")->required()->check(CLI::ExistingFile);
  app.add_option("OUT", output, "the contract NPZ to write")->required();
  app.add_option("--from", from, "input format: auto (from the file's contents), tike or cxi")
      ->check(CLI::IsMember({"auto", "tike", "cxi"}))
      ->capture_default_str();
  app.add_option("--crop", tike.crop,
                 "keep the central N x N detector pixels (even); the object pixel grows by the same factor, "
                 "positions and probe follow (0 = whole detector)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--probe_scale,--probe-scale", tike.probe_scale,
                 "normalise the probe to mean amplitude 1/probe_scale inside its disk")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  std::string subsample = "1:0";
  app.add_option("--subsample", subsample,
                 "K:R keeps the frames i with i mod K = R, on the whole scan's canvas (2:0 and 2:1 are two "
                 "disjoint halves of one scan, for `ptychopinn evaluate --reference`)")
      ->capture_default_str();
  if (auto rc = parse_args(app, args)) return *rc;
  {
    const auto colon = subsample.find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      std::size_t used = 0;
      tike.subsample_every = std::stoll(subsample.substr(0, colon), &used);
      if (used != colon) throw std::invalid_argument("trailing text");
      const auto rest = subsample.substr(colon + 1);
      tike.subsample_index = std::stoll(rest, &used);
      if (used != rest.size()) throw std::invalid_argument("trailing text");
    } catch (const std::logic_error&) {
      std::cerr << "convert: --subsample " << subsample << ": expected K:R, two integers (e.g. 2:0)\n";
      return 1;
    }
  }

  if (from == "auto") from = detect_format(input);
  convert::ContractData data;
  if (from == "cxi") {
    if (tike.subsample_every != 1) {
      std::cerr << "convert: --subsample is supported for tike scans only\n";
      return 1;
    }
    convert::CxiConvertOptions cxi;
    cxi.crop = tike.crop;
    cxi.probe_scale = tike.probe_scale;
    data = convert::contract_from_cxi(convert::read_cxi_scan(input), cxi);
  } else {
    const auto scan = convert::read_tike_scan(input);
    data = convert::contract_from_tike(scan, tike);
  }
  if (data.metadata.contains("notes")) {
    for (const auto& note : data.metadata["notes"]) std::cerr << "note: " << note.get<std::string>() << "\n";
  }
  convert::write_contract_npz(output, data);
  const auto& physics = data.metadata.at("physics_parameters");
  const auto& source = data.metadata.at("source");
  std::ostringstream pixel;
  if (source.contains("object_pixel_size_m")) {
    pixel << "object pixel " << source["object_pixel_size_m"].get<double>() << " m";
  } else {
    pixel << "object pixel x" << source["object_pixel_scale"].get<double>();
  }
  std::cout << output << ": " << data.diffraction.size(0) << " patterns of " << data.diffraction.size(1) << " x "
            << data.diffraction.size(2) << " (from " << from << ", " << pixel.str() << "), mean "
            << physics.at("nphotons").get<double>() << " photons per pattern\n";
  return 0;
}

}  // namespace ptychopinn::cli
