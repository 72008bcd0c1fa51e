#include "ptychopinn/nets/cnn_blocks.h"

#include <utility>

#include "ptychopinn/nets/memory_layout.h"
#include "ptychopinn/nets/thin_conv3x3.h"

namespace ptychopinn::nets {

torch::nn::Conv2d same_conv3x3(int64_t in_channels, int64_t out_channels) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3).stride(1).padding(1));
}

torch::Tensor apply_conv3x3(torch::nn::Conv2d& conv, const torch::Tensor& x, bool own_kernels) {
  if (own_kernels && thin_conv3x3::pays(x, conv->weight, conv->bias))
    return thin_conv3x3::conv3x3(x, conv->weight, conv->bias);
  const bool one_dnn = !torch::GradMode::is_enabled() && x.dim() == 4 && x.size(0) == 1 && x.is_cpu() &&
                       x.scalar_type() == torch::kFloat && conv->weight.scalar_type() == torch::kFloat &&
                       at::hasMKLDNN() && at::globalContext().userEnabledMkldnn();
  if (!one_dnn) return conv(x);
  return at::mkldnn_convolution(x, conv->weight, conv->bias, /*padding=*/{1, 1}, /*stride=*/{1, 1},
                                /*dilation=*/{1, 1}, /*groups=*/1);
}

torch::Tensor conv3x3_relu(torch::nn::Conv2d& conv, WinogradConv3x3& winograd, const torch::Tensor& x,
                           torch::MemoryFormat format) {
  if (auto y = winograd.forward(conv->weight, conv->bias, x, format, /*relu=*/true)) return *std::move(y);
  return apply_conv3x3(conv, x, winograd.enabled()).contiguous(format).relu_();
}

torch::Tensor same_max_pool2x2(const torch::Tensor& x) {
  return torch::max_pool2d(x, /*kernel_size=*/{2, 2}, /*stride=*/{2, 2}, /*padding=*/{0, 0},
                           /*dilation=*/{1, 1},
                           /*ceil_mode=*/true);
}

torch::Tensor upsample_nearest2x(const torch::Tensor& x) {
  return torch::upsample_nearest2d(x, {2 * x.size(-2), 2 * x.size(-1)});
}

ConvPoolBlockImpl::ConvPoolBlockImpl(int64_t in_channels, int64_t out_channels)
    : conv1_(register_module("conv1", same_conv3x3(in_channels, out_channels))),
      conv2_(register_module("conv2", same_conv3x3(out_channels, out_channels))) {}

// In-place ReLUs: the conv outputs are temporaries, and relu_'s backward needs only its result.
// Inside a block the layout switch is a plain contiguous(format): a gradient hook on a tensor that
// relu_ then modifies in place gave wrong gradients in LibTorch 1.13. The block's output, never
// modified in place, gets the hook, so whatever layout the gradient from downstream has (narrow's
// backward, a loss), the block's backward runs in `format`.
torch::Tensor ConvPoolBlockImpl::forward(const torch::Tensor& x, torch::MemoryFormat format) {
  return in_memory_format(
      same_max_pool2x2(conv3x3_relu(conv2_, winograd2_, conv3x3_relu(conv1_, winograd1_, x, format), format)),
      format);
}

void ConvPoolBlockImpl::set_winograd(bool enabled) {
  winograd1_.set_enabled(enabled);
  winograd2_.set_enabled(enabled);
}

void ConvPoolBlockImpl::set_winograd_workspace(const std::shared_ptr<WinogradWorkspace>& workspace) {
  winograd1_.set_workspace(workspace);
  winograd2_.set_workspace(workspace);
}

ConvUpBlockImpl::ConvUpBlockImpl(int64_t in_channels, int64_t out_channels)
    : conv1_(register_module("conv1", same_conv3x3(in_channels, out_channels))),
      conv2_(register_module("conv2", same_conv3x3(out_channels, out_channels))) {}

torch::Tensor ConvUpBlockImpl::forward(const torch::Tensor& x, torch::MemoryFormat format) {
  return in_memory_format(upsample_nearest2x(conv3x3_relu(
                              conv2_, winograd2_, conv3x3_relu(conv1_, winograd1_, x, format), format)),
                          format);
}

void ConvUpBlockImpl::set_winograd(bool enabled) {
  winograd1_.set_enabled(enabled);
  winograd2_.set_enabled(enabled);
}

void ConvUpBlockImpl::set_winograd_workspace(const std::shared_ptr<WinogradWorkspace>& workspace) {
  winograd1_.set_workspace(workspace);
  winograd2_.set_workspace(workspace);
}

}  // namespace ptychopinn::nets
