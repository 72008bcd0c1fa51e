#pragma once
// The paper CNN's encoder: a stack of Conv_Pool blocks, widths encoder_filters(), from
// the C input patterns down to the 8 x 8 x 128 nfs bottleneck. No skip connections leave it.
#include <torch/torch.h>

#include <vector>

#include "ptychopinn/nets/cnn_blocks.h"
#include "ptychopinn/nets/cnn_options.h"

namespace ptychopinn::nets {

class CnnEncoderImpl : public torch::nn::Module {
 public:
  // Throws std::invalid_argument for invalid options (CnnOptions::validate).
  explicit CnnEncoderImpl(const CnnOptions& options);
  //   x: [B, C, N, N] floating -> [B, 128 nfs, 8, 8], computed in `format` (memory_layout.h)
  torch::Tensor forward(torch::Tensor x, torch::MemoryFormat format = torch::MemoryFormat::Contiguous);

 private:
  // Registered as "blocks.<i>" (the ptycho_torch names); blocks_ keeps typed handles to them.
  torch::nn::ModuleList block_list_;
  std::vector<ConvPoolBlock> blocks_;
};
TORCH_MODULE(CnnEncoder);

}  // namespace ptychopinn::nets
