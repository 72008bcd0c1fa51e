#pragma once
// The subcommands of `ptychopinn`. Each lives in cmd_<name>.cpp: it parses and validates its
// arguments, calls one library function, and returns the process exit code
// (0 success, 1 user or input error, 2 internal error; docs/architecture.md, Errors).
#include <string>
#include <vector>

namespace ptychopinn::cli {

// args excludes the program and subcommand names.
using CommandHandler = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* summary;  // one line, shown by `ptychopinn help`
  CommandHandler run;
};

int run_version(const std::vector<std::string>& args);
int run_inspect(const std::vector<std::string>& args);
int run_config(const std::vector<std::string>& args);
int run_simulate(const std::vector<std::string>& args);
int run_train(const std::vector<std::string>& args);
int run_infer(const std::vector<std::string>& args);
int run_iterate(const std::vector<std::string>& args);
int run_evaluate(const std::vector<std::string>& args);
int run_report(const std::vector<std::string>& args);
int run_convert(const std::vector<std::string>& args);

}  // namespace ptychopinn::cli
