#include "ptychopinn/nets/winograd_conv3x3.h"

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ptychopinn/nets/conv3x3_args.h"
#include "ptychopinn/nets/winograd_gemm.h"

#if PTYCHOPINN_HAVE_ONEDNN
#include <dnnl.hpp>
#endif

namespace ptychopinn::nets {

#if PTYCHOPINN_HAVE_ONEDNN

namespace {

using dnnl::memory;
using Args = std::unordered_map<int, memory>;

// oneDNN's description of a float32 tensor's memory as LibTorch lays it out: logical dimensions in
// NCHW order, with the tensor's own strides (so channels-last, NCHW and sliced tensors all read in
// place).
memory::desc strided_desc(const torch::Tensor& t) {
  return memory::desc(memory::dims(t.sizes().begin(), t.sizes().end()), memory::data_type::f32,
                      memory::dims(t.strides().begin(), t.strides().end()));
}

// A tensor whose memory is exactly a oneDNN memory of description `desc` (for blocked layouts that
// outlive one call: transformed weights, weight gradients).
torch::Tensor storage_for(const memory::desc& desc) {
  const auto floats = static_cast<int64_t>((desc.get_size() + sizeof(float) - 1) / sizeof(float));
  return torch::empty({std::max<int64_t>(floats, 1)}, torch::kFloat);
}

// Zero or overlapping strides (an expanded tensor) are not a layout a reorder reads.
torch::Tensor readable(const torch::Tensor& t, torch::MemoryFormat format) {
  return t.is_contiguous(torch::MemoryFormat::ChannelsLast) || t.is_contiguous() ? t : t.contiguous(format);
}

constexpr int64_t kChannelsLast = 0, kContiguous = 1;  // a format as a number autograd can save

}  // namespace

struct WinogradConv3x3::State {
  // What a plan is made for: the problem's shape, whether ReLU is fused (inference), whether it is
  // for training (forward, backward-data and backward-weights primitives), and the number of
  // threads. oneDNN divides the work among the threads it sees when a primitive is made and keeps
  // that division: a plan made on one thread runs on one, and the order of the sums in the
  // transformed domain follows the division, so results differ in the last bits between thread
  // counts (and are the same from run to run for one count).
  struct Shape {
    int64_t batch, in, out, height, width;
    bool relu, training;
    int threads = at::get_num_threads();
    bool operator==(const Shape& o) const {
      return batch == o.batch && in == o.in && out == o.out && height == o.height && width == o.width &&
             relu == o.relu && training == o.training && threads == o.threads;
    }
  };

  struct Plan {
    Shape shape;
    dnnl::convolution_forward::primitive_desc forward_pd;
    dnnl::convolution_forward forward;
    torch::Tensor weights;  // inference: transformed, in forward_pd.weights_desc(); undefined until made
    // training only
    std::optional<dnnl::convolution_backward_data::primitive_desc> data_pd;
    std::optional<dnnl::convolution_backward_data> backward_data;
    std::optional<dnnl::convolution_backward_weights::primitive_desc> weights_pd;
    std::optional<dnnl::convolution_backward_weights> backward_weights;
  };

  // Plans for this many shapes at most: a run sees one batch size and the last, smaller batch.
  static constexpr std::size_t kMaxPlans = 4;

  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::mutex mutex;
  std::vector<Plan> plans;         // most recently used last
  std::vector<Shape> unavailable;  // shapes oneDNN has no Winograd implementation for
  std::optional<bool> probed;

  // Which values of a parameter the inference plans' transformed weights were made from. The
  // storage is held, so that no later tensor can take its address while it is tracked.
  struct Tracked {
    c10::Storage storage;
    const void* data = nullptr;
    int64_t version = -1;

    static Tracked of(const torch::Tensor& t) {
      if (!t.defined()) return {};
      return {t.storage(), t.data_ptr(), static_cast<int64_t>(t._version())};
    }
    bool same_as(const Tracked& o) const {
      return storage.unsafeGetStorageImpl() == o.storage.unsafeGetStorageImpl() && data == o.data &&
             version == o.version;
    }
  };
  Tracked tracked_weight, tracked_bias;
  // The portable Winograd's transformed weights for inference (winograd_gemm.h), when it runs.
  torch::Tensor portable_weights;

