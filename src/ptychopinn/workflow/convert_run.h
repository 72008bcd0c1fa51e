#pragma once
// A whole conversion, as `ptychopinn convert` runs it: which format the input is (from its
// contents unless named), which way it goes, and the files it writes. Into the data contract:
// a tike NPZ (bzip2 or not), a CXI file, ptychodus' diffraction.h5 + product-in.h5; out of it:
// ptychodus' two files.
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn::workflow {

struct ConvertRunRequest {
  std::string input;          // the scan file, or ptychodus' folder
  std::string output;         // the contract NPZ, or (to ptychodus) the folder
  std::string from = "auto";  // auto (from the contents), tike, cxi, ptychodus or contract
  std::string to = "auto";    // auto (ptychodus for a contract NPZ, else contract), contract or ptychodus
  std::string product;        // ptychodus input: the product file (default product-in.h5 beside the patterns)
  double pixel_size_m = 0;    // to ptychodus: object pixel size (0 = the dataset's _metadata, else 5e-8)
  int64_t crop = 0;           // central N x N detector pixels (0 = all)
  double probe_scale = 4.0;   // probe normalised to mean amplitude 1/probe_scale in its disk
  int64_t subsample_every = 1;  // tike: keep frames i with i mod every = index
  int64_t subsample_index = 0;
};

struct ConvertRunResult {
  std::string from, to;               // the formats, as decided
  std::vector<std::string> warnings;  // the input dataset's contract warnings
  std::vector<std::string> notes;     // what was dropped, shifted or assumed
  std::vector<std::string> summary;   // one line per file written
};

// Throws std::invalid_argument for a combination that cannot run (naming the option and what to do
// instead), and what the readers and writers throw (IoError naming the file and key).
ConvertRunResult convert_run(const ConvertRunRequest& request);

// "K:R" (e.g. 2:0) as (every, index); throws std::invalid_argument naming the text otherwise.
std::pair<int64_t, int64_t> parse_subsample(const std::string& text);

}  // namespace ptychopinn::workflow
