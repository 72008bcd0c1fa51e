// `ptychopinn convert IN OUT`: another facility's scan file to a contract NPZ (docs/formats.md).
// Formats: tike NPZ (bzip2-compressed or not), CXI (HDF5), ptychodus (HDF5 diffraction + product),
// and a contract NPZ to ptychodus' files.
#include <iostream>
#include <tuple>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/workflow/convert_run.h"

namespace ptychopinn::cli {

int run_convert(const std::vector<std::string>& args) {
  CLI::App app{
      "Converts another program's scan file into a dataset that follows the data contract\n"
      "(amplitudes with DC at the centre, positions in object pixels, probeGuess, _metadata),\n"
      "ready for `ptychopinn train` and `ptychopinn infer`.\n"
      "Formats: tike NPZ (data = counts with DC at the corner, probe, scan = (row, column)),\n"
      "bzip2-compressed or not; CXI (/entry_1: detector data, mask, distance, pixel size,\n"
      "wavelength or energy, sample translations in metres; object pixel = wavelength x distance /\n"
      "(N x detector pixel)); ptychodus (a folder with diffraction.h5 and product-in.h5, or the\n"
      "diffraction file with --product; positions by the product's object geometry).\n"
      "A contract NPZ as IN converts the other way, to ptychodus' diffraction.h5 and product-in.h5\n"
      "in the folder OUT.",
      "convert"};
  workflow::ConvertRunRequest request;
  std::string& input = request.input;
  app.add_option("IN", input, "the scan file (or ptychodus' folder)")->required()->check(CLI::ExistingPath);
  app.add_option("OUT", request.output, "the contract NPZ to write (or, with --to ptychodus, the folder)")
      ->required();
  app.add_option("--from", request.from,
                 "input format: auto (from the file's contents), tike, cxi, ptychodus or contract")
      ->check(CLI::IsMember({"auto", "tike", "cxi", "ptychodus", "contract"}))
      ->capture_default_str();
  app.add_option("--to", request.to,
                 "output: auto (ptychodus for a contract NPZ, else contract), contract or ptychodus")
      ->check(CLI::IsMember({"auto", "contract", "ptychodus"}))
      ->capture_default_str();
  app.add_option(
      "--product", request.product,
      "ptychodus input: the product file with positions and probe (default: product-in.h5 beside the "
      "diffraction file)");
  app.add_option(
         "--pixel_size_m,--pixel-size-m", request.pixel_size_m,
         "to ptychodus: the object pixel size in metres (default: the dataset's _metadata, else 5e-8)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--crop", request.crop,
                 "keep the central N x N detector pixels (even); the object pixel grows by the same factor, "
                 "positions and probe follow (0 = whole detector)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--probe_scale,--probe-scale", request.probe_scale,
                 "normalise the probe to mean amplitude 1/probe_scale inside its disk")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  std::string subsample = "1:0";
  app.add_option("--subsample", subsample,
                 "K:R keeps the frames i with i mod K = R, on the whole scan's canvas (2:0 and 2:1 are two "
                 "disjoint halves of one scan, for `ptychopinn evaluate --reference`)")
      ->capture_default_str();
  if (auto rc = parse_args(app, args)) return *rc;
  std::tie(request.subsample_every, request.subsample_index) = workflow::parse_subsample(subsample);
  const auto result = workflow::convert_run(request);
  for (const auto& w : result.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& note : result.notes) std::cerr << "note: " << note << "\n";
  for (const auto& line : result.summary) std::cout << line << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
