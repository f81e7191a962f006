#include "image_file.h"

#include "errors.h"
#include "file_io.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QImageReader>

#include <algorithm>

namespace digit {

ImageFile read_image_file(const std::string& native_path, int max_side) {
    ImageFile out;
    // QImageReader's own reasons for these are vague ("Unsupported image format" for an empty
    // file, nothing useful for a FIFO, on which it would block), so they are told apart first.
    const FileBytes file = try_read_regular_file(native_path, kMaxImageFileBytes);
    switch (file.problem) {
        case ReadProblem::None: break;
        case ReadProblem::NotFound: out.error = ImageFileError::NoSuchFile; return out;
        case ReadProblem::PermissionDenied: out.error = ImageFileError::PermissionDenied; return out;
        case ReadProblem::IsFolder: out.error = ImageFileError::IsFolder; return out;
        case ReadProblem::NotRegular: out.error = ImageFileError::NotRegularFile, out.reason = file.detail; return out;
        case ReadProblem::TooLarge: out.error = ImageFileError::FileTooLarge; return out;
        case ReadProblem::ReadError: out.error = ImageFileError::NotAnImage, out.reason = file.detail; return out;
    }
    if (file.bytes.empty()) {
        out.error = ImageFileError::EmptyFile;
        return out;
    }
    QByteArray data = QByteArray::fromRawData(file.bytes.data(), static_cast<qsizetype>(file.bytes.size()));
    QBuffer buffer(&data);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAutoTransform(true);
    const QSize declared = reader.size();
    auto too_many = [](QSize s) { return s.isValid() && static_cast<qint64>(s.width()) * s.height() > kMaxImagePixels; };
    if (too_many(declared)) {
        out.error = ImageFileError::TooManyPixels;
        out.size = declared;
        return out;
    }
    QImageReader::setAllocationLimit(kImageAllocationLimitMiB);
    if (max_side > 0 && declared.isValid()) {
        const int longer = std::max(declared.width(), declared.height());
        int f = 1;
        while (f < 8 && longer / (2 * f) >= max_side) f *= 2;
        if (f > 1) reader.setScaledSize(QSize(std::max(1, declared.width() / f), std::max(1, declared.height() / f)));
    }
    out.image = reader.read();
    out.original = declared.isValid() ? declared : out.image.size();
    // EXIF rotation by a quarter turn swaps the declared sides.
    if (!out.image.isNull() && out.original.isValid() &&
        (out.image.width() > out.image.height()) != (out.original.width() > out.original.height()))
        out.original.transpose();
    if (out.image.isNull()) {
        out.error = ImageFileError::NotAnImage;
        out.reason = reader.errorString().toStdString();
    } else if (too_many(out.image.size())) {
        out.error = ImageFileError::TooManyPixels;
        out.size = out.image.size();
        out.image = QImage();
    }
    return out;
}

ImageFile read_image_file(const QString& path, int max_side) { return read_image_file(QFile::encodeName(path).toStdString(), max_side); }

GrayImage load_gray_image(const std::string& path, int max_side, QSize* original) {
    const ImageFile f = read_image_file(path, max_side);
    if (original) *original = f.original;
    const std::string megapixels = std::to_string(kMaxImagePixels / 1000000);
    switch (f.error) {
        case ImageFileError::None: break;
        case ImageFileError::NoSuchFile: throw FileError(path, -1, "file not found");
        case ImageFileError::PermissionDenied: throw FileError(path, -1, "permission denied");
        case ImageFileError::IsFolder: throw FileError(path, -1, "is a folder, expected an image file");
        case ImageFileError::NotRegularFile: throw FileError(path, -1, "is " + f.reason + ", expected an image file");
        case ImageFileError::FileTooLarge:
            throw FileError(path, -1, "is larger than the " + std::to_string(kMaxImageFileBytes >> 20) + " MiB accepted for an image");
        case ImageFileError::EmptyFile: throw FileError(path, -1, "the file is empty, expected an image");
        case ImageFileError::TooManyPixels:
            throw FileError(path, -1, "declares " + std::to_string(f.size.width()) + "x" + std::to_string(f.size.height()) +
                                          " pixels, more than the " + megapixels + " megapixels accepted");
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
