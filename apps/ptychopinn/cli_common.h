#pragma once
// Argument parsing shared by the subcommands (CLI11), with the project's exit codes.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/workflow/reconstruction_outputs.h"

namespace ptychopinn::cli {

// Parses args (without program and subcommand names) into app. Returns std::nullopt when the
// command should go on, or the exit code to return now: 0 after --help, 1 after a usage error
// (the message and a hint are printed to stderr).
std::optional<int> parse_args(CLI::App& app, const std::vector<std::string>& args);

// --phase_display robust|ramp|cyclic, as infer and iterate offer it; sets `display`.
void add_phase_display_option(CLI::App& app, workflow::PhaseDisplay& display);

}  // namespace ptychopinn::cli
