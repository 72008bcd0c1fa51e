#pragma once
// The Python Dataset: a loaded data::Dataset, and for datasets built from arrays the arrays
// themselves (checked as a file's members are; nothing is written).
#include <memory>
#include <optional>
#include <string>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/data/pipeline.h"
#include "py_convert.h"

namespace ptychopinn::python {

struct PyDataset {
  std::shared_ptr<const data::Dataset> dataset;
  // The arrays of a dataset built from arrays (null for a file).
  std::shared_ptr<const io::NpzReader> arrays;

  // What a run reads: the file, or the arrays.
  data::DataSource source() const;

  static PyDataset open(const std::string& path, bool strict, std::optional<int64_t> n_subsample);
  static PyDataset from_arrays(const py::handle& diffraction, const py::handle& xcoords,
                               const py::handle& ycoords, const py::handle& probe, const py::handle& object,
                               const py::handle& metadata, const std::string& name);
  py::array diffraction() const;
  // The dataset argument of train, reconstruct and iterate: a Dataset, or the path of a dataset file
  // (str or os.PathLike). Throws ValueError for anything else.
  static PyDataset argument(const py::handle& value);
};

}  // namespace ptychopinn::python
