#include "image_file.h"

#include "errors.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>

namespace digit {

ImageFile read_image_file(const QString& path) {
    ImageFile out;
    const QFileInfo info(path);
    // QImageReader's own reasons for these are vague ("Unsupported image format" for an empty
    // file), so they are told apart first.
    if (!info.exists()) out.error = ImageFileError::NoSuchFile;
    else if (info.isDir()) out.error = ImageFileError::IsFolder;
    else if (info.size() == 0) out.error = ImageFileError::EmptyFile;
    if (out.error != ImageFileError::None) return out;

    QImageReader reader(path);
    reader.setAutoTransform(true);
    out.image = reader.read();
    if (out.image.isNull()) {
        out.error = ImageFileError::NotAnImage;
        out.reason = reader.errorString().toStdString();
    }
    return out;
}

GrayImage load_gray_image(const std::string& path) {
    const ImageFile f = read_image_file(QFile::decodeName(QByteArray::fromStdString(path)));
    switch (f.error) {
        case ImageFileError::None: break;
        case ImageFileError::NoSuchFile: throw FileError(path, -1, "no such file");
        case ImageFileError::IsFolder: throw FileError(path, -1, "is a folder, not an image file");
        case ImageFileError::EmptyFile: throw FileError(path, -1, "the file is empty, expected an image");
        case ImageFileError::NotAnImage: throw FileError(path, -1, "not a readable image (PNG, JPEG, BMP, ...): " + f.reason);
    }
    return gray_from_qimage(f.image);
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
