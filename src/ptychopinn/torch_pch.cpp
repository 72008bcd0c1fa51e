// Translation unit that owns the precompiled LibTorch header (see CMakeLists.txt).
#include <torch/torch.h>
