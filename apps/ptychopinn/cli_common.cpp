#include "cli_common.h"

#include <iostream>

#include "ptychopinn/util/spelling.h"

namespace ptychopinn::cli {
namespace {

void collect_option_names(const CLI::App& app, std::vector<std::string>& names) {
  for (const CLI::Option* opt : app.get_options()) {
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
  }
  for (const CLI::App* sub : app.get_subcommands({})) collect_option_names(*sub, names);
}

// CLI11 says which arguments it did not expect; add a "did you mean" for the first unknown flag.
std::string suggestion(const CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> names;
  collect_option_names(app, names);
  for (const auto& a : args) {
    if (a.rfind("--", 0) != 0) continue;
    const std::string flag = a.substr(0, a.find('='));
    bool known = false;
    for (const auto& n : names) known = known || n == flag;
    if (!known) {
      const std::string hint = did_you_mean(flag, names);
      if (!hint.empty()) return "unknown option " + flag + hint;
    }
  }
  return "";
}

}  // namespace

std::optional<int> parse_args(CLI::App& app, const std::vector<std::string>& args) {
  // CLI11 consumes the vector from the back.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "ptychopinn " << app.get_name() << ": " << e.what() << "\n";
    const std::string hint = suggestion(app, args);
    if (!hint.empty()) std::cerr << hint << "\n";
    std::cerr << "Run `ptychopinn " << app.get_name() << " --help` for usage.\n";
    return 1;
  }
  return std::nullopt;
}

void add_phase_display_option(CLI::App& app, workflow::PhaseDisplay& display) {
  app.add_option_function<std::string>(
         "--phase_display,--phase-display",
         [&display](const std::string& s) { display = workflow::parse_phase_display(s); },
         "phase.png: robust (mean phase removed, 1-99 % range of the well-lit region; default), ramp "
         "(also a linear phase ramp removed) or cyclic (-pi ... pi on a cyclic map)")
      ->check(CLI::IsMember({"robust", "ramp", "cyclic"}));
}

}  // namespace ptychopinn::cli
