#include "ptychopinn/nets/cnn_decoder.h"

#include "ptychopinn/nets/activations.h"
#include "ptychopinn/nets/memory_layout.h"
#include "ptychopinn/physics/canvas.h"

namespace ptychopinn::nets {

CnnDecoderHeadImpl::CnnDecoderHeadImpl(const CnnOptions& options, DecoderKind kind)
    : options_(options), kind_(kind) {
  const int64_t base_channels = decoder_filters(options).back();
  const int64_t out_channels = options.channels_out();
  if (options.pad_object) {
    conv1_ = register_module("conv1", same_conv3x3(base_channels - kRingChannels, out_channels));
  }
  if (options.probe_big || !options.pad_object) {
    const int64_t up_in = options.pad_object ? kRingChannels : base_channels;
    const int64_t up_width = head_up_filters(options);
    conv_up_block_ = register_module("conv_up_block", ConvUpBlock(up_in, up_width));
    conv2_ = register_module("conv2", same_conv3x3(up_width, out_channels));
  }
}

torch::Tensor CnnDecoderHeadImpl::activate(const torch::Tensor& x) const {
  return kind_ == DecoderKind::kAmplitude ? amplitude_activation(x, options_.amp_activation)
                                          : phase_activation(x);
}

torch::Tensor CnnDecoderHeadImpl::forward(const torch::Tensor& features, torch::MemoryFormat format) {
  // The outputs are small (Cout channels) and go to the physics, which expects plain NCHW.
  if (!options_.pad_object)
    return activate(apply_conv3x3(conv2_, conv_up_block_(features, format), own_kernels_)).contiguous();

  // narrow()'s backward returns NCHW gradients; in_memory_format converts them back (memory_layout.h).
  // (A no-op after a ConvUpBlock, whose output already carries that hook.)
  const auto split_from = in_memory_format(features, format);
  const int64_t n = options_.N;
  const int64_t split = features.size(1) - kRingChannels;
  // Activate before padding: the border of x1 is exactly zero whatever the activation.
  const auto x1 = torch::constant_pad_nd(
      activate(apply_conv3x3(conv1_, split_from.narrow(1, 0, split), own_kernels_)).contiguous(),
      {n / 4, n / 4, n / 4, n / 4});
  if (!options_.probe_big) return x1;

  // The ring always uses swish (both decoders), and keeps only what lies outside the central block.
  const auto x2 =
      swish(apply_conv3x3(conv2_, conv_up_block_(split_from.narrow(1, split, kRingChannels), format),
                          own_kernels_))
          .contiguous();
  const auto ring = 1 - physics::center_mask(n, x2.options());
  return x1 + x2 * ring;
}

void CnnDecoderHeadImpl::set_own_kernels(bool enabled) { own_kernels_ = enabled; }

CnnDecoderImpl::CnnDecoderImpl(const CnnOptions& options, DecoderKind kind) {
  int64_t in_channels = encoder_filters(options).back();
  for (const int width : decoder_filters(options)) {
    blocks_.emplace_back(in_channels, width);
    block_list_->push_back(blocks_.back());
    in_channels = width;
  }
  register_module("blocks", block_list_);
  head_ = register_module(kind == DecoderKind::kAmplitude ? "amp" : "phase", CnnDecoderHead(options, kind));
}

torch::Tensor CnnDecoderImpl::forward(torch::Tensor features, torch::MemoryFormat format) {
  for (auto& block : blocks_) features = block->forward(features, format);
  return head_->forward(features, format);
}

}  // namespace ptychopinn::nets
