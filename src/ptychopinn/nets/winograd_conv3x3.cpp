#include "ptychopinn/nets/winograd_conv3x3.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#if PTYCHOPINN_HAVE_ONEDNN
#include <dnnl.hpp>
#endif

namespace ptychopinn::nets {

#if PTYCHOPINN_HAVE_ONEDNN

namespace {

using dnnl::memory;

// oneDNN's description of a float32 tensor's memory as LibTorch lays it out: logical dimensions in
// NCHW order, with the tensor's own strides (so channels-last, NCHW and sliced tensors all read in
// place).
memory::desc strided_desc(const torch::Tensor& t) {
  return memory::desc(memory::dims(t.sizes().begin(), t.sizes().end()), memory::data_type::f32,
                      memory::dims(t.strides().begin(), t.strides().end()));
}

}  // namespace

struct WinogradConv3x3::State {
  // What a plan is made for: the problem's shape and whether ReLU is fused.
  struct Shape {
    int64_t batch, in, out, height, width;
    bool relu;
    bool operator==(const Shape& o) const {
      return batch == o.batch && in == o.in && out == o.out && height == o.height && width == o.width &&
             relu == o.relu;
    }
  };

  // A reorder between a LibTorch tensor's layout and a blocked one, kept for as long as the tensor's
  // layout stays the same from call to call (it does: the network's activations keep their format).
  struct CachedReorder {
    memory::desc user;
    dnnl::reorder primitive;
  };

  static dnnl::reorder& reorder_for(std::optional<CachedReorder>& cache, const memory::desc& user,
                                    const memory::desc& from, const memory::desc& to,
                                    const dnnl::engine& engine) {
    if (!cache || !(cache->user == user)) {
      cache = CachedReorder{user, dnnl::reorder(dnnl::reorder::primitive_desc(engine, from, engine, to))};
    }
    return cache->primitive;
  }

  struct Plan {
    Shape shape;
    dnnl::convolution_forward::primitive_desc pd;
    dnnl::convolution_forward conv;
    torch::Tensor weights;  // transformed, in pd.weights_desc(); undefined until made
    std::optional<CachedReorder> src_reorder, dst_reorder;
  };

  // Plans for this many shapes at most: a run sees one batch size and the last, smaller chunk.
  static constexpr std::size_t kMaxPlans = 4;

  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::mutex mutex;
  std::vector<Plan> plans;         // most recently used last
  std::vector<Shape> unavailable;  // shapes oneDNN has no Winograd implementation for
  std::optional<bool> probed;

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
    auto pd = make_pd(shape);
    if (!pd) {
      unavailable.push_back(shape);
      return nullptr;
    }
    if (plans.size() == kMaxPlans) plans.erase(plans.begin());
    plans.push_back(Plan{shape, *pd, dnnl::convolution_forward(*pd), {}, {}, {}});
    return &plans.back();
  }

  std::optional<dnnl::convolution_forward::primitive_desc> make_pd(const Shape& s) const {
    const auto any = memory::format_tag::any;
    const memory::desc src({s.batch, s.in, s.height, s.width}, memory::data_type::f32, any);
    const memory::desc dst({s.batch, s.out, s.height, s.width}, memory::data_type::f32, any);
    const memory::desc weights({s.out, s.in, 3, 3}, memory::data_type::f32, any);
    const memory::desc bias({s.out}, memory::data_type::f32, memory::format_tag::x);
    dnnl::primitive_attr attr;
    // The scratchpad comes from the shared workspace (see WinogradWorkspace for why).
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (s.relu) {
      dnnl::post_ops relu;
      relu.append_eltwise(/*scale=*/1.0f, dnnl::algorithm::eltwise_relu, /*alpha=*/0.0f, /*beta=*/0.0f);
      attr.set_post_ops(relu);
    }
    try {
      const dnnl::convolution_forward::desc desc(
          dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd, src, weights, bias, dst,
          /*strides=*/{1, 1}, /*padding_l=*/{1, 1}, /*padding_r=*/{1, 1});
      return dnnl::convolution_forward::primitive_desc(desc, attr, engine);
    } catch (const dnnl::error&) {
      return std::nullopt;  // no implementation (no AVX-512, or a shape its kernels do not cover)
    }
  }

  // Which values of a parameter the transformed weights were made from. The storage is held, so
  // that no later tensor can take its address while it is tracked.
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

  // Drops the transformed weights when the parameters are no longer those they were made from.
  void track(const torch::Tensor& weight, const torch::Tensor& bias) {
    Tracked w = Tracked::of(weight), b = Tracked::of(bias);
    if (w.same_as(tracked_weight) && b.same_as(tracked_bias)) return;
    for (auto& plan : plans) plan.weights = torch::Tensor();
    tracked_weight = std::move(w);
    tracked_bias = std::move(b);
  }

  void transform_weights(Plan& plan, const torch::Tensor& weight) {
    const auto plain = weight.contiguous();
    const auto bytes = plan.pd.weights_desc().get_size();
    plan.weights =
        torch::empty({static_cast<int64_t>((bytes + sizeof(float) - 1) / sizeof(float))}, torch::kFloat);
    memory from(strided_desc(plain), engine, plain.data_ptr());
    memory to(plan.pd.weights_desc(), engine, plan.weights.data_ptr());
    dnnl::reorder(from, to).execute(stream, from, to);
    stream.wait();
  }
};

