#include "ptychopinn/iterative/far_field.h"

#include <ATen/Parallel.h>
#include <fftw3.h>

#include <cmath>
#include <complex>
#include <mutex>
#include <stdexcept>
#include <string>

namespace ptychopinn::iterative {
namespace {

// FFTW has one planner per process, not safe to call from two threads at once (two engines may be
// built concurrently, e.g. from Python threads): FFTW's own switch serialises it. Set once.
void make_planner_thread_safe() {
  static std::once_flag once;
  std::call_once(once, [] { fftwf_make_planner_thread_safe(); });
}

struct AlignedArray {
  explicit AlignedArray(int64_t elements)
      : data(static_cast<fftwf_complex*>(
            fftwf_malloc(sizeof(fftwf_complex) * static_cast<size_t>(elements)))) {
    if (data == nullptr) throw std::bad_alloc();
  }
  ~AlignedArray() { fftwf_free(data); }
  AlignedArray(const AlignedArray&) = delete;
  AlignedArray& operator=(const AlignedArray&) = delete;
  fftwf_complex* data;
};

fftwf_plan plan_2d(int64_t n, fftwf_complex* in, fftwf_complex* out, int sign, unsigned flags) {
  const fftwf_plan p = fftwf_plan_dft_2d(static_cast<int>(n), static_cast<int>(n), in, out, sign, flags);
  if (p == nullptr) {
    throw std::runtime_error("FarField: FFTW could not plan a " + std::to_string(n) + " x " +
                             std::to_string(n) + " transform");
  }
  return p;
}

bool aligned(const fftwf_complex* p) {
  return fftwf_alignment_of(const_cast<float*>(reinterpret_cast<const float*>(p))) == 0;
}

bool on_host_complex64(const torch::Tensor& t) {
  return t.is_cpu() && t.scalar_type() == torch::kComplexFloat && t.is_contiguous();
}

}  // namespace

// An aligned and an unaligned plan per direction: FFTW may execute a plan only on arrays with the
// alignment it was planned for, and the aligned one is two to four times faster. LibTorch's host
// allocations are 64-byte aligned, so the unaligned plans serve only views at odd offsets.
struct FarField::Plans {
  fftwf_plan forward = nullptr, forward_unaligned = nullptr;                    // out of place
  fftwf_plan forward_in_place = nullptr, forward_in_place_unaligned = nullptr;  // in place
  fftwf_plan inverse = nullptr, inverse_unaligned = nullptr;                    // in place
  ~Plans() {
    for (fftwf_plan p : {forward, forward_unaligned, forward_in_place, forward_in_place_unaligned, inverse,
                         inverse_unaligned}) {
      if (p != nullptr) fftwf_destroy_plan(p);
    }
  }

  // One transform of `pixels` elements from src to dst (the same pointer for the in-place plans),
  // scaled by `scale`.
  static void one(fftwf_plan fast, fftwf_plan any, fftwf_complex* src, fftwf_complex* dst, int64_t pixels,
                  float scale) {
    fftwf_execute_dft(aligned(src) && aligned(dst) ? fast : any, src, dst);
    auto* o = reinterpret_cast<std::complex<float>*>(dst);
    for (int64_t p = 0; p < pixels; ++p) o[p] *= scale;
  }

  static void in_place(fftwf_plan fast, fftwf_plan any, std::complex<float>* data, int64_t pixels,
                       float scale) {
    auto* f = reinterpret_cast<fftwf_complex*>(data);
    one(fast, any, f, f, pixels, scale);
  }

  // Runs `count` transforms of `pixels` elements from `in` to `out` (the same pointer for the
  // in-place plans), each scaled by `scale`, in parallel over the transforms.
  static void run(fftwf_plan fast, fftwf_plan any, const c10::complex<float>* in, c10::complex<float>* out,
                  int64_t count, int64_t pixels, float scale) {
    at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        one(fast, any, reinterpret_cast<fftwf_complex*>(const_cast<c10::complex<float>*>(in + i * pixels)),
            reinterpret_cast<fftwf_complex*>(out + i * pixels), pixels, scale);
      }
    });
  }
};

