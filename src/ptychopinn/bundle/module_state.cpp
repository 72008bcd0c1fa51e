#include "ptychopinn/bundle/module_state.h"

#include <map>
#include <set>

#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::bundle {
namespace {

// At most this many names are listed in a message; a model has hundreds of tensors.
constexpr std::size_t kMaxNamesListed = 8;

// NumPy's names, which is what the user sees in weights.npz.
std::string dtype_name(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat:
      return "float32";
    case torch::kDouble:
      return "float64";
    case torch::kComplexFloat:
      return "complex64";
    case torch::kComplexDouble:
      return "complex128";
    case torch::kLong:
      return "int64";
    case torch::kInt:
      return "int32";
    case torch::kBool:
      return "bool";
    default:
      return c10::toString(t);
  }
}

std::string list_names(const std::vector<std::string>& names) {
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < names.size() && i < kMaxNamesListed; ++i)
    shown.push_back(ptychopinn::quoted(names[i]));
  if (names.size() > kMaxNamesListed) shown.push_back("... (" + std::to_string(names.size()) + " in all)");
  return join(shown, ", ");
}

// The module's parameters then buffers, by name, as the tensors themselves (not copies).
std::vector<std::pair<std::string, torch::Tensor>> module_tensors(const torch::nn::Module& module) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : module.named_parameters(true)) out.emplace_back(item.key(), item.value());
  for (const auto& item : module.named_buffers(true)) out.emplace_back(item.key(), item.value());
  return out;
}

}  // namespace

NamedTensors state_of(const torch::nn::Module& module) {
  NamedTensors state;
  for (const auto& [name, tensor] : module_tensors(module)) {
    // clone() even on the CPU: the copy must not alias the live parameter.
    state.emplace_back(name, tensor.detach().to(torch::kCPU).clone(torch::MemoryFormat::Contiguous));
  }
  return state;
}

void load_state(torch::nn::Module& module, const NamedTensors& weights, const std::string& source) {
  std::map<std::string, const torch::Tensor*> given;
  std::vector<std::string> given_names;
  for (const auto& [name, tensor] : weights) {
    if (!given.emplace(name, &tensor).second)
      throw_io_error(source, "weight " + ptychopinn::quoted(name) + " appears twice");
    given_names.push_back(name);
  }
  const auto targets = module_tensors(module);
  std::vector<std::string> missing, expected_names;
  for (const auto& [name, target] : targets) {
    expected_names.push_back(name);
    const auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
      continue;
    }
    const torch::Tensor& t = *it->second;
    if (t.sizes() != target.sizes()) {
      throw_io_error(source, "weight " + ptychopinn::quoted(name) + " has shape " +
                                 format_shape(t.sizes().vec()) + " in the archive; the model expects " +
                                 format_shape(target.sizes().vec()));
    }
    if (t.scalar_type() != target.scalar_type()) {
      throw_io_error(source, "weight " + ptychopinn::quoted(name) + " has dtype " +
                                 dtype_name(t.scalar_type()) + " in the archive; the model expects " +
                                 dtype_name(target.scalar_type()));
    }
  }
  std::vector<std::string> unexpected;
  if (given.size() + missing.size() > targets.size()) {
    const std::set<std::string> expected(expected_names.begin(), expected_names.end());
    for (const auto& name : given_names) {
      if (!expected.count(name)) unexpected.push_back(name);
    }
  }
  // Both lists in one message, each suggesting from the other: a renamed tensor shows up in both.
  std::vector<std::string> problems;
  if (!missing.empty()) {
    problems.push_back(std::to_string(missing.size()) +
                       " weight(s) of the model are missing from the archive: " + list_names(missing) +
                       did_you_mean(missing.front(), unexpected));
  }
  if (!unexpected.empty()) {
    problems.push_back(std::to_string(unexpected.size()) +
                       " weight(s) in the archive are not in the model: " + list_names(unexpected) +
                       did_you_mean(unexpected.front(), missing));
  }
  if (!problems.empty()) throw_io_error(source, join(problems, "; "));
  // Everything matches: copy. copy_ into the existing tensors keeps their device and identity.
  torch::NoGradGuard no_grad;
  for (const auto& [name, target] : targets) {
    torch::Tensor dst = target;
    dst.copy_(*given.at(name));
  }
}

}  // namespace ptychopinn::bundle
