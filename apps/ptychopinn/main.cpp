// `ptychopinn`: one binary, a command table, one handler per subcommand.
#include <cstdio>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"
#include "ptychopinn/distributed/communicator.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/spelling.h"

namespace ptychopinn::cli {
namespace {

constexpr Command kCommands[] = {
    {"config", "print the effective configuration (profile + YAML + --set) as YAML, JSON or legacy params",
     run_config},
    {"inspect", "list the members of an NPY/NPZ file and check a dataset against the data contract",
     run_inspect},
    {"simulate", "simulate a dataset with ground truth (object, probe, scan, Poisson counts) as an NPZ",
     run_simulate},
    {"train", "train a model on a dataset: model archive, training curves, log and checkpoints", run_train},
    {"infer", "reconstruct a scan with a trained model: stitched object, pictures, ptychodus product",
     run_infer},
    {"iterate", "reconstruct a scan iteratively (LSQML, rPIE) with probe and position refinement; the hybrid",
     run_iterate},
    {"evaluate", "compare a reconstruction with the ground truth: metrics.json and pictures", run_evaluate},
    {"report", "one HTML page of a training run, its reconstruction and evaluation", run_report},
    {"convert",
     "convert a scan (tike NPZ, CXI, ptychodus files) into a contract dataset, or back to ptychodus",
     run_convert},
    {"version", "print the ptychopinn and LibTorch versions and the devices available", run_version},
};

void print_help(std::ostream& out) {
  out << "ptychopinn: physics-informed neural network ptychography (PtychoPINN) on LibTorch\n\n"
         "usage: ptychopinn <command> [options]\n"
         "       ptychopinn <command> --help\n\n"
         "commands:\n";
  for (const auto& c : kCommands) {
    std::string name = c.name;
    name.resize(12, ' ');
    out << "  " << name << c.summary << "\n";
  }
  out << "\noptions:\n"
         "  -h, --help   show this help\n"
         "  --version    print the version (same as `ptychopinn version`)\n\n"
         "Documentation: docs/cli.md; conventions and file formats: docs/.\n";
}

const Command* find_command(const std::string& name) {
  for (const auto& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

int dispatch(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_help(std::cerr);
    return 1;
  }
  const std::string name = args.front();
  if (name == "-h" || name == "--help" || name == "help") {
    if (args.size() > 1 && find_command(args[1])) {
      return find_command(args[1])->run({"--help"});
    }
    print_help(std::cout);
    return 0;
  }
  if (name == "--version" || name == "-V") return run_version({});
  const Command* cmd = find_command(name);
  if (!cmd) {
    std::vector<std::string> names;
    for (const auto& c : kCommands) names.emplace_back(c.name);
    std::cerr << "ptychopinn: unknown command '" << name << "'" << did_you_mean(name, names)
              << "\nRun `ptychopinn --help` for the list of commands.\n";
    return 1;
  }
  return cmd->run(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace
}  // namespace ptychopinn::cli

int main(int argc, char** argv) {
  // The one place that catches everything: print it and choose the exit code. Everywhere else an
  // exception is only caught to add context and rethrown, never swallowed.
  try {
    return ptychopinn::cli::dispatch(argc, argv);
  } catch (const ptychopinn::IoError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::out_of_range& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const ptychopinn::NumericalError& e) {
    // A diverging training is a property of the data and settings, not a bug of the program.
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const ptychopinn::distributed::CommunicationError& e) {
    // Another rank of a distributed run died or hung: this rank stops; nothing was written.
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 2;
  }
}
