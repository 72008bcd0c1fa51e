#include "ptychopinn/train/history.h"

#include <cstdio>
#include <sstream>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::train {
namespace {

constexpr const char* kHeader =
    "epoch,train_loss,val_loss,lr,seconds,amplitude_spread,phase_spread,pattern_correlation,collapsed";
constexpr const char* kHeaderWithoutCollapse = "epoch,train_loss,val_loss,lr,seconds";

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

std::string cell(const std::optional<double>& v) { return v ? number(*v) : ""; }

std::optional<double> optional_number(const std::string& cell) {
  if (cell.empty()) return std::nullopt;
  return std::stod(cell);
}

}  // namespace

std::string history_to_csv(const std::vector<EpochRecord>& history) {
  std::string out = std::string(kHeader) + "\n";
  for (const auto& r : history) {
    out += std::to_string(r.epoch) + "," + number(r.train_loss) + "," + cell(r.val_loss) + "," +
           number(r.learning_rate) + "," + number(r.seconds) + "," + cell(r.amplitude_spread) + "," +
           cell(r.phase_spread) + "," + cell(r.pattern_correlation) + "," + (r.collapsed ? "1" : "0") + "\n";
  }
  return out;
}

std::vector<EpochRecord> history_from_csv(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || (line != kHeader && line != kHeaderWithoutCollapse)) {
    throw_io_error(source, "history.csv: first line is '" + line + "'; expected '" + kHeader + "'");
  }
  const std::string header = line;
  const size_t columns = line == kHeader ? 9 : 5;
  std::vector<EpochRecord> history;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (cells.size() != columns) {
      throw_io_error(source, "history.csv line " + std::to_string(line_number) + ": " +
                                 std::to_string(cells.size()) + " cells; expected " +
                                 std::to_string(columns) + " (" + header + ")");
    }
    try {
      EpochRecord r;
      r.epoch = std::stoi(cells[0]);
      r.train_loss = std::stod(cells[1]);
      r.val_loss = optional_number(cells[2]);
      r.learning_rate = std::stod(cells[3]);
      r.seconds = std::stod(cells[4]);
      if (columns == 9) {
        r.amplitude_spread = optional_number(cells[5]);
        r.phase_spread = optional_number(cells[6]);
        r.pattern_correlation = optional_number(cells[7]);
        if (cells[8] != "0" && cells[8] != "1") throw std::invalid_argument("collapsed");
        r.collapsed = cells[8] == "1";
      }
      history.push_back(r);
    } catch (const std::exception&) {
      throw_io_error(source, "history.csv line " + std::to_string(line_number) + ": '" + line +
                                 "' is not numbers; expected " + header);
    }
  }
  return history;
}

}  // namespace ptychopinn::train