  // The plan for `shape`, or nullptr where oneDNN has none.
  Plan* plan_for(const Shape& shape) {
    for (std::size_t i = 0; i < plans.size(); ++i) {
      if (plans[i].shape == shape) {
        std::rotate(plans.begin() + static_cast<std::ptrdiff_t>(i),
                    plans.begin() + static_cast<std::ptrdiff_t>(i) + 1, plans.end());
        return &plans.back();
      }
    }
    if (std::find(unavailable.begin(), unavailable.end(), shape) != unavailable.end()) return nullptr;
    auto plan = make_plan(shape);
    if (!plan) {
      unavailable.push_back(shape);
      return nullptr;
    }
    if (plans.size() == kMaxPlans) plans.erase(plans.begin());
    plans.push_back(std::move(*plan));
    return &plans.back();
  }

  std::optional<Plan> make_plan(const Shape& s) const {
    const auto any = memory::format_tag::any;
    const auto f32 = memory::data_type::f32;
    const memory::desc src({s.batch, s.in, s.height, s.width}, f32, any);
    const memory::desc dst({s.batch, s.out, s.height, s.width}, f32, any);
    const memory::desc weights({s.out, s.in, 3, 3}, f32, any);
    const memory::desc bias({s.out}, f32, memory::format_tag::x);
    const memory::dims stride = {1, 1}, pad = {1, 1};
    const auto winograd = dnnl::algorithm::convolution_winograd;
    dnnl::primitive_attr attr;
    // Scratchpads come from the shared workspace (see WinogradWorkspace for why).
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (s.relu) {
      dnnl::post_ops relu;
      relu.append_eltwise(/*scale=*/1.0f, dnnl::algorithm::eltwise_relu, /*alpha=*/0.0f, /*beta=*/0.0f);
      attr.set_post_ops(relu);
    }
    try {
      const auto prop = s.training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
      const dnnl::convolution_forward::primitive_desc fpd(
          {prop, winograd, src, weights, bias, dst, stride, pad, pad}, attr, engine);
      Plan plan{s, fpd, dnnl::convolution_forward(fpd), {}, {}, {}, {}, {}};
      if (s.training) {
        plan.data_pd.emplace(
            dnnl::convolution_backward_data::desc(winograd, src, weights, dst, stride, pad, pad), attr,
            engine, fpd);
        plan.backward_data.emplace(*plan.data_pd);
        plan.weights_pd.emplace(
            dnnl::convolution_backward_weights::desc(winograd, src, weights, bias, dst, stride, pad, pad),
            attr, engine, fpd);
        plan.backward_weights.emplace(*plan.weights_pd);
      }
      return plan;
    } catch (const dnnl::error&) {
      return std::nullopt;  // no implementation (no AVX-512, or a shape its kernels do not cover)
    }
  }

  // Drops the inference plans' transformed weights when the parameters are no longer those they
  // were made from.
  void track(const torch::Tensor& weight, const torch::Tensor& bias) {
    Tracked w = Tracked::of(weight), b = Tracked::of(bias);
    if (w.same_as(tracked_weight) && b.same_as(tracked_bias)) return;
    for (auto& plan : plans) plan.weights = torch::Tensor();
    portable_weights = torch::Tensor();
    tracked_weight = std::move(w);
    tracked_bias = std::move(b);
  }

  void reorder(memory from, memory to) { dnnl::reorder(from, to).execute(stream, from, to); }

  // A tensor's values copied into `desc` (weights into a Winograd layout).
  torch::Tensor reordered(const torch::Tensor& t, const memory::desc& desc) {
    const auto plain = t.contiguous();
    auto out = storage_for(desc);
    reorder(memory(strided_desc(plain), engine, plain.data_ptr()), memory(desc, engine, out.data_ptr()));
    return out;
  }

  // x into the workspace slot, in `desc`.
  memory blocked(WinogradWorkspace& w, WinogradWorkspace::Slot slot, const torch::Tensor& x,
                 const memory::desc& desc) {
    memory to(desc, engine, w.reserve(slot, desc.get_size()));
    reorder(memory(strided_desc(x), engine, x.data_ptr()), to);
    return to;
  }

  // A new [B, C, H, W] tensor in `format` with the values of `from`.
  torch::Tensor unblocked(const memory& from, const memory::dims& dims, torch::MemoryFormat format) {
    auto out = torch::empty(dims, torch::TensorOptions().dtype(torch::kFloat).memory_format(format));
    reorder(from, memory(strided_desc(out), engine, out.data_ptr()));
    return out;
  }

