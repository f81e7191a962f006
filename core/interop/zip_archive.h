#pragma once
// Zip archives through libzip: Keras 3's .keras files (metadata.json, config.json,
// model.weights.h5), written to bytes in memory. Reading goes through the core's
// formats::ZipReader (libzip too), the project's one zip reader.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace digit::interop {

// A zip archive of the given (name, contents) entries, deflated, as bytes.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries, const std::string& path);

}  // namespace digit::interop
