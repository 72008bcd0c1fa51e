// Training, trained models, reconstruction and stitching for Python. Long calls release the GIL;
// training reports (epoch, batch, loss) to an optional callback, which stops the run by returning
// False (or raising: the run stops at the next batch boundary and the exception reaches the caller).
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <filesystem>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/json_io.h"
#include "ptychopinn/infer/stitch.h"
#include "ptychopinn/train/history.h"
#include "ptychopinn/workflow/reconstruct_run.h"
#include "ptychopinn/workflow/run_layout.h"
#include "ptychopinn/workflow/train_run.h"
#include "py_dataset.h"

namespace ptychopinn::python {

config::TrainingConfig training_config_from(const py::handle& value);  // bind_config.cpp

namespace {

namespace fs = std::filesystem;

struct PyModel {
  std::shared_ptr<infer::TrainedModel> trained;
  // The CPU threads its reconstructions run with (0: automatic, chosen at each call): the ones it
  // was loaded or trained with. The network's Winograd convolutions sum in an order that follows
  // the thread count, so a model keeps one count and gives the same bits for the same input.
  int threads = 0;
};

py::list history_list(const std::vector<train::EpochRecord>& history) {
  py::list out;
  const auto optional = [](const std::optional<double>& v) {
    return v ? py::object(py::float_(*v)) : py::object(py::none());
  };
  for (const auto& r : history) {
    py::dict row;
    row["epoch"] = r.epoch;
    row["train_loss"] = r.train_loss;
    row["val_loss"] = optional(r.val_loss);
    row["lr"] = r.learning_rate;
    row["seconds"] = r.seconds;
    row["amplitude_spread"] = optional(r.amplitude_spread);
    row["phase_spread"] = optional(r.phase_spread);
    row["pattern_correlation"] = optional(r.pattern_correlation);
    row["collapsed"] = r.collapsed;
    out.append(row);
  }
  return out;
}

class PythonObserver : public workflow::TrainRunEvents {
 public:
  explicit PythonObserver(py::object callback) : callback_(std::move(callback)) {}
  void on_batch(const train::BatchReport& r) override {
    if (callback_.is_none() || stop_) return;
    py::gil_scoped_acquire acquire;
    try {
      const py::object answer = callback_(r.epoch + 1, r.batch + 1, r.loss);
      if (!answer.is_none() && !answer.cast<bool>()) stop_ = true;
    } catch (py::error_already_set& e) {
      error_ = std::make_unique<py::error_already_set>(std::move(e));
      stop_ = true;
    }
  }
  bool stop_requested() override { return stop_; }
  // Re-raises what the callback raised, if anything (with the GIL held).
  void rethrow() {
    if (error_) {
      auto e = std::move(error_);
      throw std::move(*e);
    }
  }

