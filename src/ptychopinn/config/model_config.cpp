#include "ptychopinn/config/model_config.h"

#include <cmath>
#include <string>

namespace ptychopinn::config {
namespace {

constexpr const char* kModelWhere = "ModelConfig";

}  // namespace

const std::vector<Field<ModelConfig>>& model_fields() {
  using M = ModelConfig;
  static const std::vector<Field<M>> fields = {
      make_field("N", &M::N, "N",
                 "Diffraction pattern and object patch size, px: 64, 128 or 256 (default 64); "
                 "must equal the data's pattern size."),
      make_field("gridsize", &M::gridsize, "gridsize",
                 "Patterns per group along one side; C = gridsize^2 neighbouring patterns share "
                 "one overlap constraint (default 1; the paper uses 2)."),
      make_field("n_filters_scale", &M::n_filters_scale, "n_filters_scale",
                 "Width multiplier of the CNN filters (default 2)."),
      make_field("model_type", &M::model_type, "model_type",
                 "pinn: self-supervised through the diffraction loss (default); supervised: "
                 "real-space loss against ground truth."),
      make_field("architecture", &M::architecture, "architecture",
                 "Generator network (default cnn, the only one implemented; the FNO family is "
                 "rejected by validation)."),
      make_field("fno_modes", &M::fno_modes, "fno_modes", "FNO generators only: spectral modes (12)."),
      make_field("fno_width", &M::fno_width, "fno_width", "FNO generators only: channel width (32)."),
      make_field("fno_blocks", &M::fno_blocks, "fno_blocks", "FNO generators only: spectral blocks (4)."),
      make_field("fno_cnn_blocks", &M::fno_cnn_blocks, "fno_cnn_blocks",
                 "FNO generators only: CNN blocks (2)."),
      make_field("learned_input_channels", &M::learned_input_channels, "learned_input_channels",
                 "FNO generators only: learned input channels (1)."),
      make_field("max_hidden_channels", &M::max_hidden_channels, "max_hidden_channels",
                 "FNO generators only: cap on hidden channels (null = none)."),
      make_field("resnet_width", &M::resnet_width, "resnet_width",
                 "FNO generators only: ResNet width (null = the generator's own)."),
      make_field("fno_input_transform", &M::fno_input_transform, "fno_input_transform",
                 "FNO generators only: input amplitude transform (none)."),
      make_field("generator_output_mode", &M::generator_output_mode, "generator_output_mode",
                 "FNO generators only: meaning of the output channels (real_imag)."),
      make_field(
          "amp_activation", &M::amp_activation, "amp_activation",
          "Amplitude decoder output activation: sigmoid (default, as in the paper; |O| <= 1), swish, "
          "softplus (no ceiling: for patterns brighter than a fully transmitting object gives) or relu."),
      make_field("object_big", &M::object_big, "object.big",
                 "Predict the object on the overlap canvas and merge each group's patches through "
                 "it (default true)."),
      make_field("merge_denominator", &M::merge_denominator, "",
                 "object_big merge: probe_weighted (each patch weighted by the probe intensity, right "
                 "for any probe; default), reference (the paper's formula: the patch border gains "
                 "1000x, harmless only with a probe dark there) or co_masked (only the central "
                 "windows merge)."),
      make_field("probe_big", &M::probe_big, "probe.big",
                 "Decoders also predict the patch's outer ring (default true; paper-2023 false)."),
      make_field("probe_mask", &M::probe_mask, "probe.mask",
                 "Multiply the probe by a centred disk mask (default false; paper-2023 true)."),
      make_field("probe_mask_sigma", &M::probe_mask_sigma, "probe_mask_sigma",
                 "Gaussian edge smoothing of the probe mask, px; 0 = hard edge (default 1)."),
      make_field("probe_mask_diameter", &M::probe_mask_diameter, "probe_mask_diameter",
                 "Probe mask disk diameter, px (null = N/2, the default)."),
      make_field("pad_object", &M::pad_object, "pad_object",
                 "Predict the object at N/2 resolution in the patch centre, zero-padded to N "
                 "(default true)."),
      make_field("probe_scale", &M::probe_scale, "probe_scale",
                 "Probe normalised to mean amplitude 1/probe_scale in its central disk (default 4; "
                 "the paper used 10)."),
      make_field("gaussian_smoothing_sigma", &M::gaussian_smoothing_sigma, "gaussian_smoothing_sigma",
                 "Gaussian smoothing of the predicted object, px; 0 = none (default)."),
      make_field("offset", &M::offset, "offset",
                 "Nominal spacing of scan positions within a group, px; sizes the overlap canvas "
                 "(default 4)."),
      make_field("max_position_jitter", &M::max_position_jitter, "max_position_jitter",
                 "Canvas margin for positions off the nominal grid, px (default 10)."),
  };
  return fields;
}

void ModelConfig::validate() const {
  require(N == 64 || N == 128 || N == 256, kModelWhere, "N", describe_value(N), "one of 64, 128, 256");
  require(gridsize >= 1, kModelWhere, "gridsize", describe_value(gridsize), ">= 1");
  require(n_filters_scale >= 1, kModelWhere, "n_filters_scale", describe_value(n_filters_scale), ">= 1");
  require(architecture == Architecture::kCnn, kModelWhere, "architecture", to_string(architecture),
          "cnn ('" + to_string(architecture) +
              "' is a reference generator not yet supported in this implementation)");
  require(fno_modes >= 1, kModelWhere, "fno_modes", describe_value(fno_modes), ">= 1");
  require(fno_width >= 1, kModelWhere, "fno_width", describe_value(fno_width), ">= 1");
  require(fno_blocks >= 1, kModelWhere, "fno_blocks", describe_value(fno_blocks), ">= 1");
  require(fno_cnn_blocks >= 0, kModelWhere, "fno_cnn_blocks", describe_value(fno_cnn_blocks), ">= 0");
  require(learned_input_channels >= 1, kModelWhere, "learned_input_channels",
          describe_value(learned_input_channels), ">= 1");
  if (max_hidden_channels) {
    require(*max_hidden_channels >= 1, kModelWhere, "max_hidden_channels",
            describe_value(*max_hidden_channels), ">= 1 or null");
  }
  if (resnet_width) {
    require(*resnet_width >= 1, kModelWhere, "resnet_width", describe_value(*resnet_width), ">= 1 or null");
  }
  // Written as !(x >= 0) and the like so that NaN fails too.
  require(probe_mask_sigma >= 0, kModelWhere, "probe_mask_sigma", describe_value(probe_mask_sigma), ">= 0");
  if (probe_mask_diameter) {
    require(*probe_mask_diameter > 0, kModelWhere, "probe_mask_diameter",
            describe_value(*probe_mask_diameter), "> 0 or null");
  }
  require(probe_scale > 0 && std::isfinite(probe_scale), kModelWhere, "probe_scale",
          describe_value(probe_scale), "> 0");
  require(gaussian_smoothing_sigma >= 0, kModelWhere, "gaussian_smoothing_sigma",
          describe_value(gaussian_smoothing_sigma), ">= 0");
  require(offset >= 0, kModelWhere, "offset", describe_value(offset), ">= 0");
  require(max_position_jitter >= 0, kModelWhere, "max_position_jitter", describe_value(max_position_jitter),
          ">= 0");
}

bool ModelConfig::operator==(const ModelConfig& other) const {
  return fields_equal(model_fields(), *this, other);
}

int canvas_size(const ModelConfig& m) { return m.N + (m.gridsize - 1) * m.offset + m.max_position_jitter; }

int group_size(const ModelConfig& m) { return m.gridsize * m.gridsize; }

}  // namespace ptychopinn::config
