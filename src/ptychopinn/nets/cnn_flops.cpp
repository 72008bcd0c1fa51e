#include "ptychopinn/nets/cnn_flops.h"

#include <algorithm>

namespace ptychopinn::nets {

namespace {

void add_conv(std::vector<ConvLayerShape>& layers, int64_t in, int64_t out, int64_t side) {
  ConvLayerShape layer;
  layer.in_channels = in;
  layer.out_channels = out;
  layer.height = side;
  layer.width = side;
  layers.push_back(layer);
}

// The layers of one decoder (they are the same for amplitude and phase), appended to layers.
void add_decoder(std::vector<ConvLayerShape>& layers, const CnnOptions& o, int64_t bottleneck_channels,
                 int64_t bottleneck_side) {
  int64_t in = bottleneck_channels, side = bottleneck_side;
  for (const int width : decoder_filters(o)) {
    add_conv(layers, in, width, side);
    add_conv(layers, width, width, side);
    in = width;
    side *= 2;  // nearest upsampling
  }
  const int64_t up = head_up_filters(o), out = o.channels_out();
  if (o.pad_object) add_conv(layers, in - kRingChannels, out, side);
  if (o.probe_big || !o.pad_object) {
    add_conv(layers, o.pad_object ? kRingChannels : in, up, side);
    add_conv(layers, up, up, side);
    add_conv(layers, up, out, 2 * side);
  }
}

}  // namespace

double ConvLayerShape::flops() const {
  return 2.0 * static_cast<double>(in_channels * out_channels * kernel * kernel) *
         static_cast<double>(height * width);
}

std::vector<ConvLayerShape> conv_layer_shapes(const CnnOptions& options) {
  std::vector<ConvLayerShape> layers;
  int64_t in = options.channels_in(), side = options.N;
  for (const int width : encoder_filters(options)) {
    add_conv(layers, in, width, side);
    add_conv(layers, width, width, side);
    in = width;
    side /= 2;  // max pooling
  }
  add_decoder(layers, options, in, side);
  add_decoder(layers, options, in, side);
  return layers;
}

double forward_flops(const CnnOptions& options) {
  double total = 0;
  for (const auto& layer : conv_layer_shapes(options)) total += layer.flops();
  return total;
}

int64_t largest_activation_elements(const CnnOptions& options) {
  int64_t largest = 0;
  for (const auto& layer : conv_layer_shapes(options)) {
    largest = std::max(largest, layer.out_channels * layer.height * layer.width);
  }
  return largest;
}

}  // namespace ptychopinn::nets
