#pragma once
// File > Export View: every chart and image grid of a page as a PNG picture or an SVG drawing.
//
// The views are found by type among a page's visible children (the training curves, the
// confusion matrix, the image grids, the probability bars, the Inside page's views), so the pages
// need no export code of their own. PNG is rendered at twice the widget's size; SVG through Qt's
// SVG generator (QSvgGenerator), as vectors where the widget paints with QPainter. Both are written
// through QSaveFile: a failed export leaves what was there.
#include <QString>
#include <QWidget>

#include <vector>

namespace digit::ui {

struct ExportableView {
    QString name;      // e.g. "Confusion matrix", in the reader's language
    QString fileName;  // a suggested file name without suffix, e.g. "confusion-matrix"
    QWidget* widget;
};

// The views of `page` that can be exported, in the order they appear; only visible ones.
std::vector<ExportableView> exportableViews(QWidget* page);

// Writes `widget` to `path`: SVG for a .svg suffix, PNG otherwise. false + *error on failure.
bool exportView(QWidget* widget, const QString& path, const QString& title, QString* error);

}  // namespace digit::ui
