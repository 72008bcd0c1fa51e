#pragma once
// ptychodus' assembled diffraction file (HDF5): what ptychodus' export_assembled_patterns writes
// and import_assembled_patterns reads (its diffraction dataset module; the batch layout's
// diffraction.h5):
//   patterns    [N, H, W]  detector counts, any numeric type (ptychodus keeps the source's, often
//                          uint16), DC near the centre (ptychodus does no fftshift)
//   indexes     [N]        integer pattern labels; a product's probe_position_indexes refer to rows
//                          of `patterns` (ptychodus matches them with numpy.take)
//   bad_pixels  [H, W]     bool (h5py's enum {FALSE, TRUE} of int8), True = bad
// ptychodus writes all three with compression='lzf' (io/lzf_filter.h).
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn::io {

struct AssembledDiffraction {
  std::int64_t count = 0;                // N
  std::int64_t height = 0;               // H
  std::int64_t width = 0;                // W
  std::vector<float> patterns;           // [N, H, W] row-major, counts as float32
  std::vector<std::int64_t> indexes;     // [N]
  std::vector<std::uint8_t> bad_pixels;  // [H, W] row-major, 1 = bad
  std::string stored_type;               // on read: the file's pattern type ("uint16", "float32", ...)

  // Throws std::invalid_argument naming the field for a size that does not match the shape, a
  // dimension < 1, a count that is negative or not finite (naming the pattern and pixel), or a
  // negative or repeated index.
  void validate() const;
};

// Writes `data` to `path` (atomically), patterns as float32, indexes as int64, bad_pixels as h5py's
// bool, each LZF-compressed in chunks of whole patterns, as ptychodus does. Throws
// std::invalid_argument (validate) before touching the file system and IoError naming `path` when
// it cannot be written.
void write_assembled_diffraction(const std::string& path, const AssembledDiffraction& data);

// Reads an assembled diffraction file (ours or ptychodus'; compressed with LZF, gzip or not at
// all). `indexes` defaults to 0..N-1 and `bad_pixels` to none bad when absent (with a note in
// `notes`). Throws IoError naming `path` for a missing, non-HDF5 or corrupt file, a missing
// 'patterns' dataset, or a dataset of the wrong rank, type or length (named). Values are returned
// as stored: call validate() to check them.
AssembledDiffraction read_assembled_diffraction(const std::string& path,
                                                std::vector<std::string>* notes = nullptr);

}  // namespace ptychopinn::io
