// `ptychopinn report`: one self-contained HTML page of a training run, its reconstruction and its
// evaluation.
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/workflow/report_run.h"

namespace ptychopinn::cli {

int run_report(const std::vector<std::string>& args) {
  CLI::App app{
      "Writes one self-contained HTML page (pictures embedded) with a training run's curves and\n"
      "settings and, when given, its reconstruction (--inference) and evaluation (--evaluation).",
      "report"};
  std::string run_dir, inference, evaluation, output;
  app.add_option("RUN_DIR", run_dir, "output folder of `ptychopinn train`")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--inference", inference, "output folder of `ptychopinn infer`")
      ->check(CLI::ExistingDirectory);
  app.add_option("--evaluation", evaluation, "output folder of `ptychopinn evaluate`")
      ->check(CLI::ExistingDirectory);
  app.add_option("-o,--output", output, "the page (default RUN_DIR/report.html)");
  if (auto rc = parse_args(app, args)) return *rc;

  workflow::ReportInputs in;
  in.run_dir = run_dir;
  if (!inference.empty()) in.inference_dir = inference;
  if (!evaluation.empty()) in.evaluation_dir = evaluation;
  std::cout << workflow::report_run(
                   in, output.empty() ? std::nullopt : std::optional<std::filesystem::path>(output))
            << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
