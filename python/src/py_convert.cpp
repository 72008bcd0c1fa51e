#include "py_convert.h"

#include <pybind11/complex.h>

#include <complex>
#include <stdexcept>
#include <vector>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::python {

nlohmann::json to_json(const py::handle& value, const std::string& what) {
  if (value.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<std::int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::dict>(value)) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& item : value.cast<py::dict>()) {
      const std::string key = py::str(item.first).cast<std::string>();
      object[key] = to_json(item.second, what + "['" + key + "']");
    }
    return object;
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    nlohmann::json array = nlohmann::json::array();
    std::size_t i = 0;
    for (const auto& item : value) array.push_back(to_json(item, what + "[" + std::to_string(i++) + "]"));
    return array;
  }
  // NumPy scalars and os.PathLike (config paths).
  const py::module_ numpy = py::module_::import("numpy");
  if (py::isinstance(value, numpy.attr("bool_"))) return value.cast<bool>();
  if (py::isinstance(value, numpy.attr("integer")))
    return py::reinterpret_borrow<py::object>(value).attr("__int__")().cast<std::int64_t>();
  if (py::isinstance(value, numpy.attr("floating")))
    return py::reinterpret_borrow<py::object>(value).attr("__float__")().cast<double>();
  if (py::hasattr(value, "__fspath__")) return value.attr("__fspath__")().cast<std::string>();
  throw std::invalid_argument(what + ": a " + py::str(value.get_type().attr("__name__")).cast<std::string>() +
                              "; expected a bool, int, float, str, None, list or dict");
}

py::object from_json(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(value.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(value.get<std::string>());
    case nlohmann::json::value_t::array: {
      py::list list;
      for (const auto& item : value) list.append(from_json(item));
      return std::move(list);
    }
    case nlohmann::json::value_t::object: {
      py::dict dict;
      for (auto it = value.begin(); it != value.end(); ++it) dict[py::str(it.key())] = from_json(it.value());
      return std::move(dict);
    }
    default:
      return py::none();
  }
}

namespace {

py::dtype numpy_dtype(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat32:
      return py::dtype::of<float>();
    case torch::kFloat64:
      return py::dtype::of<double>();
    case torch::kInt64:
      return py::dtype::of<std::int64_t>();
    case torch::kInt32:
      return py::dtype::of<std::int32_t>();
    case torch::kUInt8:
      return py::dtype::of<std::uint8_t>();
    case torch::kBool:
      return py::dtype("bool");
    case torch::kComplexFloat:
      return py::dtype::of<std::complex<float>>();
    case torch::kComplexDouble:
      return py::dtype::of<std::complex<double>>();
    default:
      throw std::invalid_argument(std::string("no NumPy dtype for tensor type ") + c10::toString(dtype));
  }
}

}  // namespace

TensorView as_tensor(const py::handle& value, torch::ScalarType dtype, const std::string& what, int ndim) {
  const py::module_ numpy = py::module_::import("numpy");
  py::array array;
  try {
    array = numpy.attr("ascontiguousarray")(value);
  } catch (const py::error_already_set& e) {
    throw std::invalid_argument(what + ": not an array (" + std::string(e.what()) + ")");
  }
  const py::dtype want = numpy_dtype(dtype);
  if (!array.dtype().is(want)) {
    const char kind = array.dtype().kind();
    const bool complex_target = dtype == torch::kComplexFloat || dtype == torch::kComplexDouble;
    if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b' && !(kind == 'c' && complex_target)) {
      throw std::invalid_argument(what + ": dtype " + py::str(py::handle(array.dtype())).cast<std::string>() +
                                  "; expected " + py::str(py::handle(want)).cast<std::string>() +
                                  " (or a real number type)");
    }
    array = numpy.attr("ascontiguousarray")(array, want);
  }
  if (ndim >= 0 && array.ndim() != ndim) {
    std::string shape = "(";
    for (py::ssize_t i = 0; i < array.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(array.shape(i));
    shape += array.ndim() == 1 ? ",)" : ")";
    throw std::invalid_argument(what + ": shape " + shape + "; expected " + std::to_string(ndim) +
                                " dimensions");
  }
  std::vector<int64_t> sizes(array.shape(), array.shape() + array.ndim());
  TensorView view;
  view.tensor = torch::from_blob(const_cast<void*>(array.data()), sizes, torch::TensorOptions(dtype));
  view.array = std::move(array);
  return view;
}

py::array to_numpy(torch::Tensor tensor) {
  if (!tensor.device().is_cpu()) tensor = tensor.cpu();
  tensor = tensor.contiguous();
  auto* owner = new torch::Tensor(tensor);
  py::capsule capsule(owner, [](void* p) { delete static_cast<torch::Tensor*>(p); });
  std::vector<py::ssize_t> shape(tensor.sizes().begin(), tensor.sizes().end());
  std::vector<py::ssize_t> strides;
  for (int64_t s : tensor.strides()) strides.push_back(static_cast<py::ssize_t>(s * tensor.element_size()));
  return py::array(numpy_dtype(tensor.scalar_type()), shape, strides, tensor.data_ptr(), capsule);
}

void register_exceptions(py::module_& m) {
  // Custom translators run before pybind11's built-in ones (invalid_argument -> ValueError), so
  // ConfigError, itself an invalid_argument, arrives as ptychopinn.ConfigError.
  py::register_exception<IoError>(m, "IoError", PyExc_OSError);
  py::register_exception<NumericalError>(m, "NumericalError", PyExc_ArithmeticError);
  py::register_exception<config::ConfigError>(m, "ConfigError", PyExc_ValueError);
}

}  // namespace ptychopinn::python
