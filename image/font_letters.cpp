#include "font_letters.h"

#include "image_file.h"
#include "not_a_digit.h"

#include <QFont>
#include <QFontDatabase>
#include <QImage>
#include <QPainter>

namespace digit {

QString font_letter_characters() { return QString::fromStdString(stroke_alphabet()) + QStringLiteral("@&"); }

std::vector<FontLetter> render_font_letters(const QStringList& families) {
    std::vector<FontLetter> out;
    const QStringList available = QFontDatabase::families();
    const QString chars = font_letter_characters();
    for (const QString& family : families) {
        if (!available.contains(family)) continue;
        for (int style = 0; style < 4; ++style) {
            QFont font(family);
            font.setPixelSize(60);
            font.setBold(style & 1);
            font.setItalic(style & 2);
            for (const QChar c : chars) {
                QImage img(96, 96, QImage::Format_RGB32);
                img.fill(Qt::white);
                QPainter p(&img);
                p.setRenderHint(QPainter::TextAntialiasing);
                p.setFont(font);
                p.setPen(Qt::black);
                p.drawText(img.rect(), Qt::AlignCenter, QString(c));
                p.end();
                out.push_back({QString(c), family, gray_from_qimage(img)});
            }
        }
    }
    return out;
}

}  // namespace digit
