#pragma once
// The per-epoch training history (history.csv: epoch, train_loss, val_loss, lr, seconds, and the
// collapse check's amplitude_spread, phase_spread, pattern_correlation, collapsed).
#include <optional>
#include <string>
#include <vector>

namespace ptychopinn::train {

struct EpochRecord {
  int epoch = 0;  // 1-based, as printed
  double train_loss = 0;
  std::optional<double> val_loss;  // none without a validation set (written as an empty cell)
  double learning_rate = 0;
  double seconds = 0;
  // The collapse check on a fixed set of groups (collapse_check.h); empty cells when not measured
  // (and in a history written before the check existed).
  std::optional<double> amplitude_spread, phase_spread, pattern_correlation;
  // A flat object (looks_collapsed), or an output that has ignored the patterns for several epochs
  // (ignores_patterns).
  bool collapsed = false;
};

// "epoch,train_loss,val_loss,lr,seconds,amplitude_spread,phase_spread,pattern_correlation,collapsed\n"
// and one line per record, with full precision (collapsed as 0 or 1).
std::string history_to_csv(const std::vector<EpochRecord>& history);
// Inverse of history_to_csv, which also reads the five-column history of earlier versions; throws
// IoError naming `source` and the line for anything else.
std::vector<EpochRecord> history_from_csv(const std::string& text, const std::string& source);

}  // namespace ptychopinn::train