 private:
  py::object callback_;
  bool stop_ = false;
  std::unique_ptr<py::error_already_set> error_;
};

fs::path archive_path(const std::string& path) {
  const fs::path p(path);
  if (fs::is_directory(p) || p.extension().empty()) return p / workflow::layout::kArchive;
  return p;
}

py::dict reconstruction_dict(const infer::Reconstruction& r) {
  py::dict out;
  out["object"] = to_numpy(r.image.object);
  out["coverage"] = to_numpy(r.image.coverage);
  out["x_origin_px"] = r.image.grid.x_origin;
  out["y_origin_px"] = r.image.grid.y_origin;
  out["centres"] = to_numpy(r.centres);
  out["patches"] = r.patches.defined() ? py::object(to_numpy(r.patches)) : py::object(py::none());
  out["stitch_crop"] = r.stitch_crop;
  return out;
}

std::optional<infer::StitchGrid> grid_argument(const py::handle& grid) {
  if (grid.is_none()) return std::nullopt;
  const py::dict d = grid.cast<py::dict>();
  infer::StitchGrid g;
  for (const auto& item : d) {
    const std::string key = py::str(item.first).cast<std::string>();
    if (key == "x_origin")
      g.x_origin = item.second.cast<double>();
    else if (key == "y_origin")
      g.y_origin = item.second.cast<double>();
    else if (key == "pixel_width")
      g.pixel_width = item.second.cast<double>();
    else if (key == "pixel_height")
      g.pixel_height = item.second.cast<double>();
    else if (key == "width")
      g.width = item.second.cast<int64_t>();
    else if (key == "height")
      g.height = item.second.cast<int64_t>();
    else
      throw std::invalid_argument("grid: unknown key '" + key +
                                  "'; expected x_origin, y_origin, pixel_width, "
                                  "pixel_height, width, height");
  }
  g.validate();
  return g;
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<PyModel>(m, "Model",
                      R"(A trained model: the network, its probe, intensity scale and configuration,
as stored in a model archive (wts.h5.zip).)")
      .def_static(
          "load",
          [](const std::string& path, const std::string& device, int threads) {
            config::RuntimeConfig runtime;
            runtime.device = config::parse_device(device);
            runtime.threads = threads;
            runtime.validate();
            PyModel model;
            model.threads = threads;
            py::gil_scoped_release release;
            model.trained = std::make_shared<infer::TrainedModel>(workflow::load_model(path, runtime));
            return model;
          },
          py::arg("path"), py::arg("device") = "auto", py::arg("threads") = 0,
          "Loads a model archive, or the wts.h5.zip of a training output folder, on device (auto: CUDA when "
          "LibTorch sees a GPU, else cpu); it loads and reconstructs with threads CPU threads (0: automatic, "
          "the "
          "cores not busy with other work when each call starts).")
      .def(
          "save",
          [](const PyModel& model, const std::string& path) {
            const fs::path target = archive_path(path);
            py::gil_scoped_release release;
            if (!target.parent_path().empty()) fs::create_directories(target.parent_path());
            bundle::save_archive(target, model.trained->archive);
            return target.string();
          },
          py::arg("path"),
          "Writes the archive (atomically) to path, or to path/wts.h5.zip when path is a folder or has no "
          "extension; returns the file written.")
      .def_property_readonly(
          "config",
          [](const PyModel& model) { return from_json(config::to_json(model.trained->archive.config)); })
      .def_property_readonly("probe",
                             [](const PyModel& model) { return to_numpy(model.trained->archive.probe); })
      .def_property_readonly("intensity_scale",
                             [](const PyModel& model) { return model.trained->intensity_scale; })
      .def_property_readonly("N", [](const PyModel& model) { return model.trained->archive.config.model.N; })
      .def_property_readonly(
          "gridsize", [](const PyModel& model) { return model.trained->archive.config.model.gridsize; })
      .def_property_readonly(
          "history",
          [](const PyModel& model) {
            const auto& csv = model.trained->archive.history_csv;
            return history_list(csv.empty() ? std::vector<train::EpochRecord>{}
                                            : train::history_from_csv(csv, bundle::kHistoryMember));
          })
      .def(
          "reconstruct_dataset",
          [](const PyModel& model, const py::handle& data, int64_t batch_size,
             std::optional<int64_t> stitch_crop, const py::handle& grid, bool keep_patches,
             const std::optional<std::string>& output_dir, std::optional<double> pixel_size_m) {
            const PyDataset d = PyDataset::argument(data);
            workflow::ReconstructRunRequest request;
            request.model = model.trained;
            request.config.runtime.threads = model.threads;
            request.data = d.source();
            request.config.batch_size = batch_size;
            request.stitch_crop = stitch_crop;
            request.grid = grid_argument(grid);
            request.keep_patches = keep_patches;
            request.write_files = output_dir.has_value();
            if (output_dir) request.config.output_dir = *output_dir;
            request.pixel_size_m = pixel_size_m;
            workflow::ReconstructRunResult r;
            {
              py::gil_scoped_release release;
              workflow::ReconstructRunEvents events;
              r = workflow::reconstruct_run(std::move(request), events);
            }
            return reconstruction_dict(r.reconstruction);
          },
          py::arg("data"), py::arg("batch_size") = 16, py::arg("stitch_crop") = py::none(),
          py::arg("grid") = py::none(), py::arg("keep_patches") = true, py::arg("output_dir") = py::none(),
          py::arg("pixel_size_m") = py::none(),
          "Reconstructs a dataset (or dataset file); returns a dict with object, coverage, x_origin_px, "
          "y_origin_px, centres, patches and stitch_crop. grid (x_origin, y_origin, pixel_width, "
          "pixel_height, width, height, in object pixels) stitches into a given grid. With output_dir, the "
          "files `ptychopinn infer` writes are written there.");

  m.def(
      "train",
      [](const py::handle& config_values, const py::handle& data,
         const std::optional<std::string>& output_dir, const py::object& progress,
         const std::vector<std::string>& explicit_fields) {
        const PyDataset d = PyDataset::argument(data);
        workflow::TrainRunRequest request;
        request.config = training_config_from(config_values);
        // The fields the caller set: the photon-count rule lets a dataset's own count win over the rest.
        for (const auto& key : explicit_fields) request.origins[key] = "Python";
        request.data = d.source();
        request.write_files = output_dir.has_value();
        if (output_dir) request.config.output_dir = *output_dir;
        PythonObserver observer(progress);
        workflow::TrainRunResult result;
        {
          py::gil_scoped_release release;
          result = workflow::train_run(std::move(request), observer);
        }
        observer.rethrow();
        PyModel model;
        model.trained =
            std::make_shared<infer::TrainedModel>(infer::model_from_archive(result.archive, "training"));
        model.threads = result.archive.config.runtime.threads;
        py::dict out;
        out["history"] = history_list(result.history);
        out["status"] = result.status == train::TrainStatus::kCompleted      ? "completed"
                        : result.status == train::TrainStatus::kEarlyStopped ? "early_stopped"
                                                                             : "cancelled";
        out["model"] = model;
        return out;
      },
      py::arg("config"), py::arg("data"), py::arg("output_dir") = py::none(),
      py::arg("progress") = py::none(), py::arg("explicit_fields") = std::vector<std::string>{},
      "Trains on a dataset (a Dataset or a path); returns {'history', 'status', 'model'}. With output_dir it "
      "writes what `ptychopinn train` writes there (wts.h5.zip, history.csv, config.yaml, train.log, "
      "checkpoints/latest.zip). explicit_fields names the fields the caller set (a dataset's recorded "
      "nphotons "
      "is used unless nphotons is one of them).");

  m.def(
      "stitch",
      [](const py::handle& patches, const py::handle& positions, int64_t crop, const py::handle& grid) {
        const TensorView p = as_tensor(patches, torch::kComplexFloat, "patches", 3);
        const TensorView q = as_tensor(positions, torch::kFloat64, "positions", 2);
        const auto grid_value = grid_argument(grid);
        infer::StitchedImage image;
        {
          py::gil_scoped_release release;
          image = grid_value ? infer::stitch_into_grid(p.tensor, q.tensor, *grid_value, crop)
                             : infer::reassemble_position(p.tensor, q.tensor, crop);
        }
        py::dict out;
        out["object"] = to_numpy(image.object);
        out["coverage"] = to_numpy(image.coverage);
        out["x_origin"] = image.grid.x_origin;
        out["y_origin"] = image.grid.y_origin;
        return out;
      },
      py::arg("patches"), py::arg("positions"), py::arg("crop") = infer::kDefaultStitchCropSize,
      py::arg("grid") = py::none(),
      "Shift-and-sum stitching of [K, N, N] patches at positions [K, 2] (x, y): the reference's canvas, or "
      "the given grid (x_origin, y_origin, pixel_width, pixel_height, width, height, in the positions' "
      "units); the central crop x crop pixels of each patch are used.");
}

}  // namespace ptychopinn::python
