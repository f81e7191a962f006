#pragma once
// The run report for teachers: one PDF (QPdfWriter, A4) about a model, written by the app's
// File > Export Report... and by `digit-cli report --model M.dsm --out r.pdf`.
//
// Pages:
//   1  the model (name, when made), its test accuracy and loss (measured now on the test set),
//      the network as a Keras-style summary, the training settings
//   2  the training curves (loss and accuracy per epoch, training and validation, and the smoothed
//      per-batch curves), or a note when no history is at hand (a model file keeps none)
//   3  the confusion matrix on the test set and its 30 most confident mistakes as thumbnails
//   4  the quiz rounds played against this model: the person's and the model's scores (only when
//      there are any)
// A summary too long for page 1 continues on a page of its own. QtGui only (no widgets): the
// command line links it without the app. Texts go through QCoreApplication::translate
// ("RunReport"), so the app writes the report in its language.
#include "mnist.h"
#include "model_io.h"
#include "trainer.h"

#include <QDateTime>
#include <QString>

#include <optional>
#include <vector>

namespace digit::report {

struct QuizRound {
    QDateTime when;
    int images = 0;      // answered
    int person = 0;      // right answers of the person
    int model = -1;      // right answers of the model on the same images (-1: no model)
    int ambiguous = 0;   // called ambiguous (left out of both scores)
};

struct RunReportInput {
    ModelFile model;
    QString modelName;                 // the title; the model's own name if empty
    std::optional<History> history;    // the curves; none: page 2 says so
    const Dataset* test = nullptr;     // the test set; none: no accuracy, matrix or mistakes
    std::vector<QuizRound> quiz;       // page 4 when not empty
};

struct RunReportResult {
    int pages = 0;
    double accuracy = -1;  // on `test`, -1 without it
    double loss = -1;
    int mistakes = 0;       // among the ten digits (an 11th "not a digit" output aside), as page 3 shows
    int mistakesShown = 0;  // at most kMistakesShown
    int notADigit = 0;      // test digits a model with an 11th output gave to "not a digit"
};

inline constexpr int kMistakesShown = 30;

// Writes the report to `path` atomically (QSaveFile: the old file stays until the new one is
// complete). Returns false and sets *error (naming the path) on failure; the model is evaluated
// here (a few seconds for a CNN on 10,000 images).
bool writeRunReport(const QString& path, const RunReportInput& input, RunReportResult* result, QString* error);

}  // namespace digit::report
