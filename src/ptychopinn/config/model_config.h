#pragma once
// ModelConfig: the network and the physics of the forward model.
//
// Field names, types and defaults are the Python PtychoPINN's `ModelConfig`; they are the YAML
// keys. Two fields come from the legacy params dictionary, which the physics needs: `offset` and
// `max_position_jitter` (they size the overlap canvas, canvas_size()). Every field is also a row of
// model_fields(), which YAML, JSON, `--set`, CLI flags and the legacy params bridge all go through.
//
// Defaults are the "modern" profile (profiles.h); other profiles change some of them.
#include <optional>
#include <vector>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/field_table.h"

namespace ptychopinn::config {

struct ModelConfig {
  // Diffraction pattern and object patch size, px: 64, 128 or 256. Default 64. Must equal the
  // data's pattern size (a 128 px detector needs N = 128).
  int N = 64;
  // Patterns per group along one side; a group holds C = gridsize^2 neighbouring patterns that
  // share one overlap constraint. Default 1 (independent patterns); the paper uses 2.
  int gridsize = 1;
  // Width multiplier of the CNN's convolution filters (nfs). Default 2; lower it for speed, raise it
  // for capacity.
  int n_filters_scale = 2;
  // pinn (default): self-supervised through the diffraction loss; supervised: real-space loss
  // against ground-truth objects (needs `Y` in the data).
  ModelType model_type = ModelType::kPinn;
  // Generator network. Default and only supported value: cnn. The FNO family parses (reference
  // configs load) but validate() rejects it.
  Architecture architecture = Architecture::kCnn;
  // FNO generators only (unsupported here; kept so reference configs round-trip): spectral modes
  // (12), channel width (32), spectral blocks (4), CNN blocks (2).
  int fno_modes = 12;
  int fno_width = 32;
  int fno_blocks = 4;
  int fno_cnn_blocks = 2;
  // FNO generators only: learned input channels. Default 1.
  int learned_input_channels = 1;
  // FNO generators only: cap on hidden channels; null (default) = no cap.
  std::optional<int> max_hidden_channels;
  // FNO generators only: ResNet width; null (default) = the generator's own.
  std::optional<int> resnet_width;
  // FNO generators only: transform of the input amplitudes. Default none.
  FnoInputTransform fno_input_transform = FnoInputTransform::kNone;
  // FNO generators only: what the generator's output channels mean. Default real_imag.
  GeneratorOutputMode generator_output_mode = GeneratorOutputMode::kRealImag;
  // Activation of the amplitude decoder's output. Default sigmoid (the paper's); swish, softplus
  // and relu lift the [0, 1] bound on the amplitude.
  AmpActivation amp_activation = AmpActivation::kSigmoid;
  // Predict the object on the whole overlap canvas and merge the C patches of a group through it
  // (the overlap constraint; legacy `object.big`). Default true; false reconstructs each patch alone.
  bool object_big = true;
  // How object_big merges a group's patches (ours; physics/canvas.h). Default probe_weighted: each
  // patch weighted by the probe intensity it was seen with, as iterative solvers combine views,
  // which is right for any probe and gridsize. reference: the reference's formula (patch content
  // outside every central window gains 1000x, harmless only while the probe is dark there), for
  // reproducing the paper; co_masked masks the patches like the denominator. Recorded in the model
  // archive; an archive that does not record it was trained with reference.
  MergeDenominator merge_denominator = MergeDenominator::kProbeWeighted;
  // Let the decoders predict the outer ring of the patch, outside the probe's central region
  // (legacy `probe.big`). Default true; the paper (paper-2023) used false.
  bool probe_big = true;
  // Multiply the probe by a centred disk mask (legacy `probe.mask`). Default false; paper-2023 true.
  bool probe_mask = false;
  // Edge smoothing of the probe mask disk: Gaussian sigma in px, 0 = hard edge. Default 1.
  double probe_mask_sigma = 1.0;
  // Diameter of the probe mask disk, px; null (default) = N / 2.
  std::optional<double> probe_mask_diameter;
  // Predict the object at N/2 resolution in the central half of the patch, zero-padded to N
  // (the paper's decoder head). Default true; false predicts at full resolution.
  bool pad_object = true;
  // The probe is normalised to mean amplitude 1 / probe_scale inside its central disk. Default 4
  // (modern); the paper used 10. Must be > 0.
  double probe_scale = 4.0;
  // Gaussian smoothing of the predicted object, sigma in px; 0 (default) = none.
  double gaussian_smoothing_sigma = 0.0;
  // Nominal spacing of neighbouring scan positions within a group, px (legacy `offset`); sizes the
  // overlap canvas for gridsize > 1. Default 4.
  int offset = 4;
  // Margin of the overlap canvas for positions off the nominal grid, px (legacy
  // `max_position_jitter`). Default 10; raise it when relative positions reach beyond the canvas.
  int max_position_jitter = 10;

  // Throws ConfigError ("ModelConfig: <field> = <value>; expected ...") for a value outside its
  // range or an architecture this implementation does not have.
  void validate() const;

  // Field-by-field equality over model_fields() (floats compared exactly).
  bool operator==(const ModelConfig& other) const;
  bool operator!=(const ModelConfig& other) const { return !(*this == other); }
};

// Side of the overlap canvas, px: M = N + (gridsize - 1) * offset + max_position_jitter
// (legacy `padded_size`). N = 64: 74 at gridsize 1, 78 at gridsize 2.
int canvas_size(const ModelConfig& m);

// Patterns per group, C = gridsize^2.
int group_size(const ModelConfig& m);

// The field table of ModelConfig (keys, legacy keys, types, docs, accessors), in declaration order.
const std::vector<Field<ModelConfig>>& model_fields();

}  // namespace ptychopinn::config
