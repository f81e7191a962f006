#include "steps.h"

#include <QDir>
#include <QPainter>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace digit {

namespace {

// v in 0-1 per pixel; ink_dark: show 1 as black (paper white) else 1 as white.
QImage to_image(const std::vector<float>& v, int w, int h, bool ink_dark) {
    QImage img(std::max(1, w), std::max(1, h), QImage::Format_Grayscale8);
    img.fill(ink_dark ? 255 : 0);
    for (int y = 0; y < h; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < w; ++x) {
            const float p = std::clamp(v[static_cast<std::size_t>(y) * w + x], 0.0f, 1.0f);
            line[x] = static_cast<uchar>(std::lround(255 * (ink_dark ? 1 - p : p)));
        }
    }
    return img;
}

QImage gray_to_image(const GrayImage& g) {
    std::vector<float> inverted(g.pixels.size());
    for (std::size_t i = 0; i < inverted.size(); ++i) inverted[i] = 1.0f - g.pixels[i];
    return to_image(inverted, g.width, g.height, true);
}

}  // namespace

std::vector<StepImage> reading_steps(const Reading& r) {
    std::vector<StepImage> out;
    const InkMap& m = r.ink;
    if (m.width == 0 || m.height == 0) return out;
    out.push_back({StepKind::Input, -1, gray_to_image(m.working)});
    const std::size_t n = static_cast<std::size_t>(m.width) * m.height;
    out.push_back({StepKind::Lighting, -1, to_image(m.corrected.size() == n ? m.corrected : std::vector<float>(n, 0.0f), m.width, m.height, true)});
    std::vector<float> mask(n, 0.0f);
    if (m.mask.size() == n)
        for (std::size_t i = 0; i < n; ++i) mask[i] = m.mask[i] ? 1.0f : 0.0f;
    out.push_back({StepKind::Mask, -1, to_image(mask, m.width, m.height, true)});
    if (r.digits.size() > 1) {
        QImage boxes = out.front().image.convertToFormat(QImage::Format_RGB32);
        QPainter p(&boxes);
        p.setPen(QPen(QColor(220, 40, 40), std::max(1, std::max(m.width, m.height) / 250)));
        for (const SegmentedDigit& d : r.digits)
            p.drawRect(QRectF(d.box.x / double(m.scale), d.box.y / double(m.scale), d.box.width / double(m.scale),
                              d.box.height / double(m.scale)));
        p.end();
        out.push_back({StepKind::Boxes, -1, boxes});
    }
    for (std::size_t k = 0; k < r.digits.size(); ++k) {
        const SegmentedDigit& d = r.digits[k];
        const int i = static_cast<int>(k);
        out.push_back({StepKind::Crop, i, to_image(d.steps.crop.pixels, d.steps.crop.width, d.steps.crop.height, false)});
        float peak = 0.0f;
        for (float v : d.steps.fit.pixels) peak = std::max(peak, v);
        std::vector<float> fit = d.steps.fit.pixels;
        if (peak > 0)
            for (float& v : fit) v /= peak;
        out.push_back({StepKind::Fit, i, to_image(fit, d.steps.fit.width, d.steps.fit.height, false)});
        out.push_back({StepKind::Model, i, to_image(std::vector<float>(d.input.image.begin(), d.input.image.end()), 28, 28, false)});
    }
    return out;
}

QString step_file_name(const StepImage& s, bool several) {
    static const char* names[] = {"1-input", "2-lighting", "3-mask", "4-boxes", "5-crop", "6-fit20", "7-model28"};
    const QString base = QString::fromLatin1(names[static_cast<int>(s.kind)]);
    if (s.digit < 0 || !several) return base + QStringLiteral(".png");
    return base.left(2) + QStringLiteral("digit%1-").arg(s.digit + 1) + base.mid(2) + QStringLiteral(".png");
}

bool write_steps(const Reading& r, const QString& dir, QString* error) {
    if (!QDir().mkpath(dir)) {
        if (error) *error = QStringLiteral("cannot create the folder");
        return false;
    }
    for (const StepImage& s : reading_steps(r)) {
        const QString path = QDir(dir).filePath(step_file_name(s, r.digits.size() > 1));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || !s.image.save(&file, "PNG") || !file.commit()) {
            if (error) *error = path + QStringLiteral(": ") + file.errorString();
            return false;
        }
    }
    return true;
}

}  // namespace digit
