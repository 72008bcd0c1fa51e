#pragma once
// "Did you mean" suggestions for unknown keys, flags, subcommands and enum spellings.
#include <string>
#include <vector>

namespace ptychopinn {

// Levenshtein distance between a and b (insertions, deletions, substitutions each cost 1).
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, or "" when none is close enough to be a plausible typo
// (distance at most max(2, |word| / 3)). Comparison is case-insensitive.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" when closest_match finds one, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace ptychopinn
