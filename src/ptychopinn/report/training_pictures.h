#pragma once
// The training curves picture (curves.png in a training output folder): training and validation
// loss per epoch on a log scale, and the learning rate.
#include <string>
#include <vector>

#include "ptychopinn/render/rgb_image.h"
#include "ptychopinn/train/history.h"

namespace ptychopinn::report {

render::RgbImage training_curves(const std::vector<train::EpochRecord>& history);

void write_training_curves(const std::string& png_path, const std::vector<train::EpochRecord>& history);

}  // namespace ptychopinn::report
