#pragma once
// Letters and symbols typeset in the system's fonts, as held-out "not a digit" test pictures:
// the model trains on a stroke alphabet drawn in core (not_a_digit.h), and is measured on these,
// which it never saw. Needs a QGuiApplication (fonts); digit-cli makes an offscreen one.
#include "preprocess.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace digit {

struct FontLetter {
    QString text;     // the character
    QString family;   // the font it was set in
    GrayImage image;  // 96x96, black ink on white, before preprocessing
};

// The characters: the stroke alphabet's letters and symbols, and "@&" besides.
QString font_letter_characters();

// Every character in each of the families that the system has (others are skipped), plain, bold,
// italic and bold italic. The same list on a machine with the same fonts.
std::vector<FontLetter> render_font_letters(const QStringList& families);

}  // namespace digit
