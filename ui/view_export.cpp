#include "view_export.h"

#include "confusion_matrix.h"
#include "digit_grid.h"
#include "inside_views.h"
#include "probability_bars.h"
#include "training_chart.h"

#include <QCoreApplication>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace digit::ui {

namespace {
// The translation context of these texts (lupdate finds ViewExport::tr).
struct ViewExport {
    Q_DECLARE_TR_FUNCTIONS(ViewExport)
};

template <class T>
void collect(QWidget* page, const QString& name, const QString& file, std::vector<std::pair<QWidget*, ExportableView>>& out,
             QWidget* (*pick)(T*) = nullptr) {
    for (T* w : page->findChildren<T*>()) {
        QWidget* shown = pick ? pick(w) : w;
        if (shown && shown->isVisibleTo(page) && shown->width() > 0 && shown->height() > 0) out.push_back({w, {name, file, shown}});
    }
}
}  // namespace

std::vector<ExportableView> exportableViews(QWidget* page) {
    std::vector<std::pair<QWidget*, ExportableView>> found;
    if (!page) return {};
    collect<TrainingChart>(page, ViewExport::tr("Training curves"), QStringLiteral("training-curves"), found);
    collect<ConfusionMatrix>(page, ViewExport::tr("Confusion matrix"), QStringLiteral("confusion-matrix"), found);
    collect<DigitGrid>(page, ViewExport::tr("Image grid"), QStringLiteral("image-grid"), found, [](DigitGrid* g) { return g->view(); });
    collect<ProbabilityBars>(page, ViewExport::tr("Probabilities"), QStringLiteral("probabilities"), found);
    collect<LayerStrip>(page, ViewExport::tr("Layer outputs"), QStringLiteral("layers"), found);
    collect<WeightTiles>(page, ViewExport::tr("Weights as tiles"), QStringLiteral("weights"), found);
    collect<WeightHistogram>(page, ViewExport::tr("Weight histogram"), QStringLiteral("weight-histogram"), found);
    collect<SaliencyView>(page, ViewExport::tr("Saliency map"), QStringLiteral("saliency"), found);
    collect<EmbeddingView>(page, ViewExport::tr("Embedding of the test set"), QStringLiteral("embedding"), found);
    // In reading order: top to bottom, then left to right; two of a kind get numbers.
    std::stable_sort(found.begin(), found.end(), [page](const auto& a, const auto& b) {
        const QPoint pa = a.second.widget->mapTo(page, QPoint()), pb = b.second.widget->mapTo(page, QPoint());
        return pa.y() != pb.y() ? pa.y() < pb.y() : pa.x() < pb.x();
    });
    std::vector<ExportableView> out;
    for (std::size_t i = 0; i < found.size(); ++i) {
        ExportableView v = found[i].second;
        int same = 0, before = 0;
        for (std::size_t j = 0; j < found.size(); ++j)
            if (found[j].second.fileName == v.fileName) {
                ++same;
                before += j < i;
            }
        if (same > 1) {
            v.name += QStringLiteral(" %1").arg(before + 1);
            v.fileName += QStringLiteral("-%1").arg(before + 1);
        }
        out.push_back(v);
    }
    return out;
}

bool exportView(QWidget* widget, const QString& path, const QString& title, QString* error) {
    auto fail = [&](const QString& why) {
        if (error) *error = ViewExport::tr("Could not export %1: %2").arg(path, why);
        return false;
    };
    if (!widget || widget->size().isEmpty()) return fail(ViewExport::tr("the view is not shown"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return fail(file.errorString());
    if (path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(widget->size());
        svg.setViewBox(QRect(QPoint(), widget->size()));
        svg.setTitle(title);
        svg.setDescription(ViewExport::tr("Exported from Digit Studio"));
        QPainter p;
        if (!p.begin(&svg)) return fail(ViewExport::tr("the SVG could not be started"));
        widget->render(&p, QPoint(), QRegion(), QWidget::DrawChildren);
        p.end();
    } else {
        QImage image(widget->size() * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2);
        image.fill(widget->palette().color(QPalette::Window));
        {
            QPainter p(&image);
            widget->render(&p, QPoint(), QRegion(), QWidget::DrawChildren);
        }
        if (!image.save(&file, "PNG")) return fail(ViewExport::tr("the PNG could not be encoded"));
    }
    if (!file.commit()) return fail(file.errorString());
    return true;
}

}  // namespace digit::ui
