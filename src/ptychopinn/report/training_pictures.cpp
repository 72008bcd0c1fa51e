#include "ptychopinn/report/training_pictures.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ptychopinn/render/figure.h"
#include "ptychopinn/render/line_plot.h"

namespace ptychopinn::report {

render::RgbImage training_curves(const std::vector<train::EpochRecord>& history) {
  render::Font font;
  std::vector<double> epoch, train_loss, val_loss, lr;
  for (const auto& r : history) {
    epoch.push_back(r.epoch);
    train_loss.push_back(r.train_loss);
    val_loss.push_back(r.val_loss.value_or(std::numeric_limits<double>::quiet_NaN()));
    lr.push_back(r.learning_rate);
  }
  // The Poisson NLL without its constant term is negative at counts scale; the excess over the
  // best epoch is what shows progress on a log axis.
  double floor = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < epoch.size(); ++i) {
    floor = std::min(floor, train_loss[i]);
    if (std::isfinite(val_loss[i])) floor = std::min(floor, val_loss[i]);
  }
  const bool shift = std::isfinite(floor) && floor <= 0;
  auto shifted = [&](std::vector<double> v) {
    if (!shift) return v;
    const double offset = -floor + 1e-3 * std::max(1.0, std::abs(floor));
    for (auto& x : v) x += offset;
    return v;
  };
  render::PlotSpec loss;
  loss.title = "loss";
  loss.x_label = "epoch";
  loss.y_label = shift ? "loss - min(loss) + ε" : "loss";
  loss.log_y = true;
  loss.height = 360;
  loss.series.push_back({"training", epoch, shifted(train_loss), render::series_colour(0), false});
  loss.series.push_back({"validation", epoch, shifted(val_loss), render::series_colour(1), false});
  render::PlotSpec rate;
  rate.title = "learning rate";
  rate.x_label = "epoch";
  rate.y_label = "lr";
  rate.log_y = true;
  rate.height = 240;
  rate.series.push_back({"", epoch, lr, render::series_colour(2), false});
  return render::compose_grid({render::line_plot(loss, font), render::line_plot(rate, font)}, 1, "", font);
}

void write_training_curves(const std::string& png_path, const std::vector<train::EpochRecord>& history) {
  render::save_png(png_path, training_curves(history));
}

}  // namespace ptychopinn::report