FarField::FarField(int64_t n) : n_(n), plans_(std::make_unique<Plans>()) {
  if (n < 1) throw std::invalid_argument("FarField: size = " + std::to_string(n) + "; expected >= 1");
  make_planner_thread_safe();
  AlignedArray a(n * n), b(n * n);
  plans_->forward = plan_2d(n, a.data, b.data, FFTW_FORWARD, FFTW_ESTIMATE);
  plans_->forward_unaligned = plan_2d(n, a.data, b.data, FFTW_FORWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
  plans_->forward_in_place = plan_2d(n, a.data, a.data, FFTW_FORWARD, FFTW_ESTIMATE);
  plans_->forward_in_place_unaligned =
      plan_2d(n, a.data, a.data, FFTW_FORWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
  plans_->inverse = plan_2d(n, a.data, a.data, FFTW_BACKWARD, FFTW_ESTIMATE);
  plans_->inverse_unaligned = plan_2d(n, a.data, a.data, FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
}

FarField::~FarField() = default;

torch::Tensor FarField::forward(const torch::Tensor& psi) const {
  TORCH_CHECK(psi.dim() >= 2 && psi.size(-1) == n_ && psi.size(-2) == n_, "FarField: expected [..., ", n_,
              ", ", n_, "], got ", psi.sizes());
  if (!psi.is_cpu() || psi.scalar_type() != torch::kComplexFloat) {
    return torch::fft::fft2(psi, c10::nullopt, {-2, -1}, "ortho");
  }
  const torch::Tensor in = psi.contiguous();
  torch::Tensor out = torch::empty_like(in);
  const int64_t pixels = n_ * n_;
  Plans::run(plans_->forward, plans_->forward_unaligned, in.data_ptr<c10::complex<float>>(),
             out.data_ptr<c10::complex<float>>(), in.numel() / pixels, pixels, 1.0f / static_cast<float>(n_));
  return out;
}

void FarField::inverse_in_place(torch::Tensor& field) const {
  TORCH_CHECK(field.dim() >= 2 && field.size(-1) == n_ && field.size(-2) == n_, "FarField: expected [..., ",
              n_, ", ", n_, "], got ", field.sizes());
  if (!on_host_complex64(field)) {
    field = torch::fft::ifft2(field, c10::nullopt, {-2, -1}, "ortho");
    return;
  }
  const int64_t pixels = n_ * n_;
  auto* data = field.data_ptr<c10::complex<float>>();
  Plans::run(plans_->inverse, plans_->inverse_unaligned, data, data, field.numel() / pixels, pixels,
             1.0f / static_cast<float>(n_));
}

void FarField::round_trip(torch::Tensor& fields, const PatternFields& fill, const PatternFields& between,
                          const PatternFields& after) const {
  TORCH_CHECK(on_host_complex64(fields) && fields.dim() == 4 && fields.size(2) == n_ && fields.size(3) == n_,
              "FarField::round_trip: expected contiguous complex64 [B, K, ", n_, ", ", n_,
              "] on the host, got ", fields.sizes(), " ", fields.dtype(), " on ", fields.device());
  const int64_t modes = fields.size(1), pixels = n_ * n_;
  const float scale = 1.0f / static_cast<float>(n_);
  auto* data = reinterpret_cast<std::complex<float>*>(fields.data_ptr<c10::complex<float>>());
  const Plans& plans = *plans_;
  at::parallel_for(0, fields.size(0), 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      std::complex<float>* f = data + b * modes * pixels;
      fill(b, f);
      for (int64_t k = 0; k < modes; ++k) {
        Plans::in_place(plans.forward_in_place, plans.forward_in_place_unaligned, f + k * pixels, pixels,
                        scale);
      }
      between(b, f);
      for (int64_t k = 0; k < modes; ++k) {
        Plans::in_place(plans.inverse, plans.inverse_unaligned, f + k * pixels, pixels, scale);
      }
      if (after) after(b, f);
    }
  });
}

}  // namespace ptychopinn::iterative
