#pragma once
#include <cmath>

namespace kefu {

// e^x through pow(): the core links a table-free pow (wasm/CMakeLists.txt), while libc's
// exp() would bring its own lookup table, ~2 KB of incompressible doubles, into the wasm
// for the few softmax weights the engine computes.
inline double expViaPow(double x) { return std::pow(2.718281828459045, x); }

}  // namespace kefu
