#include "image_file.h"

#include "errors.h"
#include "file_io.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>

namespace digit {

GrayImage load_gray_image(const std::string& path) {
    // The bytes are read by the core's file_io, by the path's own bytes (no trip through a
    // QString that could not hold a non-UTF-8 name), only from a regular file (a FIFO would
    // block), with the real cause when that fails: missing, permission denied, a folder.
    const std::string bytes = read_regular_file(path, kMaxImageFileBytes, "an image file");
    // QImageReader's own reason for an empty file is vague ("Unsupported image format").
    if (bytes.empty()) throw FileError(path, -1, "the file is empty, expected an image");
    QByteArray data = QByteArray::fromRawData(bytes.data(), static_cast<qsizetype>(bytes.size()));
    QBuffer buffer(&data);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAutoTransform(true);  // phone photos store their rotation in EXIF
    // A few kilobytes of PNG can declare 30000x30000 pixels (a decompression bomb): the
    // declared size is checked before any pixel is decoded.
    const QSize declared = reader.size();
    if (declared.isValid() && static_cast<qint64>(declared.width()) * declared.height() > kMaxImagePixels)
        throw FileError(path, -1, "declares " + std::to_string(declared.width()) + "x" + std::to_string(declared.height()) +
                                      " pixels, more than the " + std::to_string(kMaxImagePixels / 1000000) +
                                      " megapixels accepted");
    const QImage image = reader.read();
    if (image.isNull())
        throw FileError(path, -1, "not a readable image (PNG, JPEG, BMP, ...): " + reader.errorString().toStdString());
    if (static_cast<qint64>(image.width()) * image.height() > kMaxImagePixels)
        throw FileError(path, -1, "has " + std::to_string(image.width()) + "x" + std::to_string(image.height()) +
                                      " pixels, more than the " + std::to_string(kMaxImagePixels / 1000000) +
                                      " megapixels accepted");
    return gray_from_qimage(image);
}

GrayImage gray_from_qimage(const QImage& image) {
    GrayImage out;
    if (image.isNull()) return out;
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);  // not premultiplied
    out.width = argb.width();
    out.height = argb.height();
    out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));

    auto luminance = [](QRgb p) {
        return (0.299f * static_cast<float>(qRed(p)) + 0.587f * static_cast<float>(qGreen(p)) +
                0.114f * static_cast<float>(qBlue(p))) / 255.0f;
    };
    // The backdrop under transparent pixels: the opposite of the visible content's mean
    // luminance (weighted by opacity). The hidden colour of transparent pixels is ignored.
    float backdrop = 1.0f;
    if (image.hasAlphaChannel()) {
        double weighted = 0, opacity = 0;
        for (int y = 0; y < out.height; ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
            for (int x = 0; x < out.width; ++x) {
                const float a = static_cast<float>(qAlpha(line[x])) / 255.0f;
                weighted += a * luminance(line[x]);
                opacity += a;
            }
        }
        if (opacity > 0 && weighted / opacity >= 0.5) backdrop = 0.0f;
    }
    for (int y = 0; y < out.height; ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        float* dst = out.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width);
        for (int x = 0; x < out.width; ++x) {
            const float a = static_cast<float>(qAlpha(line[x])) / 255.0f;
            dst[x] = a * luminance(line[x]) + (1.0f - a) * backdrop;
        }
    }
    return out;
}

}  // namespace digit
