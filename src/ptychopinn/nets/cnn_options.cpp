#include "ptychopinn/nets/cnn_options.h"

#include <stdexcept>
#include <string>

namespace ptychopinn::nets {

namespace {

[[noreturn]] void fail(const char* field, int value, const char* expected) {
  throw std::invalid_argument(std::string("nets::CnnOptions: ") + field + " = " + std::to_string(value) +
                              "; expected " + expected);
}

std::vector<int> scaled(std::vector<int> widths, int n_filters_scale) {
  for (int& w : widths) w *= n_filters_scale;
  return widths;
}

}  // namespace

CnnOptions CnnOptions::from(const config::ModelConfig& m) {
  CnnOptions o;
  o.N = m.N;
  o.gridsize = m.gridsize;
  o.n_filters_scale = m.n_filters_scale;
  o.object_big = m.object_big;
  o.probe_big = m.probe_big;
  o.pad_object = m.pad_object;
  o.amp_activation = m.amp_activation;
  return o;
}

int CnnOptions::channels_in() const { return gridsize * gridsize; }

int CnnOptions::channels_out() const { return object_big ? channels_in() : 1; }

void CnnOptions::validate() const {
  if (N != 64 && N != 128 && N != 256) {
    fail("N", N, "64, 128 or 256 (the paper CNN's encoder and decoder depths exist only for these)");
  }
  if (gridsize < 1) fail("gridsize", gridsize, ">= 1");
  if (n_filters_scale < 1) fail("n_filters_scale", n_filters_scale, ">= 1");
}

std::vector<int> encoder_filters(const CnnOptions& options) {
  options.validate();
  switch (options.N) {
    case 64:
      return scaled({32, 64, 128}, options.n_filters_scale);
    case 128:
      return scaled({16, 32, 64, 128}, options.n_filters_scale);
    default:
      return scaled({8, 16, 32, 64, 128}, options.n_filters_scale);  // 256
  }
}

std::vector<int> decoder_filters(const CnnOptions& options) {
  options.validate();
  switch (options.N) {
    case 64:
      return scaled({64, 32}, options.n_filters_scale);
    case 128:
      return scaled({128, 64, 32}, options.n_filters_scale);
    default:
      return scaled({256, 128, 64, 32}, options.n_filters_scale);  // 256
  }
}

int head_up_filters(const CnnOptions& options) {
  options.validate();
  return options.n_filters_scale * 2048 / options.N;
}

}  // namespace ptychopinn::nets
