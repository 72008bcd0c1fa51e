// `ptychopinn convert IN OUT`: another facility's scan file to a contract NPZ (docs/formats.md).
// Formats: tike NPZ (bzip2-compressed or not), CXI (HDF5), ptychodus (HDF5 diffraction + product),
// and a contract NPZ to ptychodus' files.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/convert/cxi_scan.h"
#include "ptychopinn/convert/ptychodus_scan.h"
#include "ptychopinn/convert/scan_format.h"
#include "ptychopinn/convert/tike_scan.h"
#include "ptychopinn/data/dataset.h"

namespace ptychopinn::cli {
namespace {

namespace fs = std::filesystem;

// The diffraction file and product of ptychodus input IN: a folder in ptychodus' batch layout, or the
// diffraction file with the product given by --product or lying beside it as product-in.h5.
std::pair<std::string, std::string> ptychodus_paths(const std::string& input, const std::string& product) {
  const bool folder = fs::is_directory(input);
  const std::string diffraction = folder ? (fs::path(input) / convert::kPtychodusDiffractionFile).string() : input;
  const std::string beside =
      ((folder ? fs::path(input) : fs::path(input).parent_path()) / convert::kPtychodusProductInFile).string();
  const std::string chosen = product.empty() ? beside : product;
  if (!fs::exists(diffraction)) {
    throw std::invalid_argument(input + ": no " + convert::kPtychodusDiffractionFile +
                                "; expected ptychodus' batch layout (diffraction.h5 and product-in.h5)");
  }
  if (!fs::exists(chosen)) {
    throw std::invalid_argument(chosen + ": no such file; ptychodus input needs a product with the positions and "
                                "probe: pass --product PATH");
  }
  return {diffraction, chosen};
}

int to_ptychodus(const std::string& input, const std::string& output, double pixel_size_m) {
  const data::Dataset dataset = data::load_dataset(input);
  for (const auto& w : dataset.warnings()) std::cerr << "warning: " << w << "\n";
  const convert::PtychodusFiles files = convert::ptychodus_from_contract(dataset, pixel_size_m);
  for (const auto& note : files.notes) std::cerr << "note: " << note << "\n";
  std::error_code ec;
  fs::create_directories(output, ec);
  if (!fs::is_directory(output)) {
    std::cerr << "convert: " << output << ": cannot create the folder for ptychodus' files"
              << (ec ? ": " + ec.message() : std::string()) << "\n";
    return 1;
  }
  const std::string diffraction = (fs::path(output) / convert::kPtychodusDiffractionFile).string();
  const std::string product = (fs::path(output) / convert::kPtychodusProductInFile).string();
  io::write_assembled_diffraction(diffraction, files.diffraction);
  io::write_ptychodus_product(product, files.product);
  std::cout << diffraction << ": " << files.diffraction.count << " patterns of " << files.diffraction.height << " x "
            << files.diffraction.width << " (counts, LZF)\n"
            << product << ": " << files.product.scan.index.size() << " positions, object "
            << files.product.object.height << " x " << files.product.object.width << ", pixel "
            << files.product.object.pixel_width_m << " m\n";
  return 0;
}

}  // namespace

int run_convert(const std::vector<std::string>& args) {
  CLI::App app{"Converts another program's scan file into a dataset that follows the data contract\n"
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
  std::string input, output, from = "auto", to = "auto", product;
  double pixel_size_m = 0;
  convert::TikeConvertOptions tike;
  app.add_option("IN", input, "the scan file (or ptychodus' folder)")->required()->check(CLI::ExistingPath);
  app.add_option("OUT", output, "the contract NPZ to write (or, with --to ptychodus, the folder)")->required();
  app.add_option("--from", from, "input format: auto (from the file's contents), tike, cxi, ptychodus or contract")
      ->check(CLI::IsMember({"auto", "tike", "cxi", "ptychodus", "contract"}))
      ->capture_default_str();
  app.add_option("--to", to, "output: auto (ptychodus for a contract NPZ, else contract), contract or ptychodus")
      ->check(CLI::IsMember({"auto", "contract", "ptychodus"}))
      ->capture_default_str();
  app.add_option("--product", product,
                 "ptychodus input: the product file with positions and probe (default: product-in.h5 beside the "
                 "diffraction file)");
  app.add_option("--pixel_size_m,--pixel-size-m", pixel_size_m,
                 "to ptychodus: the object pixel size in metres (default: the dataset's _metadata, else 5e-8)")
      ->check(CLI::NonNegativeNumber);
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

  if (from == "auto") from = convert::to_string(convert::detect_scan_format(input));
  if (to == "auto") to = from == "contract" ? "ptychodus" : "contract";
  if (to == "ptychodus") {
    if (from != "contract") {
      std::cerr << "convert: --to ptychodus takes a contract NPZ; convert " << input << " (" << from
                << ") to one first: ptychopinn convert " << input << " data.npz\n";
      return 1;
    }
    if (tike.subsample_every != 1 || tike.crop != 0) {
      std::cerr << "convert: --crop and --subsample apply to scans converted into the contract\n";
      return 1;
    }
    return to_ptychodus(input, output, pixel_size_m);
  }
  if (from == "contract") {
    std::cerr << "convert: " << input << " is already a contract dataset; --to ptychodus converts it for ptychodus\n";
    return 1;
  }
  convert::ContractData data;
  if (from == "ptychodus") {
    if (tike.subsample_every != 1) {
      std::cerr << "convert: --subsample is supported for tike scans only\n";
      return 1;
    }
    const auto [diffraction, product_path] = ptychodus_paths(input, product);
    convert::PtychodusConvertOptions options;
    options.crop = tike.crop;
    options.probe_scale = tike.probe_scale;
    data = convert::contract_from_ptychodus(convert::read_ptychodus_scan(diffraction, product_path), options);
  } else if (from == "cxi") {
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
