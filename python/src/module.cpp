// ptychopinn._core: the compiled half of the Python module (python/ptychopinn/__init__.py is the
// other). NumPy arrays in and out; C++ exceptions arrive as Python exceptions with the same message.
#include "ptychopinn/util/version.h"
#include "py_convert.h"

namespace ptychopinn::python {
void bind_ptychodus(pybind11::module_& m);  // bind_ptychodus.cpp
}  // namespace ptychopinn::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  m.doc() = "ptychopinn's compiled core (use the ptychopinn package, not this module directly)";
  m.attr("__version__") = ptychopinn::kVersion;
  ptychopinn::python::register_exceptions(m);
  ptychopinn::python::bind_config(m);
  ptychopinn::python::bind_data(m);
  ptychopinn::python::bind_model(m);
  ptychopinn::python::bind_eval(m);
  ptychopinn::python::bind_iterative(m);
  ptychopinn::python::bind_ptychodus(m);
}
