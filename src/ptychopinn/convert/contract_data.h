#pragma once
// A dataset in the data contract (docs/formats.md) held in memory, as the converters produce it,
// and its writer. Converters fill it, validate() checks what every reader of the contract relies on,
// and write_contract_npz writes the NPZ atomically.
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ptychopinn::convert {

struct ContractData {
  // [M, N, N] float32 amplitudes (√counts), DC at the centre (row N/2, column N/2).
  torch::Tensor diffraction;
  // Patch centres in object pixels, M each; every patch lies inside the object canvas
  // (x - N/2 >= 0, y - N/2 >= 0).
  std::vector<double> xcoords, ycoords;
  // [N, N] complex64, normalised (physics::normalize_probe).
  torch::Tensor probe;
  // Optional [H, W] complex64 object on the positions' pixel frame, written as objectGuess.
  torch::Tensor object_guess;
  // Optional [N, N] bool detector mask (true = bad pixel, DC at the centre as the patterns), written
  // as bad_pixels when any pixel is bad; the patterns hold 0 there.
  torch::Tensor bad_pixels;
  // Written as `_metadata` (JSON): at least physics_parameters.nphotons (the mean counts per
  // pattern, which `ptychopinn train` takes as its nphotons) and creation_info.
  nlohmann::json metadata;
};

// The _metadata every converter writes: schema and creation info, physics_parameters (nphotons =
// the mean counts per pattern of `counts` [M, N, N], N, probe_scale), the converter's `source`
// description, `transformations` (sentences) and `notes` (omitted when empty).
nlohmann::json converted_metadata(const torch::Tensor& counts, double probe_scale, nlohmann::json source,
                                  const std::vector<std::string>& transformations,
                                  const std::vector<std::string>& notes);

// Throws std::invalid_argument "<where>: <what>; expected <constraint>" for a wrong shape or dtype,
// a count mismatch, a non-finite or negative amplitude, a non-finite position, or a patch that
// leaves the canvas.
void validate(const ContractData& data, const std::string& where);

// Validates, then writes diffraction, xcoords, ycoords, scan_index (zeros), probeGuess, objectGuess
// (when there is one), bad_pixels (when any pixel is bad) and _metadata
// (stored members; atomic). Throws IoError naming `path` when it cannot be written.
void write_contract_npz(const std::string& path, const ContractData& data);

}  // namespace ptychopinn::convert