  memory scratchpad(WinogradWorkspace& w, const memory::desc& desc) {
    return memory(desc, engine, w.reserve(WinogradWorkspace::kScratchpad, desc.get_size()));
  }

  // y = conv(x) + bias (then ReLU where the plan fuses it), in `format`.
  torch::Tensor run_forward(Plan& plan, WinogradWorkspace& w, const torch::Tensor& x,
                            const torch::Tensor& weights, const torch::Tensor& bias,
                            torch::MemoryFormat format) {
    const auto& pd = plan.forward_pd;
    memory dst(pd.dst_desc(), engine, w.reserve(WinogradWorkspace::kDestination, pd.dst_desc().get_size()));
    plan.forward.execute(stream, {{DNNL_ARG_SRC, blocked(w, WinogradWorkspace::kSource, x, pd.src_desc())},
                                  {DNNL_ARG_WEIGHTS, memory(pd.weights_desc(), engine, weights.data_ptr())},
                                  {DNNL_ARG_BIAS, memory(pd.bias_desc(), engine, bias.data_ptr())},
                                  {DNNL_ARG_DST, dst},
                                  {DNNL_ARG_SCRATCHPAD, scratchpad(w, pd.scratchpad_desc())}});
    auto y = unblocked(dst, pd.dst_desc().dims(), format);
    stream.wait();
    return y;
  }
};

namespace {

// The training path: forward with the Winograd training primitive; backward computes the input
// gradient (backward-data) and the weight and bias gradients (backward-weights) with Winograd too.
// The state travels with the graph in a one-byte tensor whose deleter holds it, so a graph that
// outlives its module still has what its backward needs.
struct WinogradTraining : torch::autograd::Function<WinogradTraining> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias,
                               const torch::Tensor& keeper, const torch::Tensor& workspace_keeper,
                               int64_t format_code) {
    auto* state = static_cast<WinogradConv3x3::State*>(keeper.data_ptr());
    auto* w = static_cast<WinogradWorkspace*>(workspace_keeper.data_ptr());
    const auto format =
        format_code == kChannelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
    const WinogradConv3x3::State::Shape shape{x.size(0), x.size(1), weight.size(0), x.size(2), x.size(3),
                                              false,     true};
    ctx->save_for_backward({x, weight});
    ctx->saved_data["keeper"] = keeper;
    ctx->saved_data["workspace"] = workspace_keeper;
    ctx->saved_data["format"] = format_code;
    const std::lock_guard<std::mutex> lock(state->mutex);
    auto* plan = state->plan_for(shape);
    TORCH_CHECK(plan != nullptr, "WinogradConv3x3: the training plan disappeared");
    const std::lock_guard<std::mutex> workspace_lock(w->mutex());
    const auto weights = state->reordered(weight, plan->forward_pd.weights_desc());
    return state->run_forward(*plan, *w, x, weights, bias.contiguous(), format);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return torch::autograd::variable_list(6);
    const auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& weight = saved[1];
    auto* state = static_cast<WinogradConv3x3::State*>(ctx->saved_data["keeper"].toTensor().data_ptr());
    auto* w = static_cast<WinogradWorkspace*>(ctx->saved_data["workspace"].toTensor().data_ptr());
    const auto format = ctx->saved_data["format"].toInt() == kChannelsLast ? torch::MemoryFormat::ChannelsLast
                                                                           : torch::MemoryFormat::Contiguous;
    const auto grad = readable(grads[0], format);
    const WinogradConv3x3::State::Shape shape{x.size(0), x.size(1), weight.size(0), x.size(2), x.size(3),
                                              false,     true};
    const std::lock_guard<std::mutex> lock(state->mutex);
    auto* plan = state->plan_for(shape);
    TORCH_CHECK(plan != nullptr, "WinogradConv3x3: the training plan disappeared");
    const std::lock_guard<std::mutex> workspace_lock(w->mutex());
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (ctx->needs_input_grad(0)) {
      const auto& pd = *plan->data_pd;
      const auto weights = state->reordered(weight, pd.weights_desc());
      memory diff_src(pd.diff_src_desc(), state->engine,
                      w->reserve(WinogradWorkspace::kDestination, pd.diff_src_desc().get_size()));
      plan->backward_data->execute(
          state->stream,
          {{DNNL_ARG_DIFF_DST, state->blocked(*w, WinogradWorkspace::kSource, grad, pd.diff_dst_desc())},
           {DNNL_ARG_WEIGHTS, memory(pd.weights_desc(), state->engine, weights.data_ptr())},
           {DNNL_ARG_DIFF_SRC, diff_src},
           {DNNL_ARG_SCRATCHPAD, state->scratchpad(*w, pd.scratchpad_desc())}});
      grad_x = state->unblocked(diff_src, pd.diff_src_desc().dims(), format);
    }
    if (ctx->needs_input_grad(1) || ctx->needs_input_grad(2)) {
      const auto& pd = *plan->weights_pd;
      auto diff_weights = storage_for(pd.diff_weights_desc());
      grad_bias = torch::empty({weight.size(0)}, torch::kFloat);
      memory diff_weights_mem(pd.diff_weights_desc(), state->engine, diff_weights.data_ptr());
      plan->backward_weights->execute(
          state->stream,
          {{DNNL_ARG_SRC, state->blocked(*w, WinogradWorkspace::kSource, x, pd.src_desc())},
           {DNNL_ARG_DIFF_DST, state->blocked(*w, WinogradWorkspace::kDestination, grad, pd.diff_dst_desc())},
           {DNNL_ARG_DIFF_WEIGHTS, diff_weights_mem},
           {DNNL_ARG_DIFF_BIAS, memory(pd.diff_bias_desc(), state->engine, grad_bias.data_ptr())},
           {DNNL_ARG_SCRATCHPAD, state->scratchpad(*w, pd.scratchpad_desc())}});
      grad_weight = torch::empty(weight.sizes(), torch::kFloat);
      state->reorder(diff_weights_mem,
                     memory(strided_desc(grad_weight), state->engine, grad_weight.data_ptr()));
    }
    state->stream.wait();
    return {grad_x, grad_weight, grad_bias, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

WinogradConv3x3::WinogradConv3x3() = default;
WinogradConv3x3::~WinogradConv3x3() = default;
WinogradConv3x3::WinogradConv3x3(WinogradConv3x3&&) noexcept = default;
WinogradConv3x3& WinogradConv3x3::operator=(WinogradConv3x3&&) noexcept = default;

std::optional<torch::Tensor> WinogradConv3x3::onednn_forward(const torch::Tensor& weight,
                                                             const torch::Tensor& bias,
                                                             const torch::Tensor& x,
                                                             torch::MemoryFormat format, bool relu) {
  if (!float_cpu_conv3x3_args(x, weight, bias)) return std::nullopt;
  if (format != torch::MemoryFormat::ChannelsLast && format != torch::MemoryFormat::Contiguous)
    return std::nullopt;
  const bool training = records_gradients(x, weight, bias);
  const State::Shape shape{x.size(0), x.size(1),         weight.size(0), x.size(2),
                           x.size(3), relu && !training, training};
  if (shape.batch < kMinBatch || shape.in < kMinChannels || shape.out < kMinChannels) return std::nullopt;

  if (!state_) state_ = std::make_shared<State>();
  if (!workspace_) workspace_ = std::make_shared<WinogradWorkspace>();
  State& s = *state_;
  if (training) {
    {
      const std::lock_guard<std::mutex> lock(s.mutex);
      if (s.plan_for(shape) == nullptr) return std::nullopt;
    }
    // One-byte tensors whose deleters hold the state and the workspace for the graph.
    const auto keep = [](const auto& shared) {
      return torch::from_blob(
          shared.get(), {1}, [held = shared](void*) {}, torch::TensorOptions().dtype(torch::kUInt8));
    };
    auto y =
        WinogradTraining::apply(readable(x, format), weight, bias, keep(state_), keep(workspace_),
                                format == torch::MemoryFormat::ChannelsLast ? kChannelsLast : kContiguous);
    return relu ? y.relu_() : y;
  }

  const std::lock_guard<std::mutex> lock(s.mutex);
  s.track(weight, bias);
  State::Plan* plan = s.plan_for(shape);
  if (plan == nullptr) return std::nullopt;
  if (!plan->weights.defined()) plan->weights = s.reordered(weight, plan->forward_pd.weights_desc());
  const std::lock_guard<std::mutex> workspace_lock(workspace_->mutex());
  return s.run_forward(*plan, *workspace_, readable(x, format), plan->weights, bias.contiguous(), format);
}

torch::Tensor WinogradConv3x3::portable_forward(const torch::Tensor& weight, const torch::Tensor& bias,
                                                const torch::Tensor& x, bool relu) {
  const bool training = records_gradients(x, weight, bias);
  if (training) return winograd_gemm::conv3x3(x, weight, bias, relu);
  if (!state_) state_ = std::make_shared<State>();
  torch::Tensor u;
  {
    const std::lock_guard<std::mutex> lock(state_->mutex);
    state_->track(weight, bias);
    if (!state_->portable_weights.defined())
      state_->portable_weights = winograd_gemm::transformed_weights(weight);
    u = state_->portable_weights;  // never changed in place: a new tensor when the weights change
  }
  return winograd_gemm::conv3x3_transformed(x, u, bias, relu);
}

bool WinogradConv3x3::available() {
  if (!state_) state_ = std::make_shared<State>();
  const std::lock_guard<std::mutex> lock(state_->mutex);
  if (!state_->probed) {
    state_->probed = state_->make_plan(State::Shape{kMinBatch, 64, 64, 16, 16, false, true}).has_value();
  }
  return *state_->probed;
}

#else  // built without oneDNN's headers: LibTorch's convolution everywhere

struct WinogradConv3x3::State {};

WinogradConv3x3::WinogradConv3x3() = default;
WinogradConv3x3::~WinogradConv3x3() = default;
WinogradConv3x3::WinogradConv3x3(WinogradConv3x3&&) noexcept = default;
WinogradConv3x3& WinogradConv3x3::operator=(WinogradConv3x3&&) noexcept = default;

std::optional<torch::Tensor> WinogradConv3x3::onednn_forward(const torch::Tensor&, const torch::Tensor&,
                                                             const torch::Tensor&, torch::MemoryFormat,
                                                             bool) {
  return std::nullopt;
}

torch::Tensor WinogradConv3x3::portable_forward(const torch::Tensor& weight, const torch::Tensor& bias,
                                                const torch::Tensor& x, bool relu) {
  return winograd_gemm::conv3x3(x, weight, bias, relu);
}

bool WinogradConv3x3::available() { return false; }

#endif

std::optional<torch::Tensor> WinogradConv3x3::forward(const torch::Tensor& weight, const torch::Tensor& bias,
                                                      const torch::Tensor& x, torch::MemoryFormat format,
                                                      bool relu) {
  if (!enabled_) return std::nullopt;
  if (auto y = onednn_forward(weight, bias, x, format, relu)) return y;
  // Where oneDNN has no Winograd at all (not where it declines a shape), the portable one, on the
  // layers where its matrix products pay for the transforms. Its products are oneDNN's sgemm; in a
  // build without oneDNN they would be LibTorch's bmm, slower than the direct convolution.
  if (!kHaveOneDnn) return std::nullopt;
  if (format != torch::MemoryFormat::ChannelsLast && format != torch::MemoryFormat::Contiguous)
    return std::nullopt;
  if (!winograd_gemm::applicable(x, weight, bias) || std::min(x.size(1), weight.size(0)) < kMinGemmChannels)
    return std::nullopt;
  const int64_t tiles = x.size(0) * (x.size(2) / 4) * (x.size(3) / 4);
  if (tiles < kMinGemmTiles || available()) return std::nullopt;
  auto y = portable_forward(weight, bias, x, relu);
  return format == torch::MemoryFormat::ChannelsLast ? y : y.contiguous(format);
}

void* WinogradWorkspace::reserve(Slot slot, std::size_t bytes) {
  torch::Tensor& buffer = buffers_[static_cast<std::size_t>(slot)];
  const auto floats = static_cast<int64_t>((bytes + sizeof(float) - 1) / sizeof(float));
  if (!buffer.defined() || buffer.numel() < floats) {
    buffer = torch::Tensor();  // free the old block before taking the larger one
    buffer = torch::empty({std::max<int64_t>(floats, 1)}, torch::kFloat);
  }
  return buffer.data_ptr();
}

std::size_t WinogradWorkspace::bytes() const {
  std::size_t total = 0;
  for (const auto& b : buffers_) total += b.defined() ? static_cast<std::size_t>(b.nbytes()) : 0;
  return total;
}

void WinogradConv3x3::set_workspace(std::shared_ptr<WinogradWorkspace> workspace) {
  workspace_ = std::move(workspace);
}

void WinogradConv3x3::set_enabled(bool enabled) { enabled_ = enabled; }
bool WinogradConv3x3::enabled() const { return enabled_; }

}  // namespace ptychopinn::nets
