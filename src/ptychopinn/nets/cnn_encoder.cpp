#include "ptychopinn/nets/cnn_encoder.h"

#include "ptychopinn/nets/memory_layout.h"

namespace ptychopinn::nets {

CnnEncoderImpl::CnnEncoderImpl(const CnnOptions& options) {
  int64_t in_channels = options.channels_in();
  for (const int width : encoder_filters(options)) {
    blocks_.emplace_back(in_channels, width);
    block_list_->push_back(blocks_.back());
    in_channels = width;
  }
  register_module("blocks", block_list_);
}

torch::Tensor CnnEncoderImpl::forward(torch::Tensor x, torch::MemoryFormat format) {
  x = input_in_memory_format(x, format);
  for (auto& block : blocks_) x = block->forward(x, format);
  return x;
}

}  // namespace ptychopinn::nets
