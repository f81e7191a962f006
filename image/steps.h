#pragma once
// The preprocessing of a picture, step by step, as small images: what the Draw page shows and
// `digit-cli predict --steps DIR` writes. QtGui only.
#include "segment.h"

#include <QImage>
#include <QString>

#include <vector>

namespace digit {

enum class StepKind {
    Input,     // the picture at working size
    Lighting,  // the ink after lighting correction (dark on white; a drawing: its ink as it is)
    Mask,      // the kept ink blobs (black on white), lines, page edges and specks gone
    Boxes,     // the picture with each digit's box (a number)
    Crop,      // a digit's ink inside its box (model polarity: light ink on black)
    Fit,       // scaled to fit 20x20
    Model,     // centred in 28x28: what the model sees
};

struct StepImage {
    StepKind kind;
    int digit = -1;  // for Crop, Fit, Model: which digit (0-based, left to right); else -1
    QImage image;
};

// Input, Lighting, Mask, then Boxes when there are several digits, then Crop, Fit and Model of each
// digit. Empty ink gives the first three (the mask blank).
std::vector<StepImage> reading_steps(const Reading& reading);

// "1-input.png", "2-lighting.png", "3-mask.png", "4-boxes.png", "5-crop.png" (one digit) or
// "5-digit2-crop.png" (the second digit of a number), "6-fit20.png", "7-model28.png".
QString step_file_name(const StepImage& step, bool several_digits);

// Writes every step as a PNG into dir (created if missing). False and a reason when a file cannot
// be written.
bool write_steps(const Reading& reading, const QString& dir, QString* error);

}  // namespace digit
