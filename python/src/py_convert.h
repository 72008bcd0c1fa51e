#pragma once
// The boundary between Python and the C++ library: JSON values <-> Python objects, NumPy arrays
// <-> torch tensors, and the exception types Python sees. Every binding file includes this.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>

namespace ptychopinn::python {

namespace py = pybind11;

// dict/list/str/int/float/bool/None (and NumPy scalars) <-> JSON. Throws ValueError (via
// std::invalid_argument) naming `what` for anything else.
nlohmann::json to_json(const py::handle& value, const std::string& what);
py::object from_json(const nlohmann::json& value);

// A NumPy array (or anything numpy.asarray accepts) as a tensor of `dtype`, C-contiguous. When the
// array already has that dtype and layout the tensor views its memory (no copy): the caller keeps
// `array` alive while the tensor is used. `what` names the argument in errors ("patterns").
// `ndim` >= 0 requires that many dimensions.
struct TensorView {
  py::array array;  // owns the memory the tensor views
  torch::Tensor tensor;
};
TensorView as_tensor(const py::handle& value, torch::ScalarType dtype, const std::string& what,
                     int ndim = -1);

// A tensor as a NumPy array sharing its memory (the array keeps the tensor alive); moved to the CPU
// and made contiguous first when it is not.
py::array to_numpy(torch::Tensor tensor);

// Registers ptychopinn.IoError (an OSError), ptychopinn.NumericalError (an ArithmeticError) and
// ptychopinn.ConfigError (a ValueError) and the translation of the C++ exceptions into them;
// std::invalid_argument becomes ValueError and std::out_of_range IndexError (pybind11's own).
void register_exceptions(py::module_& m);

void bind_config(py::module_& m);
void bind_data(py::module_& m);
void bind_model(py::module_& m);
void bind_eval(py::module_& m);
void bind_iterative(py::module_& m);

}  // namespace ptychopinn::python
