#pragma once
// Decoding image files into the core's GrayImage, with QtGui only (no widgets): the library
// digit_image, shared by `digit-cli predict` and the Draw page so both read a picture alike.
#include "preprocess.h"

#include <QImage>
#include <QString>

#include <string>

namespace digit {

// Why an image file could not be read; the callers word it (digit-cli in English, the Draw page
// in the reader's language).
enum class ImageFileError { None, NoSuchFile, IsFolder, EmptyFile, NotAnImage };

struct ImageFile {
    QImage image;                              // null unless error == None
    ImageFileError error = ImageFileError::None;
    std::string reason;                        // QImageReader's words, for NotAnImage
};

// The one image-file reader: any format QImageReader supports, EXIF orientation honoured (phone
// photos store their rotation there). Never throws.
ImageFile read_image_file(const QString& path);

// Reads any format QImageReader supports (PNG, JPEG, BMP, GIF, ...) of any size, honouring EXIF
// orientation, and returns its luminance (0 = black, 1 = white; see gray_from_qimage).
// Throws FileError naming the path when the file is missing, empty, not an image, or cannot be
// decoded (with QImageReader's reason).
GrayImage load_gray_image(const std::string& path);

// Luminance (Rec. 601 weights) of every pixel, width x height, row-major. Transparency is
// composited onto the backdrop that contrasts with the visible content: white under dark ink,
// black under light ink. So black ink on a transparent PNG (whose hidden colour is often black
// too) and white ink on a transparent PNG both keep their digit. A null image gives 0x0.
GrayImage gray_from_qimage(const QImage& image);

}  // namespace digit
