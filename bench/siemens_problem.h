#pragma once
// The Siemens-star scan of the shared datasets folder (PTYCHOPINN_SHARED_DIR/datasets) as an
// iterative-engine problem, converted as `ptychopinn convert` does (shared by the iterative
// benchmarks).
#include <string>

#include "ptychopinn/convert/tike_scan.h"
#include "ptychopinn/iterative/iterative_problem.h"

#ifndef PTYCHOPINN_SHARED_DIR
#define PTYCHOPINN_SHARED_DIR "../shared"
#endif

namespace ptychopinn::bench {

inline convert::TikeScan read_siemens_scan() {
  return convert::read_tike_scan(std::string(PTYCHOPINN_SHARED_DIR) + "/datasets/siemens-star-small.npz.bz2");
}

// The scan at detector crop `crop` (0 = the whole 128 x 128 detector), keeping frames i with
// i mod every = index (1, 0: all).
inline iterative::IterativeProblem siemens_problem(const convert::TikeScan& scan, int64_t crop,
                                                   int64_t every = 1, int64_t index = 0) {
  convert::TikeConvertOptions o;
  o.crop = crop;
  o.subsample_every = every;
  o.subsample_index = index;
  const convert::ContractData d = convert::contract_from_tike(scan, o);
  iterative::IterativeProblem p;
  p.source = "siemens-star";
  p.amplitudes = d.diffraction;
  p.positions_px =
      torch::stack({torch::tensor(d.xcoords, torch::kDouble), torch::tensor(d.ycoords, torch::kDouble)}, 1);
  p.probe = d.probe;
  return p;
}

}  // namespace ptychopinn::bench
