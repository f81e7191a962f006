#include "image_file.h"

#include "errors.h"
#include "file_io.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QImageIOHandler>
#include <QImageReader>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace digit {

namespace {

// The picture at 1/f of its size, each output pixel the mean of its block (premultiplied, so the
// hidden colour of transparent pixels does not show), converted to 32 bits a band of rows at a
// time. For every format but JPEG, QImageReader::setScaledSize decodes the picture whole and then
// smooth-scales all of it in 32 bits: a 1.3 KB BMP declaring 28x2949148 pixels (fuzz_image) made
// that allocate 330 MB and crash (SIGSEGV in Qt's scaling threads). Here only the decoded picture
// (within Qt's allocation limit) and one band are held.
QImage shrink(const QImage& image, int f) {
    const int w = image.width(), h = image.height();
    const int ow = std::max(1, w / f), oh = std::max(1, h / f);
    QImage out(ow, oh, QImage::Format_ARGB32_Premultiplied);
    if (out.isNull()) return out;
    // Output column ox averages input columns [edge[ox], edge[ox + 1]), likewise for rows.
    std::vector<int> edge(static_cast<std::size_t>(ow) + 1);
    for (int ox = 0; ox <= ow; ++ox) edge[static_cast<std::size_t>(ox)] = static_cast<int>(static_cast<std::int64_t>(ox) * w / ow);
    std::vector<std::uint64_t> sum(static_cast<std::size_t>(ow) * 4);
    for (int oy = 0; oy < oh; ++oy) {
        const int y0 = static_cast<int>(static_cast<std::int64_t>(oy) * h / oh);
        const int y1 = static_cast<int>(static_cast<std::int64_t>(oy + 1) * h / oh);
        const QImage band = image.copy(0, y0, w, y1 - y0).convertToFormat(QImage::Format_ARGB32_Premultiplied);
        if (band.isNull()) return {};
        std::fill(sum.begin(), sum.end(), 0);
        for (int y = 0; y < band.height(); ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(band.constScanLine(y));
            for (int ox = 0; ox < ow; ++ox) {
                std::uint64_t* s = sum.data() + static_cast<std::size_t>(ox) * 4;
                for (int x = edge[static_cast<std::size_t>(ox)]; x < edge[static_cast<std::size_t>(ox) + 1]; ++x)
                    s[0] += qRed(line[x]), s[1] += qGreen(line[x]), s[2] += qBlue(line[x]), s[3] += qAlpha(line[x]);
            }
        }
        auto* dst = reinterpret_cast<QRgb*>(out.scanLine(oy));
        for (int ox = 0; ox < ow; ++ox) {
            const std::uint64_t* s = sum.data() + static_cast<std::size_t>(ox) * 4;
            const int cols = edge[static_cast<std::size_t>(ox) + 1] - edge[static_cast<std::size_t>(ox)];
            const std::uint64_t n = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(cols) * static_cast<std::uint64_t>(band.height()));
            auto mean = [n](std::uint64_t v) { return static_cast<int>((v + n / 2) / n); };
            dst[ox] = qRgba(mean(s[0]), mean(s[1]), mean(s[2]), mean(s[3]));
        }
    }
    return out;
}

}  // namespace

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
    int f = 1;
    if (max_side > 0 && declared.isValid()) {
        const int longer = std::max(declared.width(), declared.height());
        while (f < 8 && longer / (2 * f) >= max_side) f *= 2;
    }
    // JPEG decodes at 1/2, 1/4 or 1/8 by itself; any other format is decoded whole, then shrunk.
    const bool decoder_scales = reader.supportsOption(QImageIOHandler::ScaledSize);
    if (f > 1 && decoder_scales) reader.setScaledSize(QSize(std::max(1, declared.width() / f), std::max(1, declared.height() / f)));
    out.image = reader.read();
    if (f > 1 && !decoder_scales && !out.image.isNull()) {
        out.image = shrink(out.image, f);
        if (out.image.isNull()) out.reason = "not enough memory to scale it down";
    }
    out.original = declared.isValid() ? declared : out.image.size();
    // EXIF rotation by a quarter turn swaps the declared sides.
    if (!out.image.isNull() && out.original.isValid() &&
        (out.image.width() > out.image.height()) != (out.original.width() > out.original.height()))
        out.original.transpose();
    if (out.image.isNull()) {
        out.error = ImageFileError::NotAnImage;
        if (out.reason.empty()) out.reason = reader.errorString().toStdString();
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
