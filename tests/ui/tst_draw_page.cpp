// The Draw page driven for real: strokes drawn with QTest mouse events over the pad, tracing real
// MNIST test digits, must be predicted as their labels; undo, clear and the throttled changed()
// signal behave; an opened picture is predicted in either polarity; a file that is not an image
// gives a message and leaves the drawing alone.
#include "canvas.h"
#include "draw_page.h"
#include "page_test_support.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QSlider>
#include <QPushButton>
#include <QTest>

#include <cmath>
#include <numeric>

using namespace digit;
using namespace digit::ui;

namespace {

// Cosine similarity of two 28x28 images.
double similarity(const MnistImage& a, const MnistImage& b) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(std::max(aa * bb, 1e-12));
}

MnistImage toFloats(const std::uint8_t* pixels) {
    MnistImage out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = pixels[i] / 255.0f;
    return out;
}

}  // namespace

class TestDrawPage : public QObject {
    Q_OBJECT
private:
    Session session_;
    std::vector<int> modelOnTest_;  // the model's argmax on every test image

    // Draws a 28x28 MNIST image on the pad the way a patient person would: one mouse stroke per
    // run of ink along each row, the pen about one source pixel wide.
    void traceDigit(DigitCanvas* canvas, const std::uint8_t* pixels) {
        const double s = std::min(canvas->width(), canvas->height()) / 28.0 * 0.8;
        const QPointF origin((canvas->width() - 28 * s) / 2, (canvas->height() - 28 * s) / 2);
        canvas->setBrushSize(s * 1.25 / std::min(canvas->width(), canvas->height()));
        auto at = [&](double x, double y) { return (origin + QPointF((x + 0.5) * s, (y + 0.5) * s)).toPoint(); };
        for (int y = 0; y < 28; ++y) {
            int x = 0;
            while (x < 28) {
                if (pixels[y * 28 + x] < 110) {
                    ++x;
                    continue;
                }
                const int x0 = x;
                while (x < 28 && pixels[y * 28 + x] >= 110) ++x;
                const int x1 = x - 1;
                QTest::mousePress(canvas, Qt::LeftButton, {}, at(x0, y));
                for (int k = x0 + 1; k <= x1; ++k) QTest::mouseMove(canvas, at(k, y));
                QTest::mouseRelease(canvas, Qt::LeftButton, {}, at(x1, y));
            }
        }
    }

private slots:
    void initTestCase() {
        QString error;
        QVERIFY2(test::setUpSession(session_, &error), qPrintable(error));
        modelOnTest_ = test::argmaxRows(predict_dataset(*session_.model(), session_.data()->test));
    }

    void tracedDigitsArePredicted() {
        DrawPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.predictedDigit(), -1);  // empty pad

        // The first test image of each digit that the model reads right from MNIST itself.
        const Dataset& test = session_.data()->test;
        std::vector<std::size_t> chosen;
        for (int digit = 0; digit < 10; ++digit)
            for (std::size_t i = 0; i < test.size(); ++i)
                if (test.labels[i] == digit && modelOnTest_[i] == digit) {
                    chosen.push_back(i);
                    break;
                }
        QCOMPARE(chosen.size(), std::size_t(10));

