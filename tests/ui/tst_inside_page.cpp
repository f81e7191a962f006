// The Inside page opened from the main window for a digit drawn on the Draw page: every view gets
// data, the layer strip shows exactly the Network's own intermediate outputs, clicking a layer
// selects it for the weight views, the map switch and digit choice change the map, and the
// embedding of the 10,000 test images arrives (off the GUI thread) with the drawing as a point.
// With DIGIT_TEST_MODEL=resources/models/default.dsm it also prints how long an update takes.
#include "data_page.h"
#include "digit_detail.h"
#include "digit_grid.h"
#include "draw_page.h"
#include "quiz_page.h"
#include "embedding_worker.h"
#include "errors_page.h"
#include "inside_page.h"
#include "inside_views.h"
#include "main_window.h"
#include "page_test_support.h"
#include "view_export.h"

#include <QElapsedTimer>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

using namespace digit;
using namespace digit::ui;

class TestInsidePage : public QObject {
    Q_OBJECT
private:
    MainWindow* window_ = nullptr;

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_inside_page"));
        window_ = new MainWindow;
        QString error;
        QVERIFY2(digit::test::setUpSession(*window_->session(), &error, 6000, 1), qPrintable(error));
        window_->resize(1280, 800);
        window_->show();
        window_->showPage(MainWindow::DrawPageIndex);
        window_->drawPage()->prepareScreenshot();  // draws a digit with mouse-like strokes
        QVERIFY(window_->drawPage()->predictedDigit() >= 0);
    }
    void cleanupTestCase() { delete window_; }

    void showsTheNetworksOwnOutputsForTheDrawing() {
        window_->showPage(MainWindow::InsidePageIndex);
        InsidePage* page = window_->insidePage();
        QVERIFY(page->hasImage());

        // The Network's intermediate outputs for the drawing, from a network of its own.
        auto net = network_from_file(*window_->session()->modelFile());
        const MnistImage& input = window_->drawPage()->modelInput();
        const Matrix x = Eigen::Map<const Eigen::Matrix<float, 1, 784>>(input.data()).cast<Scalar>();
        const Matrix probabilities = net->predict(x);
        net->forward_scores(x, false);
        const auto& shown = page->layerStrip()->layers();
        // One view per layer, and for a logits model (as this one) one more with the softmax.
        const std::size_t layers = net->spec().layers.size();
        QCOMPARE(shown.size(), layers + (net->ends_with_softmax() ? 0 : 1));
        for (std::size_t i = 0; i < shown.size(); ++i) {
            const bool last = i + 1 == shown.size();
            const Matrix& expected = last ? probabilities : net->layer_output(i);
            QCOMPARE(shown[i].probabilities, last);
            QCOMPARE(shown[i].values.size(), expected.size());
            QVERIFY2((shown[i].values - expected.row(0)).cwiseAbs().maxCoeff() < 1e-6,
                     qPrintable(QStringLiteral("layer %1: %2").arg(i).arg((shown[i].values - expected.row(0)).cwiseAbs().maxCoeff())));
        }
        // The probabilities agree with the Draw page's.
        for (int d = 0; d < 10; ++d)
            QVERIFY(std::abs(shown.back().values(d) - window_->drawPage()->probabilities()[static_cast<std::size_t>(d)]) < 1e-5);

        // Hovering a unit gives its value.
        const QRect first = page->layerStrip()->layerRect(0);
        QVERIFY(first.isValid());
        QVERIFY(!page->layerStrip()->valueAt(first.topLeft() + QPoint(8, 24)).isEmpty());

        // The weight views and the map have data.
        QVERIFY(page->weightTiles()->tileCount() > 0);
        QVERIFY(!page->histogram()->counts().empty());
        QCOMPARE(page->saliencyView()->map().rows(), Eigen::Index(28));
        QVERIFY(page->saliencyView()->map().cwiseAbs().maxCoeff() > 0);
    }

    void clickingALayerSelectsIt() {
        InsidePage* page = window_->insidePage();
        LayerStrip* strip = page->layerStrip();
        const auto& layers = window_->session()->model()->spec().layers;
        // The last Dense layer: its weights fill the histogram.
        int target = -1;
        for (std::size_t i = 0; i < layers.size(); ++i)
            if (layers[i].kind == LayerKind::Dense) target = static_cast<int>(i);
        QVERIFY(target >= 0);
        QSignalSpy spy(strip, &LayerStrip::layerSelected);
        const QRect r = strip->layerRect(target);
        QTest::mouseClick(strip, Qt::LeftButton, {}, r.topLeft() + QPoint(10, 8));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(strip->selectedLayer(), target);
        std::size_t total = 0;
        for (int c : page->histogram()->counts()) total += static_cast<std::size_t>(c);
        const std::size_t weights = window_->session()->model()->layer_parameter_counts()[static_cast<std::size_t>(target)] -
                                    static_cast<std::size_t>(layers[static_cast<std::size_t>(target)].units);
        QCOMPARE(total, weights);
    }

    void mapSwitchAndDigit() {
        InsidePage* page = window_->insidePage();
        const Matrix before = page->saliencyView()->map();
        page->setMapKind(InsidePage::MapKind::Occlusion);
        const Matrix occlusion = page->saliencyView()->map();
        QVERIFY(!occlusion.isApprox(before));
        const int predicted = window_->drawPage()->predictedDigit();
        page->setExplainedDigit((predicted + 1) % 10);
        QVERIFY(!page->saliencyView()->map().isApprox(occlusion));
        page->setExplainedDigit(-1);
        page->setMapKind(InsidePage::MapKind::GradientTimesInput);
        QVERIFY(page->saliencyView()->map().isApprox(before));
    }

    void embeddingOfTheTestSet() {
        InsidePage* page = window_->insidePage();
        QElapsedTimer t;
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(page->embeddingView()->pointCount() > 0, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(page->embeddingFinal(), 120000);
        QCOMPARE(page->embeddingView()->pointCount(), Eigen::Index(10000));
        // A new model restarts it: time to the first picture and to the final one (printed).
        const ModelFile model = *window_->session()->modelFile();
        t.restart();
        window_->session()->setModel(model);
        QCOMPARE(page->embeddingView()->pointCount(), Eigen::Index(0));
        QTRY_VERIFY_WITH_TIMEOUT(page->embeddingView()->pointCount() > 0, 60000);
        const qint64 first = t.elapsed();
        QTRY_VERIFY_WITH_TIMEOUT(page->embeddingFinal(), 120000);
        qInfo("after a model change: first embedding picture %lld ms, final (t-SNE) picture %lld ms", first, t.elapsed());
        // The final picture is the t-SNE map of all 10,000 images: the sample's points as t-SNE
        // left them, the others placed among them.
        const EmbeddingPicture* pic = page->embeddingPicture();
        QVERIFY(pic);
        QCOMPARE(pic->method, EmbeddingPicture::Method::Tsne);
        QCOMPARE(pic->points.rows(), Eigen::Index(10000));
        QCOMPARE(pic->iteration, EmbeddingWorker::kTsneIterations);
        QVERIFY(pic->points.allFinite());
        QVERIFY(page->embeddingView()->hasCurrent());
        // Hovering a point shows that test image's thumbnail; clicking it opens it in the Errors
        // page's detail view.
        EmbeddingView* view = page->embeddingView();
        int found = -1;
        QPoint where;
        for (int y = 0; y < view->height() && found < 0; y += 4)
            for (int x = 0; x < view->width() && found < 0; x += 4)
                if ((found = view->pointAt(QPoint(x, y))) >= 0) where = QPoint(x, y);
        QVERIFY(found >= 0);
        QTest::mouseMove(view, where);
        QTRY_COMPARE(view->hoveredImage(), found);
        QTest::mouseClick(view, Qt::LeftButton, {}, where);
        QCOMPARE(window_->currentPage(), int(MainWindow::ErrorsPageIndex));
        auto* errors = qobject_cast<ErrorsPage*>(window_->page(MainWindow::ErrorsPageIndex));
        QTRY_COMPARE_WITH_TIMEOUT(errors->selectedTestIndex(), found, 60000);
        window_->showPage(MainWindow::InsidePageIndex);
    }

    void embeddingIsCancelledByANewModel() {
        // A model change during t-SNE cancels it: no picture of the old run arrives afterwards.
        InsidePage* page = window_->insidePage();
        const ModelFile model = *window_->session()->modelFile();
        window_->session()->setModel(model);
        QSignalSpy tsne(page->embeddingWorker(), &EmbeddingWorker::tsneProgress);
        QTRY_VERIFY_WITH_TIMEOUT(tsne.count() > 0, 60000);
        window_->session()->setModel(model);  // cancels and starts again
        QCOMPARE(page->embeddingView()->pointCount(), Eigen::Index(0));
        QVERIFY(!page->embeddingFinal());
        QTRY_VERIFY_WITH_TIMEOUT(page->embeddingView()->pointCount() > 0, 60000);
        QCOMPARE(page->embeddingPicture()->method, EmbeddingPicture::Method::Pca);  // the new run's PCA first
        QTRY_VERIFY_WITH_TIMEOUT(page->embeddingFinal(), 120000);
    }

    void lookInsideFromErrors() {
        // The Errors page's "Look Inside" opens the Inside page on that test image.
        auto* errors = qobject_cast<ErrorsPage*>(window_->page(MainWindow::ErrorsPageIndex));
        QVERIFY(errors);
        window_->showPage(MainWindow::ErrorsPageIndex);
        emit errors->lookInside(7);
        QCOMPARE(window_->currentPage(), int(MainWindow::InsidePageIndex));
        const Dataset& test = window_->session()->data()->test;
        Matrix x(1, 784);
        for (int i = 0; i < 784; ++i) x(0, i) = test.image(7)[i] / 255.0f;
        auto net = network_from_file(*window_->session()->modelFile());
        QVERIFY((window_->insidePage()->outputs().probabilities - net->predict(x)).cwiseAbs().maxCoeff() < 1e-6);
        QVERIFY((window_->insidePage()->layerStrip()->layers().front().values - forward_layers(*net, x).layers.front()).cwiseAbs().maxCoeff() < 1e-6);
        // Every view has data for the test image too: the map is over this image, the embedding
        // shows it as the star.
        InsidePage* page = window_->insidePage();
        QCOMPARE(page->layerStrip()->layers().size(), net->spec().layers.size() + (net->ends_with_softmax() ? 0 : 1));
        QVERIFY(page->weightTiles()->tileCount() > 0);
        QVERIFY(!page->histogram()->counts().empty());
        QCOMPARE(page->saliencyView()->map().rows(), Eigen::Index(28));
        QVERIFY(page->saliencyView()->map().cwiseAbs().maxCoeff() > 0);
        Eigen::Index predicted = 0;
        net->predict(x).row(0).maxCoeff(&predicted);
        Matrix g = input_gradient(*net, x, static_cast<int>(predicted)).cwiseProduct(x);
        QVERIFY((page->saliencyView()->map() - Eigen::Map<const Matrix>(g.data(), 28, 28)).cwiseAbs().maxCoeff() < 1e-6);
        QTRY_VERIFY_WITH_TIMEOUT(page->embeddingFinal(), 120000);
        QVERIFY(page->embeddingView()->hasCurrent());
    }

    void lookInsideFromDataAndQuiz() {
        // "Look Inside" in the detail window of the Data page and of the Quiz page's
        // disagreements opens the Inside page on that test image.
        const Dataset& test = window_->session()->data()->test;
        auto net = network_from_file(*window_->session()->modelFile());
        auto expectInsideOn = [&](int index) {
            QCOMPARE(window_->currentPage(), int(MainWindow::InsidePageIndex));
            Matrix x(1, 784);
            for (int i = 0; i < 784; ++i) x(0, i) = test.image(static_cast<std::size_t>(index))[i] / 255.0f;
            QVERIFY((window_->insidePage()->outputs().probabilities - net->predict(x)).cwiseAbs().maxCoeff() < 1e-6);
        };
        auto* data = qobject_cast<DataPage*>(window_->page(MainWindow::DataPageIndex));
        window_->showPage(MainWindow::DataPageIndex);
        data->setSet(DataPage::Set::Test);
        data->showDetail(42);
        QVERIFY(data->detailDialog()->lookInsideButton()->isVisible());
        data->detailDialog()->lookInsideButton()->click();
        expectInsideOn(42);
        data->detailDialog()->close();

        auto* quiz = qobject_cast<QuizPage*>(window_->page(MainWindow::QuizPageIndex));
        window_->showPage(MainWindow::QuizPageIndex);
        QSettings().remove(QuizPage::historySettingsKey());  // one round only, for the report below
        QVERIFY(quiz->startRound(5, 7));
        for (int q = 0; q < 5; ++q) quiz->answer((std::max(quiz->modelAnswer(q), 0) + 1) % 10);  // always disagree
        QVERIFY(quiz->isFinished());
        const std::vector<int> disagreed = quiz->disagreements();
        QCOMPARE(disagreed.size(), std::size_t(5));
        DigitGrid* grid = quiz->findChild<DigitGrid*>();
        QVERIFY(grid);
        emit grid->itemClicked(disagreed[1]);
        QVERIFY(quiz->detailDialog());
        quiz->detailDialog()->lookInsideButton()->click();
        expectInsideOn(disagreed[1]);
        quiz->detailDialog()->close();
    }

    void exportViewsAndReport() {
        // File > Export View: each chart and image grid of a page as PNG (twice the widget's size)
        // and SVG; File > Export Report: the PDF of the model that predicts.
        QTemporaryDir dir;
        const struct {
            int page;
            QStringList expected;
        } shown[] = {{MainWindow::InsidePageIndex, {"layers", "weights", "weight-histogram", "saliency", "embedding"}},
                     {MainWindow::ErrorsPageIndex, {"image-grid", "confusion-matrix", "probabilities"}},
                     {MainWindow::TrainPageIndex, {"training-curves"}}};
        for (const auto& [index, expected] : shown) {
            window_->showPage(index);
            QCoreApplication::processEvents();
            const auto views = exportableViews(window_->page(index));
            QStringList names;
            for (const ExportableView& v : views) names << v.fileName;
            for (const QString& e : expected) QVERIFY2(names.contains(e), qPrintable(names.join(',')));
            for (const ExportableView& v : views) {
                QString error;
                const QString png = dir.filePath(v.fileName + ".png"), svg = dir.filePath(v.fileName + ".svg");
                QVERIFY2(exportView(v.widget, png, v.name, &error), qPrintable(error));
                QVERIFY2(exportView(v.widget, svg, v.name, &error), qPrintable(error));
                const QImage image(png);
                QCOMPARE(image.size(), v.widget->size() * 2);
                QFile f(svg);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray text = f.readAll();
                QVERIFY(text.startsWith("<?xml"));
                QVERIFY(text.contains("<svg"));
                QVERIFY2(text.size() > 1000, qPrintable(v.fileName));  // something was drawn
            }
        }
        // Not a PNG or SVG where a folder stands: refused, naming the path.
        QVERIFY(QDir(dir.path()).mkdir("taken.png"));
        QString error;
        QVERIFY(!exportView(window_->insidePage()->embeddingView(), dir.filePath("taken.png"), "x", &error));
        QVERIFY2(error.contains("taken.png"), qPrintable(error));

        const QString pdf = dir.filePath("report.pdf");
        int pages = 0;
        QVERIFY2(window_->exportReport(pdf, &error, &pages), qPrintable(error));
        QCOMPARE(pages, 4);  // the quiz round played above was against this model
        
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        QCOMPARE(int(bytes.count("/Type /Page\n")), 4);
        // ... and as the menu writes it, on a thread of its own while the window carries on.
        QSignalSpy written(window_, &MainWindow::reportWritten);
        const QString background = dir.filePath("background.pdf");
        window_->exportReportInBackground(background);
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 120000);
        QCOMPARE(written.at(0).at(0).toBool(), true);
        QCOMPARE(written.at(0).at(1).toString(), background);
        QCOMPARE(written.at(0).at(2).toInt(), 4);
        QVERIFY(window_->statusText().contains("background.pdf"));
        window_->showPage(MainWindow::InsidePageIndex);
    }

    void updateTime() {
        // How long the page takes to follow a new drawing and a new selected layer (printed).
        InsidePage* page = window_->insidePage();
        const MnistImage input = window_->drawPage()->modelInput();
        QElapsedTimer t;
        t.start();
        const int runs = 10;
        for (int i = 0; i < runs; ++i) {
            page->setImage(input, QStringLiteral("timing"));
            page->layerStrip()->repaint();
        }
        const double image_ms = static_cast<double>(t.nsecsElapsed()) / 1e6 / runs;
        t.restart();
        for (int i = 0; i < runs; ++i) {
            page->selectLayer(i % 2);
            page->repaint();
        }
        const double layer_ms = static_cast<double>(t.nsecsElapsed()) / 1e6 / runs;
        qInfo("new image: %.1f ms, new layer: %.1f ms (model %s)", image_ms, layer_ms,
              qPrintable(window_->session()->modelName()));
        QVERIFY(image_ms > 0);
    }
};

QTEST_MAIN(TestInsidePage)
#include "tst_inside_page.moc"