WinogradConv3x3::WinogradConv3x3() = default;
WinogradConv3x3::~WinogradConv3x3() = default;
WinogradConv3x3::WinogradConv3x3(WinogradConv3x3&&) noexcept = default;
WinogradConv3x3& WinogradConv3x3::operator=(WinogradConv3x3&&) noexcept = default;

std::optional<torch::Tensor> WinogradConv3x3::forward(const torch::Tensor& weight, const torch::Tensor& bias,
                                                      const torch::Tensor& x, torch::MemoryFormat format,
                                                      bool relu) {
  if (!enabled_ || torch::GradMode::is_enabled() || x.dim() != 4 || !x.is_cpu() ||
      x.scalar_type() != torch::kFloat) {
    return std::nullopt;
  }
  if (weight.dim() != 4 || weight.size(1) != x.size(1) || weight.size(2) != 3 || weight.size(3) != 3 ||
      !weight.is_cpu() || weight.scalar_type() != torch::kFloat) {
    return std::nullopt;
  }
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != weight.size(0) || !bias.is_cpu() ||
                         bias.scalar_type() != torch::kFloat)) {
    return std::nullopt;
  }
  if (format != torch::MemoryFormat::ChannelsLast && format != torch::MemoryFormat::Contiguous)
    return std::nullopt;
  const State::Shape shape{x.size(0), x.size(1), weight.size(0), x.size(2), x.size(3), relu};
  if (shape.batch < kMinBatch || shape.in < kMinChannels || shape.out < kMinChannels) return std::nullopt;

  if (!state_) state_ = std::make_unique<State>();
  State& s = *state_;
  const std::lock_guard<std::mutex> lock(s.mutex);
  s.track(weight, bias);
  State::Plan* plan = s.plan_for(shape);
  if (plan == nullptr) return std::nullopt;
  if (!plan->weights.defined()) s.transform_weights(*plan, weight);

  if (!workspace_) workspace_ = std::make_shared<WinogradWorkspace>();
  WinogradWorkspace& w = *workspace_;
  const std::lock_guard<std::mutex> workspace_lock(w.mutex());
  const auto& pd = plan->pd;

  // Zero or overlapping strides (an expanded tensor) are not a layout a reorder reads.
  const auto src =
      x.is_contiguous(torch::MemoryFormat::ChannelsLast) || x.is_contiguous() ? x : x.contiguous(format);
  const memory::desc src_user = strided_desc(src);
  memory src_user_mem(src_user, s.engine, src.data_ptr());
  memory src_blocked(pd.src_desc(), s.engine,
                     w.reserve(WinogradWorkspace::kSource, pd.src_desc().get_size()));
  State::reorder_for(plan->src_reorder, src_user, src_user, pd.src_desc(), s.engine)
      .execute(s.stream, src_user_mem, src_blocked);

  memory dst_blocked(pd.dst_desc(), s.engine,
                     w.reserve(WinogradWorkspace::kDestination, pd.dst_desc().get_size()));
  const auto bias_plain = bias.defined() ? bias.contiguous() : torch::zeros({shape.out}, torch::kFloat);
  plan->conv.execute(s.stream,
                     {{DNNL_ARG_SRC, src_blocked},
                      {DNNL_ARG_WEIGHTS, memory(pd.weights_desc(), s.engine, plan->weights.data_ptr())},
                      {DNNL_ARG_BIAS, memory(pd.bias_desc(), s.engine, bias_plain.data_ptr())},
                      {DNNL_ARG_DST, dst_blocked},
                      {DNNL_ARG_SCRATCHPAD,
                       memory(pd.scratchpad_desc(), s.engine,
                              w.reserve(WinogradWorkspace::kScratchpad, pd.scratchpad_desc().get_size()))}});

  auto out = torch::empty({shape.batch, shape.out, shape.height, shape.width},
                          torch::TensorOptions().dtype(torch::kFloat).memory_format(format));
  const memory::desc dst_user = strided_desc(out);
  memory out_mem(dst_user, s.engine, out.data_ptr());
  State::reorder_for(plan->dst_reorder, dst_user, pd.dst_desc(), dst_user, s.engine)
      .execute(s.stream, dst_blocked, out_mem);
  s.stream.wait();
  return out;
}

bool WinogradConv3x3::available() {
  if (!state_) state_ = std::make_unique<State>();
  const std::lock_guard<std::mutex> lock(state_->mutex);
  if (!state_->probed) {
    state_->probed = state_->make_pd(State::Shape{kMinBatch, 64, 64, 16, 16, true}).has_value();
  }
  return *state_->probed;
}

#else  // built without oneDNN's headers: LibTorch's convolution everywhere

struct WinogradConv3x3::State {};

WinogradConv3x3::WinogradConv3x3() = default;
WinogradConv3x3::~WinogradConv3x3() = default;
WinogradConv3x3::WinogradConv3x3(WinogradConv3x3&&) noexcept = default;
WinogradConv3x3& WinogradConv3x3::operator=(WinogradConv3x3&&) noexcept = default;

std::optional<torch::Tensor> WinogradConv3x3::forward(const torch::Tensor&, const torch::Tensor&,
                                                      const torch::Tensor&, torch::MemoryFormat, bool) {
  return std::nullopt;
}

bool WinogradConv3x3::available() { return false; }

#endif

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