        int right = 0;
        for (std::size_t i : chosen) {
            page.canvas()->clear();
            traceDigit(page.canvas(), test.image(i));
            QVERIFY(page.canvas()->strokeCount() > 3);
            // What the model sees is the traced digit, re-centred as MNIST is.
            const double sim = similarity(page.modelInput(), toFloats(test.image(i)));
            QVERIFY2(sim > 0.6, qPrintable(QStringLiteral("test image %1: similarity %2").arg(i).arg(sim)));
            // The probabilities are a distribution and "not sure" follows them.
            const auto& p = page.probabilities();
            QVERIFY(std::abs(std::accumulate(p.begin(), p.end(), 0.0f) - 1.0f) < 1e-3f);
            std::array<float, 10> sorted = p;
            std::sort(sorted.rbegin(), sorted.rend());
            // (as shares of all the model's answers: "not a digit" takes its part)
            const float share = 1.0f - page.notADigitScore();
            QCOMPARE(page.isUnsure(), !page.isNotADigit() && !(sorted[0] * share >= DrawPage::kSureProbability &&
                                                               (sorted[0] - sorted[1]) * share >= DrawPage::kSureMargin));
            QCOMPARE(int(std::max_element(p.begin(), p.end()) - p.begin()), page.predictedDigit());
            if (page.predictedDigit() == test.labels[i]) ++right;
        }
        QVERIFY2(right >= 8, qPrintable(QStringLiteral("only %1 of 10 traced digits predicted right").arg(right)));
    }

    void undoAndClear() {
        DrawPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        DigitCanvas* canvas = page.canvas();
        const QImage blank = canvas->image();
        const QPoint c = canvas->rect().center();

        QTest::mousePress(canvas, Qt::LeftButton, {}, c + QPoint(0, -100));
        QTest::mouseMove(canvas, c + QPoint(0, 0));
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, c + QPoint(0, 100));
        const QImage one = canvas->image();
        QTest::mousePress(canvas, Qt::LeftButton, {}, c + QPoint(-60, -100));
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, c + QPoint(60, -100));
        QCOMPARE(canvas->strokeCount(), 2);
        QVERIFY(canvas->image() != one);
        QVERIFY(page.predictedDigit() >= 0);

        canvas->undo();
        QCOMPARE(canvas->strokeCount(), 1);
        QCOMPARE(canvas->image(), one);  // exactly the drawing before the second stroke
        canvas->undo();
        QVERIFY(canvas->isEmpty());
        QCOMPARE(canvas->image(), blank);
        QCOMPARE(page.predictedDigit(), -1);

        QTest::mousePress(canvas, Qt::LeftButton, {}, c);
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, c + QPoint(0, 80));
        QVERIFY(!canvas->isEmpty());
        canvas->clear();
        QVERIFY(canvas->isEmpty());
        QCOMPARE(canvas->image(), blank);
        QCOMPARE(page.predictedDigit(), -1);
        QVERIFY(canvas->canUndo());  // a clear can be taken back
    }

    void clearThenCtrlZRestoresTheDrawing() {
        DrawPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        DigitCanvas* canvas = page.canvas();
        const QPoint c = canvas->rect().center();
        QTest::mousePress(canvas, Qt::LeftButton, {}, c + QPoint(-50, -100));
        QTest::mouseMove(canvas, c + QPoint(40, -60));
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, c + QPoint(0, 100));
        QTest::mousePress(canvas, Qt::LeftButton, {}, c + QPoint(-60, 0));
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, c + QPoint(60, 0));
        const QImage drawing = canvas->image();
        const int digit = page.predictedDigit();
        QVERIFY(digit >= 0);

        // Esc does not erase.
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        canvas->setFocus();
        QTest::keyClick(&page, Qt::Key_Escape);
        QCOMPARE(canvas->strokeCount(), 2);
        QCOMPARE(canvas->image(), drawing);

        QTest::mouseClick(page.clearButton(), Qt::LeftButton);
        QVERIFY(canvas->isEmpty());
        QCOMPARE(page.predictedDigit(), -1);

        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(canvas->strokeCount(), 2);
        QCOMPARE(canvas->image(), drawing);  // exactly the drawing before Clear
        QCOMPARE(page.predictedDigit(), digit);
        // And on through the strokes.
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(canvas->strokeCount(), 1);
    }

    void brushSliderShowsTheSize() {
        DrawPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* slider = page.findChild<QSlider*>();
        QVERIFY(slider);
        slider->setValue(10);
        const QString px = QString::number(std::lround(page.canvas()->brushWidth()));
        QVERIFY2(page.brushText().startsWith(px + QStringLiteral(" px")), qPrintable(page.brushText()));
        QVERIFY(page.brushText().contains(QStringLiteral("10%")));
    }

    void changedIsThrottledButNeverStale() {
        DigitCanvas canvas;
        canvas.resize(400, 400);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        QSignalSpy spy(&canvas, &DigitCanvas::changed);
        QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(100, 100));
        for (int k = 1; k <= 60; ++k) QTest::mouseMove(&canvas, QPoint(100 + 3 * k, 100 + k));
        QVERIFY2(spy.count() < 10, qPrintable(QString::number(spy.count())));
        const int duringStroke = spy.count();
        QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(280, 160));
        QCOMPARE(spy.count(), duringStroke + 1);  // the end of a stroke is always reported at once
    }

    void picturesArePredictedInEitherPolarity() {
        DrawPage page(&session_);
        page.resize(1280, 800);
        page.show();
        const Dataset& test = session_.data()->test;
        std::size_t index = 0;
        while (!(modelOnTest_[index] == test.labels[index] && test.labels[index] == 4)) ++index;
        const QImage mnist = [&] {
            QImage img(28, 28, QImage::Format_Grayscale8);
            for (int y = 0; y < 28; ++y) std::copy_n(test.image(index) + y * 28, 28, img.scanLine(y));
            return img;
        }();
        page.loadImage(mnist);  // white on black, as MNIST and the Errors page send it
        QVERIFY(page.canvas()->hasPicture());
        QCOMPARE(page.predictedDigit(), 4);
        QVERIFY(page.errorMessage().isEmpty());

        // The same digit as a large dark-on-light PNG file.
        QTemporaryDir dir;
        QImage large = mnist.scaled(280, 280, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        large.invertPixels();
        const QString path = dir.filePath(QStringLiteral("four.png"));
        QVERIFY(large.save(path));
        page.canvas()->clear();
        QVERIFY(page.loadImageFile(path));
        QCOMPARE(page.predictedDigit(), 4);
    }

    void nonImageFileKeepsTheDrawing() {
        DrawPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.prepareScreenshot();
        const QImage before = page.canvas()->image();
        const int digit = page.predictedDigit();
        QVERIFY(digit >= 0);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("notes.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("these are not the pixels you are looking for\n");
        file.close();

        QVERIFY(!page.loadImageFile(path));
        QVERIFY(page.errorMessage().contains(QStringLiteral("notes.png")));
        QCOMPARE(page.canvas()->image(), before);
        QCOMPARE(page.canvas()->strokeCount(), 1);
        QCOMPARE(page.predictedDigit(), digit);

        QVERIFY(!page.loadImageFile(dir.filePath(QStringLiteral("missing.png"))));
        QVERIFY(page.errorMessage().contains(QStringLiteral("missing.png")));
        QCOMPARE(page.canvas()->image(), before);

        // Drawing again clears the message.
        QTest::mousePress(page.canvas(), Qt::LeftButton, {}, QPoint(20, 20));
        QTest::mouseRelease(page.canvas(), Qt::LeftButton, {}, QPoint(30, 30));
        QVERIFY(page.errorMessage().isEmpty());
    }

    void screenshotDigitIsAThree() {
        DrawPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.prepareScreenshot();
        QCOMPARE(page.predictedDigit(), 3);
        QVERIFY(!page.isUnsure());
    }

    // With the app's default model (11 outputs): a letter drawn on the pad is answered "Not a
    // digit", and the screenshot's 3 stays a 3.
    void letterIsNotADigit() {
#ifndef DIGIT_DEFAULT_MODEL
        QSKIP("no default model in resources/models");
#else
        Session session;
        QString error;
        QVERIFY2(session.openModel(QStringLiteral(DIGIT_DEFAULT_MODEL), &error), qPrintable(error));
        DrawPage page(&session);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.prepareLetterScreenshot();
        QVERIFY(page.isNotADigit());
        QVERIFY(page.notADigitScore() >= kNotADigitThreshold);
        QVERIFY(!page.isUnsure());
        page.prepareScreenshot();
        QCOMPARE(page.predictedDigit(), 3);
        QVERIFY(!page.isNotADigit());
        page.canvas()->clear();
        QTRY_COMPARE(page.predictedDigit(), -1);  // an empty pad asks for a drawing instead
        QVERIFY(!page.isNotADigit());
#endif
    }
};

QTEST_MAIN(TestDrawPage)
#include "tst_draw_page.moc"
