// The evaluation metrics for Python: the whole evaluation of `ptychopinn evaluate` (registration,
// trim, phase gauge, every metric) and the single metrics on two real images.
#include <pybind11/stl.h>

#include "ptychopinn/eval/evaluate.h"
#include "ptychopinn/eval/frc.h"
#include "ptychopinn/eval/metrics.h"
#include "ptychopinn/eval/ssim.h"
#include "py_convert.h"

namespace ptychopinn::python {
namespace {

// Two same-shape real images as float64 tensors.
std::pair<TensorView, TensorView> image_pair(const py::handle& target, const py::handle& prediction) {
  TensorView t = as_tensor(target, torch::kFloat64, "target", 2);
  TensorView p = as_tensor(prediction, torch::kFloat64, "prediction", 2);
  if (!t.tensor.sizes().equals(p.tensor.sizes())) {
    throw std::invalid_argument("prediction: shape " + c10::str(p.tensor.sizes()) +
                                "; expected the target's " + c10::str(t.tensor.sizes()));
  }
  return {std::move(t), std::move(p)};
}

template <class F>
void def_metric(py::module_& m, const char* name, F metric, const char* doc) {
  m.def(
      name,
      [metric](const py::handle& target, const py::handle& prediction) {
        const auto [t, p] = image_pair(target, prediction);
        py::gil_scoped_release release;
        return metric(t.tensor, p.tensor);
      },
      py::arg("target"), py::arg("prediction"), doc);
}

}  // namespace

void bind_eval(py::module_& m) {
  m.def(
      "evaluate",
      [](const py::handle& reconstruction, const py::handle& ground_truth, bool register_images,
         int64_t trim_px, const std::string& phase_alignment, double frc_sigma) {
        const TensorView r = as_tensor(reconstruction, torch::kComplexFloat, "reconstruction", 2);
        const TensorView g = as_tensor(ground_truth, torch::kComplexFloat, "ground_truth", 2);
        eval::EvaluationOptions options;
        options.alignment.register_images = register_images;
        options.trim_px = trim_px;
        options.phase_alignment = eval::parse_phase_alignment(phase_alignment);
        options.frc_sigma = frc_sigma;
        nlohmann::json j;
        {
          py::gil_scoped_release release;
          j = eval::evaluate(r.tensor, g.tensor, options).to_json();
        }
        return from_json(j);
      },
      py::arg("reconstruction"), py::arg("ground_truth"), py::arg("register") = true, py::arg("trim_px") = 2,
      py::arg("phase_alignment") = "plane", py::arg("frc_sigma") = 0.0,
      "Evaluates a complex reconstruction against a complex ground truth as `ptychopinn evaluate` does (both "
      "centred on each other): a dict of amplitude and phase metrics (mae, mse, psnr, psnr_legacy, ssim, "
      "ms_ssim, frc50, frc1over7, pearson), registration, amplitude_scale, region and FRC curves.");
  def_metric(m, "mae", eval::mae, "Mean absolute error of two real images.");
  def_metric(m, "mse", eval::mse, "Mean squared error of two real images.");
  def_metric(m, "psnr", eval::psnr, "PSNR in dB with the target's range as peak.");
  def_metric(m, "pearson", eval::pearson, "Pearson correlation coefficient of two real images.");
  m.def(
      "ssim",
      [](const py::handle& target, const py::handle& prediction, std::optional<double> data_range) {
        const auto [t, p] = image_pair(target, prediction);
        py::gil_scoped_release release;
        const double range = data_range ? *data_range : (t.tensor.max() - t.tensor.min()).item<double>();
        return eval::ssim(t.tensor, p.tensor, range);
      },
      py::arg("target"), py::arg("prediction"), py::arg("data_range") = py::none(),
      "SSIM (7 x 7 window, as scikit-image's structural_similarity); data_range defaults to the target's "
      "range.");
  m.def(
      "frc",
      [](const py::handle& target, const py::handle& prediction, double sigma) {
        const auto [t, p] = image_pair(target, prediction);
        std::vector<double> curve;
        {
          py::gil_scoped_release release;
          curve = eval::frc_curve(t.tensor, p.tensor, sigma);
        }
        py::dict out;
        out["curve"] = curve;
        out["frc50"] = eval::frc_crossing(curve, 0.5);
        out["frc1over7"] = eval::frc_crossing(curve, 1.0 / 7.0);
        return out;
      },
      py::arg("target"), py::arg("prediction"), py::arg("smoothing_sigma") = 0.0,
      "Fourier ring correlation of two real images: the curve (one value per ring) and where it crosses 0.5 "
      "and 1/7 (in rings).");
}

}  // namespace ptychopinn::python
