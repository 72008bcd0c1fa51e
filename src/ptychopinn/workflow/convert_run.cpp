#include "ptychopinn/workflow/convert_run.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "ptychopinn/convert/cxi_scan.h"
#include "ptychopinn/convert/ptychodus_scan.h"
#include "ptychopinn/convert/scan_format.h"
#include "ptychopinn/convert/tike_scan.h"
#include "ptychopinn/data/dataset.h"

namespace ptychopinn::workflow {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& text) { throw std::invalid_argument("convert: " + text); }

// The diffraction file and product of ptychodus input: a folder in ptychodus' batch layout, or the
// diffraction file with the product given explicitly or lying beside it as product-in.h5.
std::pair<std::string, std::string> ptychodus_paths(const std::string& input, const std::string& product) {
  const bool folder = fs::is_directory(input);
  const std::string diffraction =
      folder ? (fs::path(input) / convert::kPtychodusDiffractionFile).string() : input;
  const std::string beside =
      ((folder ? fs::path(input) : fs::path(input).parent_path()) / convert::kPtychodusProductInFile)
          .string();
  const std::string chosen = product.empty() ? beside : product;
  if (!fs::exists(diffraction)) {
    throw std::invalid_argument(input + ": no " + convert::kPtychodusDiffractionFile +
                                "; expected ptychodus' batch layout (diffraction.h5 and product-in.h5)");
  }
  if (!fs::exists(chosen)) {
    throw std::invalid_argument(chosen +
                                ": no such file; ptychodus input needs a product with the positions and "
                                "probe: pass --product PATH");
  }
  return {diffraction, chosen};
}

void to_ptychodus(const ConvertRunRequest& request, ConvertRunResult& result) {
  const data::Dataset dataset = data::load_dataset(request.input);
  result.warnings = dataset.warnings();
  const convert::PtychodusFiles files = convert::ptychodus_from_contract(dataset, request.pixel_size_m);
  result.notes.insert(result.notes.end(), files.notes.begin(), files.notes.end());
  std::error_code ec;
  fs::create_directories(request.output, ec);
  if (!fs::is_directory(request.output)) {
    refuse(request.output + ": cannot create the folder for ptychodus' files" +
           (ec ? ": " + ec.message() : ""));
  }
  const std::string diffraction = (fs::path(request.output) / convert::kPtychodusDiffractionFile).string();
  const std::string product = (fs::path(request.output) / convert::kPtychodusProductInFile).string();
  io::write_assembled_diffraction(diffraction, files.diffraction);
  io::write_ptychodus_product(product, files.product);
  std::ostringstream d, p;
  d << diffraction << ": " << files.diffraction.count << " patterns of " << files.diffraction.height << " x "
    << files.diffraction.width << " (counts, LZF)";
  p << product << ": " << files.product.scan.index.size() << " positions, object "
    << files.product.object.height << " x " << files.product.object.width << ", pixel "
    << files.product.object.pixel_width_m << " m";
  result.summary = {d.str(), p.str()};
}

}  // namespace

std::pair<int64_t, int64_t> parse_subsample(const std::string& text) {
  const auto colon = text.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no colon");
    std::size_t used = 0;
    const int64_t every = std::stoll(text.substr(0, colon), &used);
    if (used != colon) throw std::invalid_argument("trailing text");
    const auto rest = text.substr(colon + 1);
    const int64_t index = std::stoll(rest, &used);
    if (used != rest.size()) throw std::invalid_argument("trailing text");
    return {every, index};
  } catch (const std::logic_error&) {
    refuse("--subsample " + text + ": expected K:R, two integers (e.g. 2:0)");
  }
}

ConvertRunResult convert_run(const ConvertRunRequest& request) {
  ConvertRunResult result;
  result.from =
      request.from == "auto" ? convert::to_string(convert::detect_scan_format(request.input)) : request.from;
  result.to = request.to != "auto" ? request.to : result.from == "contract" ? "ptychodus" : "contract";
  const std::string& from = result.from;
  const bool subsampled = request.subsample_every != 1;
  if (result.to == "ptychodus") {
    if (from != "contract") {
      refuse("--to ptychodus takes a contract NPZ; convert " + request.input + " (" + from +
             ") to one first: ptychopinn convert " + request.input + " data.npz");
    }
    if (subsampled || request.crop != 0)
      refuse("--crop and --subsample apply to scans converted into the contract");
    to_ptychodus(request, result);
    return result;
  }
  if (from == "contract") {
    refuse(request.input + " is already a contract dataset; --to ptychodus converts it for ptychodus");
  }
  convert::ContractData data;
  if (from == "ptychodus") {
    if (subsampled) refuse("--subsample is supported for tike scans only");
    const auto [diffraction, product_path] = ptychodus_paths(request.input, request.product);
    convert::PtychodusConvertOptions options;
    options.crop = request.crop;
    options.probe_scale = request.probe_scale;
    data = convert::contract_from_ptychodus(convert::read_ptychodus_scan(diffraction, product_path), options);
  } else if (from == "cxi") {
    if (subsampled) refuse("--subsample is supported for tike scans only");
    convert::CxiConvertOptions cxi;
    cxi.crop = request.crop;
    cxi.probe_scale = request.probe_scale;
    data = convert::contract_from_cxi(convert::read_cxi_scan(request.input), cxi);
  } else {
    convert::TikeConvertOptions tike;
    tike.crop = request.crop;
    tike.probe_scale = request.probe_scale;
    tike.subsample_every = request.subsample_every;
    tike.subsample_index = request.subsample_index;
    data = convert::contract_from_tike(convert::read_tike_scan(request.input), tike);
  }
  if (data.metadata.contains("notes")) {
    for (const auto& note : data.metadata["notes"]) result.notes.push_back(note.get<std::string>());
  }
  convert::write_contract_npz(request.output, data);
  const auto& physics = data.metadata.at("physics_parameters");
  const auto& source = data.metadata.at("source");
  std::ostringstream line;
  line << request.output << ": " << data.diffraction.size(0) << " patterns of " << data.diffraction.size(1)
       << " x " << data.diffraction.size(2) << " (from " << from << ", ";
  if (source.contains("object_pixel_size_m")) {
    line << "object pixel " << source["object_pixel_size_m"].get<double>() << " m";
  } else {
    line << "object pixel x" << source["object_pixel_scale"].get<double>();
  }
  line << "), mean " << physics.at("nphotons").get<double>() << " photons per pattern";
  result.summary.push_back(line.str());
  return result;
}

}  // namespace ptychopinn::workflow
