// Datasets and simulation for Python: a dataset file opened through the same contract checks as the
// CLI, or one built from NumPy arrays (held in memory as named members and checked by the same
// contract code as a file's, so both go through one code path); simulate writes NPZ files.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <memory>
#include <utility>
#include <vector>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/simulate/simulate_dataset.h"
#include "py_dataset.h"

namespace ptychopinn::python {
namespace {

// A private copy of an argument's tensor as an array member (the caller's array may change later).
io::NpyArray member(const TensorView& view) { return io::from_tensor(view.tensor.contiguous().clone()); }

}  // namespace

PyDataset PyDataset::open(const std::string& path, bool strict, std::optional<int64_t> n_subsample) {
  data::DatasetOptions options;
  options.strict = strict;
  options.n_subsample = n_subsample;
  PyDataset d;
  {
    py::gil_scoped_release release;
    d.dataset = std::make_shared<const data::Dataset>(data::load_dataset(path, options));
  }
  return d;
}

PyDataset PyDataset::from_arrays(const py::handle& diffraction, const py::handle& xcoords,
                                 const py::handle& ycoords, const py::handle& probe, const py::handle& object,
                                 const py::handle& metadata, const std::string& name) {
  std::vector<std::pair<std::string, io::NpyArray>> members;
  members.emplace_back("diffraction", member(as_tensor(diffraction, torch::kFloat32, "diffraction", 3)));
  const TensorView x = as_tensor(xcoords, torch::kFloat64, "xcoords", 1);
  members.emplace_back("xcoords", member(x));
  members.emplace_back("ycoords", member(as_tensor(ycoords, torch::kFloat64, "ycoords", 1)));
  members.emplace_back("scan_index", io::NpyArray::zeros(io::DType::kInt64, {x.tensor.numel()}));
  members.emplace_back("probeGuess", member(as_tensor(probe, torch::kComplexFloat, "probe", 2)));
  if (!object.is_none())
    members.emplace_back("objectGuess", member(as_tensor(object, torch::kComplexFloat, "object", 2)));
  if (!metadata.is_none()) {
    members.emplace_back("_metadata", io::NpyArray::scalar_string(to_json(metadata, "metadata").dump()));
  }
  PyDataset d;
  d.arrays = std::make_shared<const io::NpzReader>(
      io::NpzReader::from_arrays("Dataset(" + name + ")", std::move(members)));
  py::gil_scoped_release release;
  d.dataset = std::make_shared<const data::Dataset>(data::load_dataset(*d.arrays));
  return d;
}

PyDataset PyDataset::argument(const py::handle& value) {
  if (py::isinstance<PyDataset>(value)) return value.cast<PyDataset>();
  if (py::isinstance<py::str>(value) || py::hasattr(value, "__fspath__")) {
    return PyDataset::open(py::str(value).cast<std::string>(), false, std::nullopt);
  }
  throw std::invalid_argument("data: a " + py::str(value.get_type().attr("__name__")).cast<std::string>() +
                              "; expected a ptychopinn.Dataset or the path of a dataset NPZ");
}

data::DataSource PyDataset::source() const {
  data::DataSource s;
  if (arrays) {
    s.arrays = arrays;
  } else {
    s.path = dataset->path();
  }
  return s;
}

py::array PyDataset::diffraction() const {
  const int64_t m = dataset->size(), n = dataset->pattern_size();
  auto out = torch::empty({m, n, n}, torch::kFloat32);
  {
    py::gil_scoped_release release;
    for (int64_t i = 0; i < m; ++i) dataset->copy_pattern(i, out.data_ptr<float>() + i * n * n);
  }
  return to_numpy(out);
}

void bind_data(py::module_& m) {
  py::class_<PyDataset>(m, "Dataset",
                        R"(A ptychography dataset that follows the data contract (docs/formats.md):
diffraction amplitudes [M, N, N] (sqrt of counts, DC at the centre), scan positions in object pixels,
the probe, and optionally the object and _metadata. Open a file with ptychopinn.load_dataset(path), or
build one from arrays with Dataset(diffraction, xcoords, ycoords, probe, object=None, metadata=None).)")
      .def(py::init([](const py::handle& diffraction, const py::handle& xcoords, const py::handle& ycoords,
                       const py::handle& probe, const py::handle& object, const py::handle& metadata,
                       const std::string& name) {
             return PyDataset::from_arrays(diffraction, xcoords, ycoords, probe, object, metadata, name);
           }),
           py::arg("diffraction"), py::arg("xcoords"), py::arg("ycoords"), py::arg("probe"),
           py::arg("object") = py::none(), py::arg("metadata") = py::none(), py::arg("name") = "dataset",
           "Checks the arrays as a dataset file would be checked (ValueError naming the key otherwise).")
      .def_property_readonly("path", [](const PyDataset& d) { return d.dataset->path(); })
      .def("__len__", [](const PyDataset& d) { return d.dataset->size(); })
      .def_property_readonly("size", [](const PyDataset& d) { return d.dataset->size(); })
      .def_property_readonly("pattern_size", [](const PyDataset& d) { return d.dataset->pattern_size(); })
      .def_property_readonly("diffraction", &PyDataset::diffraction, "[M, N, N] float32 amplitudes (a copy)")
      .def_property_readonly(
          "xcoords",
          [](const PyDataset& d) { return to_numpy(torch::tensor(d.dataset->x(), torch::kFloat64)); })
      .def_property_readonly(
          "ycoords",
          [](const PyDataset& d) { return to_numpy(torch::tensor(d.dataset->y(), torch::kFloat64)); })
      .def_property_readonly("probe", [](const PyDataset& d) { return to_numpy(d.dataset->probe()); })
      .def_property_readonly("object",
                             [](const PyDataset& d) -> py::object {
                               if (!d.dataset->object()) return py::none();
                               return to_numpy(*d.dataset->object());
                             })
      .def_property_readonly("metadata", [](const PyDataset& d) { return from_json(d.dataset->metadata()); })
      .def_property_readonly("nphotons",
                             [](const PyDataset& d) -> py::object {
                               if (auto n = d.dataset->metadata_nphotons()) return py::float_(*n);
                               return py::none();
                             })
      .def_property_readonly("warnings", [](const PyDataset& d) { return d.dataset->warnings(); })
      .def("__repr__", [](const PyDataset& d) {
        return "<ptychopinn.Dataset " + std::to_string(d.dataset->size()) + " patterns of " +
               std::to_string(d.dataset->pattern_size()) + "x" + std::to_string(d.dataset->pattern_size()) +
               " from " + d.dataset->path() + ">";
      });

  m.def("load_dataset", &PyDataset::open, py::arg("path"), py::arg("strict") = false,
        py::arg("n_subsample") = py::none(),
        "Opens a dataset NPZ (memory-mapped); strict=True refuses data that looks like intensity.");

  m.def(
      "simulate",
      [](const std::string& output, const py::dict& options,
         const std::function<void(int64_t, int64_t)>& progress) {
        simulate::SimulationConfig c;
        for (const auto& item : options) {
          const std::string key = py::str(item.first).cast<std::string>();
          const py::handle v = item.second;
          if (key == "object")
            c.object = v.cast<std::string>();
          else if (key == "phase_image")
            c.phase_image = v.cast<std::string>();
          else if (key == "set_phi")
            c.set_phi = v.cast<bool>();
          else if (key == "object_size")
            c.object_size = v.cast<int64_t>();
          else if (key == "N")
            c.N = v.cast<int64_t>();
          else if (key == "gridsize")
            c.gridsize = v.cast<int64_t>();
          else if (key == "scan")
            c.scan = simulate::parse_scan_kind(v.cast<std::string>());
          else if (key == "offset")
            c.offset = v.cast<int64_t>();
          else if (key == "outer_offset")
            c.outer_offset = v.cast<int64_t>();
          else if (key == "n_images")
            c.n_images = v.cast<int64_t>();
          else if (key == "jitter")
            c.jitter = v.cast<double>();
          else if (key == "probe")
            c.probe = v.cast<std::string>();
          else if (key == "probe_scale")
            c.probe_scale = v.cast<double>();
          else if (key == "nphotons")
            c.nphotons = v.cast<double>();
          else if (key == "noise")
            c.noise = simulate::parse_noise_model(v.cast<std::string>());
          else if (key == "seed")
            c.seed = v.cast<std::uint64_t>();
          else if (key == "split")
            c.split = v.cast<double>();
          else if (key == "compress")
            c.compress = v.cast<bool>();
          else
            throw std::invalid_argument("simulate: unknown option '" + key + "'");
        }
        simulate::SimulationSummary summary;
        {
          py::gil_scoped_release release;
          simulate::SimulationProgress report;
          if (progress) {
            report = [&progress](int64_t done, int64_t total) {
              py::gil_scoped_acquire acquire;
              progress(done, total);
            };
          }
          summary = simulate::simulate_dataset(c, output, report);
        }
        return from_json(summary.to_json());
      },
      py::arg("output"), py::arg("options"), py::arg("progress") = nullptr,
      "Simulates a dataset (the options of `ptychopinn simulate`) into output (or its _train/_test "
      "halves with split); returns the summary.");
}

}  // namespace ptychopinn::python
