#include "ptychopinn/config/enums.h"

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::config {
namespace {

// The one parse loop: match s against to_string of every value of E.
template <class E>
E parse_enum(const std::string& s) {
  for (E v : EnumInfo<E>::kValues) {
    if (to_string(v) == s) return v;
  }
  const std::vector<std::string> valid = enum_spellings<E>();
  throw ConfigError("", EnumInfo<E>::kKey,
                    std::string(EnumInfo<E>::kKey) + " = " + quoted(s) + "; expected one of " +
                        join(valid, ", ") + did_you_mean(s, valid));
}

}  // namespace

std::string to_string(ModelType v) {
  switch (v) {
    case ModelType::kPinn:
      return "pinn";
    case ModelType::kSupervised:
      return "supervised";
  }
  return "?";
}

std::string to_string(Architecture v) {
  switch (v) {
    case Architecture::kCnn:
      return "cnn";
    case Architecture::kFfno:
      return "ffno";
    case Architecture::kFno:
      return "fno";
    case Architecture::kFnoVanilla:
      return "fno_vanilla";
    case Architecture::kNeuralopUno:
      return "neuralop_uno";
  }
  return "?";
}

std::string to_string(FnoInputTransform v) {
  switch (v) {
    case FnoInputTransform::kNone:
      return "none";
    case FnoInputTransform::kSqrt:
      return "sqrt";
    case FnoInputTransform::kLog1p:
      return "log1p";
    case FnoInputTransform::kInstanceNorm:
      return "instancenorm";
  }
  return "?";
}

std::string to_string(GeneratorOutputMode v) {
  switch (v) {
    case GeneratorOutputMode::kRealImag:
      return "real_imag";
    case GeneratorOutputMode::kAmpPhaseLogits:
      return "amp_phase_logits";
    case GeneratorOutputMode::kAmpPhase:
      return "amp_phase";
  }
  return "?";
}

std::string to_string(AmpActivation v) {
  switch (v) {
    case AmpActivation::kSigmoid:
      return "sigmoid";
    case AmpActivation::kSwish:
      return "swish";
    case AmpActivation::kSoftplus:
      return "softplus";
    case AmpActivation::kRelu:
      return "relu";
  }
  return "?";
}

std::string to_string(MergeDenominator v) {
  switch (v) {
    case MergeDenominator::kReference:
      return "reference";
    case MergeDenominator::kCoMasked:
      return "co_masked";
    case MergeDenominator::kProbeWeighted:
      return "probe_weighted";
  }
  return "?";
}

std::string to_string(Backend v) {
  switch (v) {
    case Backend::kLibtorch:
      return "libtorch";
  }
  return "?";
}

std::string to_string(TorchLossMode v) {
  switch (v) {
    case TorchLossMode::kPoisson:
      return "poisson";
    case TorchLossMode::kMae:
      return "mae";
  }
  return "?";
}

std::string to_string(GradientClipAlgorithm v) {
  switch (v) {
    case GradientClipAlgorithm::kNorm:
      return "norm";
    case GradientClipAlgorithm::kValue:
      return "value";
    case GradientClipAlgorithm::kAgc:
      return "agc";
  }
  return "?";
}

std::string to_string(Optimizer v) {
  switch (v) {
    case Optimizer::kAdam:
      return "adam";
    case Optimizer::kAdamW:
      return "adamw";
    case Optimizer::kSgd:
      return "sgd";
  }
  return "?";
}

std::string to_string(Scheduler v) {
  switch (v) {
    case Scheduler::kDefault:
      return "Default";
    case Scheduler::kExponential:
      return "Exponential";
    case Scheduler::kWarmupCosine:
      return "WarmupCosine";
    case Scheduler::kReduceLROnPlateau:
      return "ReduceLROnPlateau";
  }
  return "?";
}

std::string to_string(Device v) {
  switch (v) {
    case Device::kAuto:
      return "auto";
    case Device::kCpu:
      return "cpu";
    case Device::kCuda:
      return "cuda";
  }
  return "?";
}

std::string to_string(Profile v) {
  switch (v) {
    case Profile::kModern:
      return "modern";
    case Profile::kPaper2023:
      return "paper-2023";
    case Profile::kGridLines:
      return "grid-lines";
  }
  return "?";
}

ModelType parse_model_type(const std::string& s) { return parse_enum<ModelType>(s); }
Architecture parse_architecture(const std::string& s) { return parse_enum<Architecture>(s); }
FnoInputTransform parse_fno_input_transform(const std::string& s) { return parse_enum<FnoInputTransform>(s); }
GeneratorOutputMode parse_generator_output_mode(const std::string& s) {
  return parse_enum<GeneratorOutputMode>(s);
}
AmpActivation parse_amp_activation(const std::string& s) { return parse_enum<AmpActivation>(s); }
MergeDenominator parse_merge_denominator(const std::string& s) { return parse_enum<MergeDenominator>(s); }
TorchLossMode parse_torch_loss_mode(const std::string& s) { return parse_enum<TorchLossMode>(s); }
GradientClipAlgorithm parse_gradient_clip_algorithm(const std::string& s) {
  return parse_enum<GradientClipAlgorithm>(s);
}
Optimizer parse_optimizer(const std::string& s) { return parse_enum<Optimizer>(s); }
Scheduler parse_scheduler(const std::string& s) { return parse_enum<Scheduler>(s); }
Device parse_device(const std::string& s) { return parse_enum<Device>(s); }
Profile parse_profile(const std::string& s) { return parse_enum<Profile>(s); }

Backend parse_backend(const std::string& s) {
  // The Python reference spells its Torch backend "pytorch"; configs written for it run here.
  if (s == "pytorch") return Backend::kLibtorch;
  if (s == "tensorflow") {
    throw ConfigError("", "backend",
                      "backend = 'tensorflow'; expected libtorch (or its alias pytorch): this is "
                      "the LibTorch implementation of PtychoPINN and has no TensorFlow backend; "
                      "set backend: libtorch (or drop the key) to run here, or use the Python "
                      "PtychoPINN for TensorFlow");
  }
  return parse_enum<Backend>(s);
}

}  // namespace ptychopinn::config
