#pragma once
// IDX files, the format MNIST is published in (yann.lecun.com): a magic number, one big-endian
// u32 per dimension, then the bytes. Raw or gzip-compressed (told by the magic bytes, not the name).
#include "dataset.h"

#include <string>

namespace digit {

// Reads one IDX images file and its labels file. Every header field is checked against the file's
// real size; a bad file raises FileError naming the file, the byte offset and what was expected.
Dataset load_idx(const std::string& images_path, const std::string& labels_path);

}  // namespace digit
