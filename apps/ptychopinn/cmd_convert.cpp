// `ptychopinn convert IN OUT`: another facility's scan file to a contract NPZ (docs/formats.md).
// Formats: tike NPZ (bzip2-compressed or not).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
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
  throw std::invalid_argument(path + ": is " + io::to_string(format) +
                              "; expected a tike NPZ scan (.npz or .npz.bz2). HDF5 inputs (CXI, ptychodus) are "
                              "not supported by this version");
}

}  // namespace

int run_convert(const std::vector<std::string>& args) {
  CLI::App app{"Converts another program's scan file into a dataset that follows the data contract\n"
               "(amplitudes with DC at the centre, positions in object pixels, probeGuess, _metadata),\n"
               "ready for `ptychopinn train` and `ptychopinn infer`.\n"
               "Formats: tike NPZ (data = counts with DC at the corner, probe, scan = (row, column)),\n"
               "bzip2-compressed or not.",
               "convert"};
  std::string input, output, from = "auto";
  convert::TikeConvertOptions tike;
  app.add_option("IN", input, "the scan file")->required()->check(CLI::ExistingFile);
  app.add_option("OUT", output, "the contract NPZ to write")->required();
  app.add_option("--from", from, "input format: auto (from the file's contents) or tike")
      ->check(CLI::IsMember({"auto", "tike"}))
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
  const auto scan = convert::read_tike_scan(input);
  for (const auto& note : scan.notes) std::cerr << "note: " << note << "\n";
  const auto data = convert::contract_from_tike(scan, tike);
  convert::write_contract_npz(output, data);
  const auto& physics = data.metadata.at("physics_parameters");
  std::cout << output << ": " << data.diffraction.size(0) << " patterns of " << data.diffraction.size(1) << " x "
            << data.diffraction.size(2) << " (from " << from << ", object pixel x"
            << data.metadata.at("source").at("object_pixel_scale").get<double>() << "), mean "
            << physics.at("nphotons").get<double>() << " photons per pattern\n";
  return 0;
}

}  // namespace ptychopinn::cli
