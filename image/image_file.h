#pragma once
// Decoding image files into the core's GrayImage, with QtGui only (no widgets): the library
// digit_image, shared by `digit-cli predict` and the Draw page so both read a picture alike.
#include "preprocess.h"

#include <QImage>
#include <QSize>
#include <QString>

#include <cstdint>
#include <string>

namespace digit {

// Limits on an image file: its size on disk and the pixels it may declare (checked before they
// are decoded: a few KB of PNG can declare 30000x30000), so a hostile file cannot make the
// program allocate without bound.
inline constexpr std::uint64_t kMaxImageFileBytes = 64ull << 20;
inline constexpr std::int64_t kMaxImagePixels = 100'000'000;  // phone photos are 12-50 megapixels
// Qt refuses by default to allocate more than 128 MB for one image (about 5790x5790 ARGB): set
// deliberately to what kMaxImagePixels needs at 4 bytes a pixel, so a 100-megapixel photo decodes.
inline constexpr int kImageAllocationLimitMiB = 400;
// Pictures are read for the digits on them, and the ink finder works at most kWorkSide (1024)
// pixels wide: a larger picture is decoded at 1/2, 1/4 or 1/8 of its size (JPEG decodes that way
// directly, which is most of the time of a 12-megapixel photo), still at least this many pixels
// on its longer side.
inline constexpr int kDecodeSide = 1000;

// Why an image file could not be read; the callers word it (digit-cli in English, the Draw page
// in the reader's language).
enum class ImageFileError {
    None,
    NoSuchFile,
    PermissionDenied,
    IsFolder,
    NotRegularFile,  // a FIFO, device or socket: never opened for a blocking read
    FileTooLarge,    // more than kMaxImageFileBytes
    EmptyFile,
    TooManyPixels,   // declares more than kMaxImagePixels (size)
    NotAnImage,
};

struct ImageFile {
    QImage image;                              // null unless error == None
    ImageFileError error = ImageFileError::None;
    std::string reason;                        // QImageReader's words (NotAnImage), what the file is (NotRegularFile)
    QSize size;                                // TooManyPixels: the size it declares
    QSize original;                            // the picture's own size (image may be decoded smaller)
};

// The one image-file reader: any format QImageReader supports, EXIF orientation honoured (phone
// photos store their rotation there). The bytes are read by the core's file_io (regular files
// only, bounded) and decoded from memory. Never throws.
// max_side > 0: a picture whose longer side is at least twice max_side is decoded scaled down by
// the largest power of two (up to 8) that keeps that side at least max_side (e.g. kDecodeSide).
ImageFile read_image_file(const QString& path, int max_side = 0);
// The same for a path given as the system's bytes (a command-line argument that need not be UTF-8).
ImageFile read_image_file(const std::string& native_path, int max_side = 0);

// Reads any format QImageReader supports (PNG, JPEG, BMP, GIF, ...) of any size, honouring EXIF
// orientation, and returns its luminance (0 = black, 1 = white; see gray_from_qimage).
// Throws FileError naming the path when the file is missing, unreadable, not a regular file,
// too large, empty, not an image, or cannot be decoded (with QImageReader's reason).
// original, when given, receives the picture's own size (larger than the result's when it was
// decoded scaled down).
GrayImage load_gray_image(const std::string& path, int max_side = 0, QSize* original = nullptr);

// Luminance (Rec. 601 weights) of every pixel, width x height, row-major. Transparency is
// composited onto the backdrop that contrasts with the visible content: white under dark ink,
// black under light ink. So black ink on a transparent PNG (whose hidden colour is often black
// too) and white ink on a transparent PNG both keep their digit. A null image gives 0x0.
GrayImage gray_from_qimage(const QImage& image);

}  // namespace digit
