// ptychodus' scan geometry for the Python reconstructor library (ptychopinn.ptychodus): what ptychodus
// hands a reconstructor (counts, bad pixels, positions in metres, the object's geometry) becomes
// amplitudes and object-pixel positions, and training data, through the same C++ functions the file
// converter uses (convert/ptychodus_scan.h), so the mapping exists once.
//
// The object's geometry and the product's metadata cross as dicts with ptychodus' own field names
// (ObjectGeometry: width_px, height_px, pixel_width_m, pixel_height_m, center_x_m, center_y_m;
// ProductMetadata: name, detector_distance_m, probe_energy_eV, probe_photon_count, exposure_time_s).
#include <pybind11/stl.h>

#include <optional>

#include "ptychopinn/convert/contract_data.h"
#include "ptychopinn/convert/ptychodus_scan.h"
#include "py_convert.h"

namespace ptychopinn::python {
namespace {

// dict[key] as T; ValueError naming the argument and key when it is missing or of another type.
template <class T>
T field(const py::dict& d, const char* key, const std::string& what) {
  if (!d.contains(key)) throw std::invalid_argument(what + ": no '" + key + "'");
  try {
    return d[key].cast<T>();
  } catch (const py::cast_error&) {
    throw std::invalid_argument(what + "['" + key + "']: " + py::repr(d[key]).cast<std::string>() +
                                "; expected a number");
  }
}

io::ProductObject object_geometry(const py::dict& g) {
  const std::string what = "object_geometry";
  io::ProductObject o;
  o.width = field<int64_t>(g, "width_px", what);
  o.height = field<int64_t>(g, "height_px", what);
  o.pixel_width_m = field<double>(g, "pixel_width_m", what);
  o.pixel_height_m = field<double>(g, "pixel_height_m", what);
  o.center_x_m = field<double>(g, "center_x_m", what);
  o.center_y_m = field<double>(g, "center_y_m", what);
  return o;
}

io::ProductMetadata product_metadata(const py::dict& d) {
  const std::string what = "metadata";
  io::ProductMetadata m;
  if (d.contains("name")) m.name = py::str(d["name"]).cast<std::string>();
  if (d.contains("detector_distance_m"))
    m.detector_distance_m = field<double>(d, "detector_distance_m", what);
  if (d.contains("probe_energy_eV")) m.probe_energy_ev = field<double>(d, "probe_energy_eV", what);
  if (d.contains("probe_photon_count")) m.probe_photon_count = field<double>(d, "probe_photon_count", what);
  if (d.contains("exposure_time_s")) m.exposure_time_s = field<double>(d, "exposure_time_s", what);
  return m;
}

// The NumPy views stay alive with the input: the tensors point into their memory.
struct InputArrays {
  TensorView counts;
  std::optional<TensorView> bad_pixels;
  TensorView x_m, y_m;
  std::optional<TensorView> probe;
  convert::PtychodusInput input;
};

InputArrays input_of(const py::handle& counts, const py::handle& bad_pixels, const py::handle& x_m,
                     const py::handle& y_m, const py::dict& geometry) {
  InputArrays a{as_tensor(counts, torch::kFloat32, "counts", 3),
                std::nullopt,
                as_tensor(x_m, torch::kFloat64, "x_m", 1),
                as_tensor(y_m, torch::kFloat64, "y_m", 1),
                std::nullopt,
                {}};
  a.input.counts = a.counts.tensor;
  if (!bad_pixels.is_none()) {
    a.bad_pixels = as_tensor(bad_pixels, torch::kBool, "bad_pixels", 2);
    a.input.bad_pixels = a.bad_pixels->tensor;
  }
  const auto* xs = a.x_m.tensor.data_ptr<double>();
  const auto* ys = a.y_m.tensor.data_ptr<double>();
  a.input.x_m.assign(xs, xs + a.x_m.tensor.numel());
  a.input.y_m.assign(ys, ys + a.y_m.tensor.numel());
  a.input.object = object_geometry(geometry);
  a.input.where = "ptychodus reconstruct input";
  return a;
}

py::array_t<double> numpy_of(const std::vector<double>& v) { return py::array_t<double>(v.size(), v.data()); }

}  // namespace

void bind_ptychodus(py::module_& m) {
  m.def(
      "ptychodus_pixels",
      [](const py::handle& counts, const py::handle& bad_pixels, const py::handle& x_m, const py::handle& y_m,
         const py::dict& object_geometry) {
        const InputArrays a = input_of(counts, bad_pixels, x_m, y_m, object_geometry);
        convert::PtychodusPixels px;
        {
          py::gil_scoped_release release;
          px = convert::ptychodus_pixels(a.input);
        }
        py::dict out;
        out["amplitudes"] = to_numpy(px.amplitudes);
        out["x_px"] = numpy_of(px.x_px);
        out["y_px"] = numpy_of(px.y_px);
        out["object_pixel_size_m"] = px.object_pixel_size_m;
        out["bad_pixels"] = px.bad_pixels;
        return out;
      },
      py::arg("counts"), py::arg("bad_pixels"), py::arg("x_m"), py::arg("y_m"), py::arg("object_geometry"),
      "ptychodus' reconstruct input in object pixels: counts [M, H, H] (any real type), bad_pixels [H, H] "
      "(True = bad, or None), probe positions x_m, y_m [M] in metres paired with the patterns, and the "
      "object's geometry (a dict of ptychodus' ObjectGeometry fields). Returns a dict: amplitudes [M, H, H] "
      "float32 (sqrt(counts), bad pixels 0), x_px, y_px [M] (ptychodus' mapping onto the object grid), "
      "object_pixel_size_m, bad_pixels (how many).");

  m.def(
      "ptychodus_metres",
      [](const py::handle& x_px, const py::handle& y_px, const py::dict& geometry) {
        const TensorView x = as_tensor(x_px, torch::kFloat64, "x_px", 1);
        const TensorView y = as_tensor(y_px, torch::kFloat64, "y_px", 1);
        const io::ProductObject o = object_geometry(geometry);
        std::vector<double> xs(static_cast<size_t>(x.tensor.numel())),
            ys(static_cast<size_t>(y.tensor.numel()));
        for (size_t k = 0; k < xs.size(); ++k)
          xs[k] = convert::ptychodus_x_m(o, x.tensor.data_ptr<double>()[k]);
        for (size_t k = 0; k < ys.size(); ++k)
          ys[k] = convert::ptychodus_y_m(o, y.tensor.data_ptr<double>()[k]);
        return py::make_tuple(numpy_of(xs), numpy_of(ys));
      },
      py::arg("x_px"), py::arg("y_px"), py::arg("object_geometry"),
      "Object-pixel positions back to world metres (ptychodus' mapping the other way): returns (x_m, y_m).");

  m.def(
      "write_ptychodus_training_data",
      [](const std::string& path, const py::handle& counts, const py::handle& bad_pixels,
         const py::handle& x_m, const py::handle& y_m, const py::dict& object_geometry,
         const py::handle& probe, const py::handle& object, const py::dict& metadata, double probe_scale) {
        InputArrays a = input_of(counts, bad_pixels, x_m, y_m, object_geometry);
        a.input.where = path;
        a.probe = as_tensor(probe, torch::kComplexFloat, "probe", 2);
        a.input.probe = a.probe->tensor;
        if (!object.is_none()) {
          const TensorView o = as_tensor(object, torch::kComplexFloat, "object", 2);
          if (o.tensor.size(0) != a.input.object.height || o.tensor.size(1) != a.input.object.width) {
            throw std::invalid_argument(
                "object: shape " + c10::str(o.tensor.sizes()) + "; expected the geometry's [" +
                std::to_string(a.input.object.height) + ", " + std::to_string(a.input.object.width) + "]");
          }
          const auto* v =
              reinterpret_cast<const std::complex<float>*>(o.tensor.data_ptr<c10::complex<float>>());
          a.input.object.values.assign(v, v + o.tensor.numel());
        }
        a.input.metadata = product_metadata(metadata);
        convert::PtychodusConvertOptions options;
        options.probe_scale = probe_scale;
        nlohmann::json meta;
        {
          py::gil_scoped_release release;
          const convert::ContractData c = convert::contract_from_ptychodus_input(
              a.input, options, {{"exported_by", "ptychopinn.ptychodus export_training_data"}}, {});
          convert::write_contract_npz(path, c);
          meta = c.metadata;
        }
        return from_json(meta);
      },
      py::arg("path"), py::arg("counts"), py::arg("bad_pixels"), py::arg("x_m"), py::arg("y_m"),
      py::arg("object_geometry"), py::arg("probe"), py::arg("object"), py::arg("metadata"),
      py::arg("probe_scale"),
      "Writes ptychodus' reconstruct input as a contract NPZ (what `ptychopinn convert` writes for "
      "ptychodus' "
      "files): amplitudes, positions in object pixels, the probe (mode 0, normalised to probe_scale), the "
      "object (layer 0, [H, W] complex, or None) as objectGuess, and _metadata (the mean counts as nphotons, "
      "the object pixel size, the product's metadata: a dict of ptychodus' ProductMetadata fields). Returns "
      "the _metadata written (its 'notes' say what was changed).");
}

}  // namespace ptychopinn::python
