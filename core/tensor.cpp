#include "tensor.h"

namespace digit {

std::string Shape::to_string() const {
    std::string s = "(None";
    for (int d : dims) s += ", " + std::to_string(d);
    return s + ")";
}

}  // namespace digit
