#pragma once
// Every enumerated setting of the configuration.
//
// Each enum has a to_string / parse_<enum> pair, and that pair is the only table of valid
// spellings: YAML and JSON files, `--set`, generated CLI flags, the legacy params dictionary and the
// Python bindings all go through it. Spellings are the Python PtychoPINN's (including the
// capitalised scheduler names), matched exactly (case-sensitive). A parse error is a ConfigError
// naming the field, listing the valid spellings and suggesting the closest one.
#include <array>
#include <string>
#include <vector>

namespace ptychopinn::config {

// ModelConfig::model_type: what supervises the network.
enum class ModelType {
  kPinn,        // "pinn": self-supervised through the physics (diffraction) loss
  kSupervised,  // "supervised": real-space loss against ground-truth objects
};

// ModelConfig::architecture: the generator network. Only kCnn is implemented here; the others
// parse (so reference configs load) but ModelConfig::validate() rejects them.
enum class Architecture {
  kCnn,          // "cnn": the paper's encoder + two decoders
  kFfno,         // "ffno"
  kFno,          // "fno"
  kFnoVanilla,   // "fno_vanilla"
  kNeuralopUno,  // "neuralop_uno"
};

// ModelConfig::fno_input_transform (FNO generators only).
enum class FnoInputTransform { kNone, kSqrt, kLog1p, kInstanceNorm };  // none sqrt log1p instancenorm

// ModelConfig::generator_output_mode (FNO generators only).
enum class GeneratorOutputMode {
  kRealImag,
  kAmpPhaseLogits,
  kAmpPhase
};  // real_imag amp_phase_logits amp_phase

// ModelConfig::amp_activation: the amplitude decoder's output activation.
enum class AmpActivation { kSigmoid, kSwish, kSoftplus, kRelu };  // sigmoid swish softplus relu

// ModelConfig::merge_denominator: how object_big merges a group's patches (physics::merge takes
// it; the model archive records it). probe_weighted: each patch weighted by the probe intensity it
// was seen with (correct for any probe; the default); reference: the reference's formula, which
// gains 1000x outside the central windows; co_masked: the numerator masked like the denominator
// (the Torch port's fix).
enum class MergeDenominator { kReference, kCoMasked, kProbeWeighted };  // reference co_masked probe_weighted

// TrainingConfig/InferenceConfig::backend. Only "libtorch" exists; "pytorch" is accepted as an
// alias (parsed to kLibtorch); "tensorflow" is refused with a message saying what to do instead.
enum class Backend { kLibtorch };

// TrainingConfig::torch_loss_mode: the diffraction loss.
enum class TorchLossMode { kPoisson, kMae };  // poisson mae

// TrainingConfig::gradient_clip_algorithm (used only when gradient_clip_val is set).
enum class GradientClipAlgorithm { kNorm, kValue, kAgc };  // norm value agc

// TrainingConfig::optimizer.
enum class Optimizer { kAdam, kAdamW, kSgd };  // adam adamw sgd

// TrainingConfig::scheduler: the learning-rate schedule.
enum class Scheduler {
  kDefault,            // "Default": constant learning rate
  kExponential,        // "Exponential": lr *= 0.95 per epoch
  kWarmupCosine,       // "WarmupCosine": linear warm-up, cosine decay to lr_min_ratio * lr
  kReduceLROnPlateau,  // "ReduceLROnPlateau": plateau_* fields, on the validation loss
};

// RuntimeConfig::device. kAuto picks CUDA when LibTorch sees a GPU, else the CPU.
enum class Device { kAuto, kCpu, kCuda };  // auto cpu cuda

// The named base layer of settings (profiles.h).
enum class Profile { kModern, kPaper2023, kGridLines };  // modern paper-2023 grid-lines

std::string to_string(ModelType v);
std::string to_string(Architecture v);
std::string to_string(FnoInputTransform v);
std::string to_string(GeneratorOutputMode v);
std::string to_string(AmpActivation v);
std::string to_string(MergeDenominator v);
std::string to_string(Backend v);
std::string to_string(TorchLossMode v);
std::string to_string(GradientClipAlgorithm v);
std::string to_string(Optimizer v);
std::string to_string(Scheduler v);
std::string to_string(Device v);
std::string to_string(Profile v);

// Each throws ConfigError (no origin; callers add it) for a spelling outside the table.
ModelType parse_model_type(const std::string& s);
Architecture parse_architecture(const std::string& s);
FnoInputTransform parse_fno_input_transform(const std::string& s);
GeneratorOutputMode parse_generator_output_mode(const std::string& s);
AmpActivation parse_amp_activation(const std::string& s);
MergeDenominator parse_merge_denominator(const std::string& s);
Backend parse_backend(const std::string& s);
TorchLossMode parse_torch_loss_mode(const std::string& s);
GradientClipAlgorithm parse_gradient_clip_algorithm(const std::string& s);
Optimizer parse_optimizer(const std::string& s);
Scheduler parse_scheduler(const std::string& s);
Device parse_device(const std::string& s);
Profile parse_profile(const std::string& s);

// EnumInfo<E>: the config key an enum belongs to, its values, and its parse function, so that the
// field table and the generic parser can treat every enum alike. Spellings come from to_string.
template <class E>
struct EnumInfo;

#define PTYCHOPINN_CONFIG_ENUM_INFO(E, key, parse_fn, ...)       \
  template <>                                                    \
  struct EnumInfo<E> {                                           \
    static constexpr const char* kKey = key;                     \
    static constexpr std::array kValues = {__VA_ARGS__};         \
    static E parse(const std::string& s) { return parse_fn(s); } \
  };

PTYCHOPINN_CONFIG_ENUM_INFO(ModelType, "model_type", parse_model_type, ModelType::kPinn,
                            ModelType::kSupervised)
PTYCHOPINN_CONFIG_ENUM_INFO(Architecture, "architecture", parse_architecture, Architecture::kCnn,
                            Architecture::kFfno, Architecture::kFno, Architecture::kFnoVanilla,
                            Architecture::kNeuralopUno)
PTYCHOPINN_CONFIG_ENUM_INFO(FnoInputTransform, "fno_input_transform", parse_fno_input_transform,
                            FnoInputTransform::kNone, FnoInputTransform::kSqrt, FnoInputTransform::kLog1p,
                            FnoInputTransform::kInstanceNorm)
PTYCHOPINN_CONFIG_ENUM_INFO(GeneratorOutputMode, "generator_output_mode", parse_generator_output_mode,
                            GeneratorOutputMode::kRealImag, GeneratorOutputMode::kAmpPhaseLogits,
                            GeneratorOutputMode::kAmpPhase)
PTYCHOPINN_CONFIG_ENUM_INFO(AmpActivation, "amp_activation", parse_amp_activation, AmpActivation::kSigmoid,
                            AmpActivation::kSwish, AmpActivation::kSoftplus, AmpActivation::kRelu)
PTYCHOPINN_CONFIG_ENUM_INFO(MergeDenominator, "merge_denominator", parse_merge_denominator,
                            MergeDenominator::kReference, MergeDenominator::kCoMasked,
                            MergeDenominator::kProbeWeighted)
PTYCHOPINN_CONFIG_ENUM_INFO(Backend, "backend", parse_backend, Backend::kLibtorch)
PTYCHOPINN_CONFIG_ENUM_INFO(TorchLossMode, "torch_loss_mode", parse_torch_loss_mode, TorchLossMode::kPoisson,
                            TorchLossMode::kMae)
PTYCHOPINN_CONFIG_ENUM_INFO(GradientClipAlgorithm, "gradient_clip_algorithm", parse_gradient_clip_algorithm,
                            GradientClipAlgorithm::kNorm, GradientClipAlgorithm::kValue,
                            GradientClipAlgorithm::kAgc)
PTYCHOPINN_CONFIG_ENUM_INFO(Optimizer, "optimizer", parse_optimizer, Optimizer::kAdam, Optimizer::kAdamW,
                            Optimizer::kSgd)
PTYCHOPINN_CONFIG_ENUM_INFO(Scheduler, "scheduler", parse_scheduler, Scheduler::kDefault,
                            Scheduler::kExponential, Scheduler::kWarmupCosine, Scheduler::kReduceLROnPlateau)
PTYCHOPINN_CONFIG_ENUM_INFO(Device, "device", parse_device, Device::kAuto, Device::kCpu, Device::kCuda)
PTYCHOPINN_CONFIG_ENUM_INFO(Profile, "profile", parse_profile, Profile::kModern, Profile::kPaper2023,
                            Profile::kGridLines)

#undef PTYCHOPINN_CONFIG_ENUM_INFO

// The valid spellings of E, in declaration order: {"pinn", "supervised"}.
template <class E>
std::vector<std::string> enum_spellings() {
  std::vector<std::string> out;
  for (E v : EnumInfo<E>::kValues) out.push_back(to_string(v));
  return out;
}

}  // namespace ptychopinn::config
