#include "ptychopinn/workflow/report_run.h"

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/report/training_pictures.h"
#include "ptychopinn/train/collapse_check.h"
#include "ptychopinn/train/history.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/version.h"
#include "ptychopinn/workflow/run_layout.h"

namespace ptychopinn::workflow {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string image_tag(const std::string& png_bytes, const std::string& alt) {
  return "<img alt=\"" + escape(alt) + "\" src=\"data:image/png;base64," + base64(png_bytes) + "\">";
}

std::string png_or_note(const fs::path& path, const std::string& alt) {
  const auto bytes = read_file(path);
  return bytes ? image_tag(*bytes, alt) : "<p class=\"note\">" + escape(path.string()) + " is missing.</p>";
}

std::string number(const nlohmann::json& v) {
  if (!v.is_number()) return "–";
  std::ostringstream s;
  s.precision(4);
  s << v.get<double>();
  return s.str();
}

std::string metrics_table(const nlohmann::json& m) {
  static const char* kRows[] = {"ssim", "ms_ssim",     "pearson", "mae",      "mse",
                                "psnr", "psnr_legacy", "frc50",   "frc1over7"};
  std::string html = "<table><tr><th>metric</th><th>amplitude</th><th>phase</th></tr>";
  for (const char* key : kRows) {
    html += std::string("<tr><td>") + key + "</td><td>" +
            number(m.value("amplitude", nlohmann::json::object()).value(key, nlohmann::json())) +
            "</td><td>" + number(m.value("phase", nlohmann::json::object()).value(key, nlohmann::json())) +
            "</td></tr>";
  }
  return html + "</table>";
}

}  // namespace

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

namespace {

// The collapse check of every epoch (train/collapse_check.h): a warning naming the epochs of each
// failure (a flat object, or an output that does not follow the patterns), and the measures of the
// last epoch.
std::string collapse_section(const std::vector<train::EpochRecord>& history) {
  std::ostringstream html;
  std::vector<int> flat, ignoring;
  for (const auto& r : history) {
    if (!r.collapsed) continue;
    const bool is_flat =
        r.amplitude_spread && r.phase_spread && r.pattern_correlation &&
        train::looks_collapsed({*r.amplitude_spread, *r.phase_spread, *r.pattern_correlation});
    (is_flat ? flat : ignoring).push_back(r.epoch);
  }
  const auto epochs = [](const std::vector<int>& list) {
    std::string text = list.size() > 1 ? "epochs" : "epoch";
    for (size_t i = 0; i < list.size(); ++i) text += (i ? ", " : " ") + std::to_string(list[i]);
    return text;
  };
  const auto& last = history.back();
  if (!flat.empty() || !ignoring.empty()) {
    html << "<p class=\"note\">The network's output";
    if (!flat.empty()) html << " collapsed to a flat object at " << epochs(flat);
    if (!flat.empty() && !ignoring.empty()) html << ", and";
    if (!ignoring.empty())
      html << " did not follow the patterns (the same texture whatever it was shown) at " << epochs(ignoring);
    html << (last.collapsed
                 ? "; it is still collapsed at the end: this model reconstructs nothing (try a lower "
                   "learning rate, or at gridsize 2 and up --overlap_warmup_epochs)."
                 : "; it recovered by the end.")
         << "</p>";
  }
  if (last.amplitude_spread && last.phase_spread && last.pattern_correlation) {
    html << "<p>Collapse check at the last epoch: amplitude spread " << number(*last.amplitude_spread)
         << ", phase spread " << number(*last.phase_spread) << " rad, correlation of the predicted patterns "
         << "with the measured ones " << number(*last.pattern_correlation) << " ("
         << (last.collapsed ? "collapsed" : "not collapsed") << ").</p>";
  }
  return html.str();
}

}  // namespace

std::string html_report(const ReportInputs& in) {
  const auto history_csv = read_file(in.run_dir / layout::kHistory);
  if (!history_csv) {
    throw_io_error((in.run_dir / layout::kHistory).string(),
                   "cannot be read; expected the output folder of `ptychopinn train`");
  }
  const auto history = train::history_from_csv(*history_csv, (in.run_dir / layout::kHistory).string());
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ptychopinn report: "
       << escape(in.run_dir.string())
       << "</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
          "img{max-width:100%;margin:4px}table{border-collapse:collapse}td,th{border:1px solid "
          "#ccc;padding:4px 10px;"
          "text-align:right}pre{background:#f5f5f5;padding:1em;overflow:auto;font-size:85%}.note{color:#a00}<"
          "/style>"
          "</head><body>\n";
  html << "<h1>ptychopinn report</h1><p>training run <code>" << escape(in.run_dir.string())
       << "</code>, ptychopinn " << kVersion << "</p>\n";

  html << "<h2>Training</h2>";
  if (!history.empty()) {
    const auto& last = history.back();
    html << "<p>" << history.size() << " epochs; final training loss " << number(last.train_loss)
         << ", validation loss " << (last.val_loss ? number(*last.val_loss) : std::string("–")) << ".</p>";
    html << collapse_section(history);
    const fs::path curves =
        fs::temp_directory_path() / ("ptychopinn-curves-" + std::to_string(::getpid()) + ".png");
    report::write_training_curves(curves.string(), history);
    html << png_or_note(curves, "training curves");
    std::error_code ec;
    fs::remove(curves, ec);
  }
  if (const auto config = read_file(in.run_dir / layout::kConfig)) {
    html << "<details><summary>configuration (" << layout::kConfig << ")</summary><pre>" << escape(*config)
         << "</pre></details>\n";
  }
  if (in.inference_dir) {
    html << "<h2>Reconstruction</h2>"
         << png_or_note(*in.inference_dir / layout::kAmplitudePicture, "amplitude")
         << png_or_note(*in.inference_dir / layout::kPhasePicture, "phase") << "\n";
  }
  if (in.evaluation_dir) {
    html << "<h2>Evaluation</h2>";
    if (const auto metrics = read_file(*in.evaluation_dir / layout::kMetrics)) {
      try {
        html << metrics_table(nlohmann::json::parse(*metrics));
      } catch (const nlohmann::json::exception& e) {
        html << "<p class=\"note\">" << layout::kMetrics << " is not valid JSON: " << escape(e.what())
             << "</p>";
      }
    } else {
      html << "<p class=\"note\">" << escape((*in.evaluation_dir / layout::kMetrics).string())
           << " is missing.</p>";
    }
    html << png_or_note(*in.evaluation_dir / layout::kComparisonPicture, "comparison")
         << png_or_note(*in.evaluation_dir / layout::kFrcPicture, "FRC") << "\n";
  }
  html << "</body></html>\n";
  return html.str();
}

std::string report_run(const ReportInputs& inputs, const std::optional<std::filesystem::path>& output) {
  const fs::path page = output ? *output : inputs.run_dir / layout::kReport;
  io::write_file_atomic(page.string(), html_report(inputs));
  return page.string();
}

}  // namespace ptychopinn::workflow
