#include "ptychopinn/nets/cnn.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::nets {

namespace {

CnnOptions validated(const CnnOptions& options) {
  options.validate();
  return options;
}

// x must be [B, C, N, N] in the parameters' dtype and on their device.
void check_input(const torch::Tensor& x, const CnnOptions& o, const torch::Tensor& some_parameter) {
  constexpr const char* kWhere = "nets::CnnGenerator";
  const std::string expected_shape =
      "[B, " + std::to_string(o.channels_in()) + ", " + std::to_string(o.N) + ", " + std::to_string(o.N) +
      "] (C = gridsize^2 = " + std::to_string(o.channels_in()) + ", N = " + std::to_string(o.N) + ")";
  tensor_checks::require_dim(kWhere, "x", x, 4, expected_shape.c_str());
  if (x.size(1) != o.channels_in() || x.size(2) != o.N || x.size(3) != o.N) {
    tensor_checks::fail(kWhere, "x", tensor_checks::describe(x), expected_shape);
  }
  if (x.scalar_type() != some_parameter.scalar_type()) {
    tensor_checks::fail(kWhere, "x", tensor_checks::describe(x),
                        std::string("the module's dtype ") + std::string(some_parameter.dtype().name()) +
                            " (convert the input, or the module with ->to(dtype))");
  }
  tensor_checks::require_same_device(kWhere, "x", x, some_parameter);
}

}  // namespace

CnnGeneratorImpl::CnnGeneratorImpl(const CnnOptions& options)
    : options_(validated(options)),
      encoder_(register_module("encoder", CnnEncoder(options_))),
      decoder_amp_(register_module("decoder_amp", CnnDecoder(options_, DecoderKind::kAmplitude))),
      decoder_phase_(register_module("decoder_phase", CnnDecoder(options_, DecoderKind::kPhase))) {
  glorot_uniform_init(*this, kDefaultInitSeed);
  // One workspace for all layers: they run one after another.
  const auto workspace = std::make_shared<WinogradWorkspace>();
  for_each_block([&workspace](auto& block) { block.set_winograd_workspace(workspace); });
}

CnnOutput CnnGeneratorImpl::forward(const torch::Tensor& x) {
  check_input(x, options_, encoder_->parameters().front());
  const int64_t chunk = inference_chunk();
  if (!torch::GradMode::is_enabled() && x.is_cpu() && x.size(0) > chunk) {
    std::vector<torch::Tensor> amplitude, phase;
    for (const torch::Tensor& part : x.split(chunk)) {
      CnnOutput out = forward_batch(part);
      amplitude.push_back(std::move(out.amplitude));
      phase.push_back(std::move(out.phase));
    }
    return {torch::cat(amplitude), torch::cat(phase)};
  }
  return forward_batch(x);
}

int64_t CnnGeneratorImpl::inference_chunk() const {
  constexpr int64_t kActivationBudgetBytes = int64_t{16} << 20;
  const int64_t bytes_per_group =
      largest_activation_elements(options_) * encoder_->parameters().front().element_size();
  return std::max<int64_t>(1, kActivationBudgetBytes / std::max<int64_t>(1, bytes_per_group));
}

CnnOutput CnnGeneratorImpl::forward_batch(const torch::Tensor& x) {
  const auto format = activation_memory_format(x, cpu_memory_format_);
  const auto features = encoder_->forward(x, format);
  return {decoder_amp_->forward(features, format), decoder_phase_->forward(features, format)};
}

const CnnOptions& CnnGeneratorImpl::options() const { return options_; }

void CnnGeneratorImpl::set_cpu_memory_format(torch::MemoryFormat format) {
  if (format != torch::MemoryFormat::ChannelsLast && format != torch::MemoryFormat::Contiguous) {
    throw std::invalid_argument("nets::CnnGenerator::set_cpu_memory_format: format = " + c10::str(format) +
                                "; expected ChannelsLast or Contiguous");
  }
  cpu_memory_format_ = format;
}

torch::MemoryFormat CnnGeneratorImpl::cpu_memory_format() const { return cpu_memory_format_; }

template <typename Fn>
void CnnGeneratorImpl::for_each_block(Fn&& fn) {
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* block = m->as<ConvPoolBlockImpl>()) fn(*block);
    if (auto* block = m->as<ConvUpBlockImpl>()) fn(*block);
  }
}

void CnnGeneratorImpl::set_winograd(bool enabled) {
  for_each_block([enabled](auto& block) { block.set_winograd(enabled); });
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* head = m->as<CnnDecoderHeadImpl>()) head->set_own_kernels(enabled);
  }
  winograd_ = enabled;
}

bool CnnGeneratorImpl::winograd() const { return winograd_; }

}  // namespace ptychopinn::nets
