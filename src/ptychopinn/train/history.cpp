#include "ptychopinn/train/history.h"

#include <cstdio>
#include <sstream>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::train {
namespace {

constexpr const char* kHeader = "epoch,train_loss,val_loss,lr,seconds";

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

std::string history_to_csv(const std::vector<EpochRecord>& history) {
  std::string out = std::string(kHeader) + "\n";
  for (const auto& r : history) {
    out += std::to_string(r.epoch) + "," + number(r.train_loss) + "," +
           (r.val_loss ? number(*r.val_loss) : "") + "," + number(r.learning_rate) + "," + number(r.seconds) +
           "\n";
  }
  return out;
}

std::vector<EpochRecord> history_from_csv(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) {
    throw_io_error(source, "history.csv: first line is '" + line + "'; expected '" + kHeader + "'");
  }
  std::vector<EpochRecord> history;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',')) cells.push_back(cell);
    if (cells.size() == 4 && line.back() == ',') cells.emplace_back();
    if (cells.size() != 5) {
      throw_io_error(source, "history.csv line " + std::to_string(line_number) + ": " +
                                 std::to_string(cells.size()) + " cells; expected 5 (" + kHeader + ")");
    }
    try {
      EpochRecord r;
      r.epoch = std::stoi(cells[0]);
      r.train_loss = std::stod(cells[1]);
      if (!cells[2].empty()) r.val_loss = std::stod(cells[2]);
      r.learning_rate = std::stod(cells[3]);
      r.seconds = std::stod(cells[4]);
      history.push_back(r);
    } catch (const std::exception&) {
      throw_io_error(source, "history.csv line " + std::to_string(line_number) + ": '" + line +
                                 "' is not numbers; expected " + kHeader);
    }
  }
  return history;
}

}  // namespace ptychopinn::train
