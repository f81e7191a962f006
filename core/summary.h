#pragma once
// Keras-style model summary: one row per layer (name, output shape, parameter count) and the
// total / trainable / non-trainable counts, thousands separated by commas.
#include "network.h"

#include <string>

namespace digit {

std::string model_summary(const Network& net, const std::string& model_name = "sequential");
std::string format_thousands(std::int64_t n);  // 465706 -> "465,706"

}  // namespace digit
