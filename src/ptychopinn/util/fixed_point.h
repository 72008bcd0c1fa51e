#pragma once
// Numbers in messages with a fixed number of decimals.
#include <string>

namespace ptychopinn {

// fixed(3.14159, 2) == "3.14"; fixed(2.5, 0) == "2" (round half to even, as printf).
std::string fixed(double v, int digits);

}  // namespace ptychopinn
