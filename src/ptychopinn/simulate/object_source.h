#pragma once
// Where a simulation's object comes from: a synthetic generator (objects.h) or a picture (a PNG
// whose grey level is the amplitude), with an optional phase (the set_phi formula, or a second
// picture). What `ptychopinn simulate --object` and `--phase_image` name.
#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>

#include "ptychopinn/simulate/objects.h"

namespace ptychopinn::simulate {

// "lines", "grf", "points", "diagonals", or "image:PATH".
struct ObjectSpec {
  std::optional<ObjectKind> kind;  // set for a synthetic object
  std::string image_path;          // set for image:PATH
  // "lines" ... or "image" (the kind recorded in _metadata).
  std::string kind_name() const;
};

// Parses --object. Throws std::invalid_argument ("object = 'x'; expected one of lines, grf, points,
// diagonals or image:PATH") for anything else, including "image:" with no path.
ObjectSpec parse_object_spec(const std::string& text);

// The default object side: 392 pixels, the side of the reference's standard synthetic datasets.
inline constexpr int64_t kDefaultObjectSize = 392;

// A PNG as a square grey map in [0, 1]: its grey level (io/png.h: luminance for colour), the
// centred largest square kept (so the picture is not stretched), then resampled bilinearly, with
// antialiasing when shrinking, to side × side; side 0 keeps the square's own side.
// Returns [side, side] float32. Throws IoError naming the file when it cannot be read.
torch::Tensor load_grey_picture(const std::string& path, int64_t side);

struct ObjectRequest {
  ObjectSpec spec;
  // Side of the square object; 0 = kDefaultObjectSize for a synthetic object, the picture's
  // (shorter) side for an image. Must resolve to [64, 4096].
  int64_t size = 0;
  // Phase φ from the set_phi formula (set_phi_phase) of the amplitude.
  bool set_phi = false;
  // Phase φ = π·(g − 1/2) from the grey level g of this PNG (resampled to the object's side), so
  // φ ∈ [−π/2, π/2] and never wraps. "" = none. Not together with set_phi.
  std::string phase_image;
  // Seed of a synthetic generator.
  std::uint64_t seed = 1;
};

// The object, [S, S] complex64 (rows = y, columns = x), amplitude as the generator or the picture
// gives it (not yet normalised by the simulation). Throws std::invalid_argument naming the field for
// a size outside [64, 4096] or set_phi together with phase_image; IoError naming a picture that
// cannot be read.
torch::Tensor make_simulation_object(const ObjectRequest& request);

}  // namespace ptychopinn::simulate
