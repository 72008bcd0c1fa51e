#pragma once
// CXI files (the Coherent X-ray Imaging format of the CXIDB, NeXus/HDF5), and their conversion to the
// data contract.
//
// Read: /entry_1/instrument_1/detector_1/{data (M, H, W) counts, distance, x_pixel_size,
// y_pixel_size, mask (H, W), optional}, /entry_1/instrument_1/source_1/{wavelength, or energy in J},
// /entry_1/sample_1/geometry_1/translation (M, 3) in metres, and an optional probe at
// /entry_1/instrument_1/source_1/illumination (H, W) complex.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "ptychopinn/convert/contract_data.h"

namespace ptychopinn::convert {

struct CxiScan {
  std::string path;
  torch::Tensor counts;         // [M, H, H] float32, as stored (CXI patterns are not fft-shifted)
  torch::Tensor bad_pixels;     // [H, H] bool, true where the mask is non-zero; undefined without a mask
  torch::Tensor translation_m;  // [M, 3] float64, the sample's translation
  double distance_m = 0;        // sample to detector
  double pixel_m = 0;           // detector pixel (x and y must agree)
  double wavelength_m = 0;
  torch::Tensor probe;  // [H, H] complex64 when the file has an illumination, else undefined
  std::vector<std::string> notes;
};

// Reads and checks a CXI file. Throws IoError naming the file for an unreadable or non-HDF5 file,
// and std::invalid_argument naming the file and the dataset path for a missing dataset, a wrong
// shape, non-square patterns, negative or non-finite counts, non-positive geometry, x and y pixel
// sizes that differ, or a translation count that differs from the pattern count.
CxiScan read_cxi_scan(const std::string& path);

struct CxiConvertOptions {
  // Central n x n detector pixels to keep (even, <= H); 0 keeps them all.
  int64_t crop = 0;
  // The probe is normalised to mean amplitude 1 / probe_scale inside its disk (> 0).
  double probe_scale = 4.0;
};

// The contract dataset of a CXI scan:
//  * object pixel = λ z / (n Δ_det) (n the kept pattern size), recorded in _metadata as
//    object_pixel_size_m;
//  * positions = −translation / object pixel (the probe moves over the sample opposite to the
//    sample's translation), x from the first and y from the second component, shifted so that the
//    smallest is n/2;
//  * amplitude = sqrt(counts), bad pixels (mask) set to 0, counted in _metadata and written (cropped)
//    as bad_pixels;
//  * the file's probe resampled to the crop, or, without one, the default disk probe (with a note:
//    train with --probe_trainable true then).
ContractData contract_from_cxi(const CxiScan& scan, const CxiConvertOptions& options);

}  // namespace ptychopinn::convert
