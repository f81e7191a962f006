#pragma once
// Decoding image files into the core's GrayImage, with QtGui only (no widgets): the library
// digit_image, shared by `digit-cli predict` and the Draw page so both read a picture alike.
#include "preprocess.h"

#include <cstdint>
#include <string>

class QImage;

namespace digit {

// Limits on an image file: its size on disk and the pixels it may declare (checked before they
// are decoded), so a hostile file cannot make the program allocate without bound.
inline constexpr std::uint64_t kMaxImageFileBytes = 64ull << 20;
inline constexpr std::int64_t kMaxImagePixels = 40'000'000;

// Reads any format QImageReader supports (PNG, JPEG, BMP, GIF, ...) of any size, honouring EXIF
// orientation, and returns its luminance (0 = black, 1 = white; see gray_from_qimage).
// Throws FileError naming the path when the file is missing, unreadable, not a regular file, empty,
// too large, not an image, or cannot be decoded (with QImageReader's reason).
GrayImage load_gray_image(const std::string& path);

// Luminance (Rec. 601 weights) of every pixel, width x height, row-major. Transparency is
// composited onto the backdrop that contrasts with the visible content: white under dark ink,
// black under light ink. So black ink on a transparent PNG (whose hidden colour is often black
// too) and white ink on a transparent PNG both keep their digit. A null image gives 0x0.
GrayImage gray_from_qimage(const QImage& image);

}  // namespace digit
