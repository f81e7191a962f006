// The "not a digit" answer of the app's default model (resources/models/default.dsm, 11 outputs)
// on a handful of fixed pictures made here, none of them from the generator it was trained on:
// typeset letters, a scribble and a smiley drawn with QPainter, a blank page, and real MNIST test
// digits, which must keep their digit. ("&" is not among the letters: DejaVu Sans's is read as an
// 8, P(not a digit) 0.43, a near miss the README's table counts among the font letters.)
#include "image_file.h"
#include "mnist_fixture.h"
#include "model_io.h"
#include "network.h"
#include "predict.h"
#include "preprocess.h"

#include <QFont>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QTest>

using namespace digit;

namespace {

// Black ink on a white 200x200 page, as a picture file would hold it.
QImage page() {
    QImage img(200, 200, QImage::Format_RGB32);
    img.fill(Qt::white);
    return img;
}

}  // namespace

class TestNotADigitDecision : public QObject {
    Q_OBJECT
    std::unique_ptr<Network> net_;
    MnistData data_;

    Prediction answer(const QImage& img) { return predict_image(*net_, preprocess_digit(gray_from_qimage(img)).image); }

private slots:
    void initTestCase() {
        net_ = network_from_file(load_model(DIGIT_DEFAULT_MODEL));
        QCOMPARE(net_->classes(), 11);
        QVERIFY2(test::loadMnist(data_), test::kMnistMissing);
    }

    void letters_data() {
        QTest::addColumn<QString>("text");
        for (const char* t : {"A", "K", "W", "h", "M"}) QTest::newRow(t) << QString::fromLatin1(t);
    }
    void letters() {
        QFETCH(QString, text);
        QImage img = page();
        QPainter p(&img);
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setPixelSize(120);
        p.setFont(font);
        p.setPen(Qt::black);
        p.drawText(img.rect(), Qt::AlignCenter, text);
        p.end();
        const Prediction a = answer(img);
        QVERIFY2(a.not_a_digit, qPrintable(QStringLiteral("%1: digit %2, P(not a digit) %3").arg(text).arg(a.digit).arg(a.not_a_digit_score)));
    }

    void scribbleAndSmiley() {
        QImage img = page();
        QPainter p(&img);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(Qt::black, 9, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        QPainterPath scribble(QPointF(30, 100));
        for (int i = 0; i < 7; ++i) scribble.cubicTo(QPointF(40 + 20 * i, 10), QPointF(60 + 20 * i, 190), QPointF(50 + 20 * i, 100));
        p.drawPath(scribble);
        p.end();
        Prediction a = answer(img);
        QVERIFY2(a.not_a_digit, qPrintable(QStringLiteral("scribble: digit %1, P(not a digit) %2").arg(a.digit).arg(a.not_a_digit_score)));

        img = page();
        p.begin(&img);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(Qt::black, 8, Qt::SolidLine, Qt::RoundCap));
        p.drawEllipse(QRectF(25, 25, 150, 150));
        p.drawPoint(QPointF(75, 80));
        p.drawPoint(QPointF(125, 80));
        p.drawArc(QRectF(60, 70, 80, 70), 200 * 16, 140 * 16);
        p.end();
        a = answer(img);
        QVERIFY2(a.not_a_digit, qPrintable(QStringLiteral("smiley: digit %1, P(not a digit) %2").arg(a.digit).arg(a.not_a_digit_score)));
    }

    void blankPage() {
        const Prediction a = answer(page());
        QVERIFY(a.not_a_digit);
        QCOMPARE(a.not_a_digit_score, 1.0f);
    }

    void realDigitsStayDigits() {
        // The first 100 test digits: none answered "not a digit", and read as MNIST reads them.
        int right = 0;
        for (std::size_t i = 0; i < 100; ++i) {
            MnistImage img{};
            for (std::size_t k = 0; k < img.size(); ++k) img[k] = data_.test.image(i)[k] / 255.0f;
            const Prediction a = predict_image(*net_, img);
            QVERIFY2(!a.not_a_digit, qPrintable(QStringLiteral("test image %1").arg(i)));
            right += a.digit == data_.test.labels[i];
        }
        QVERIFY(right >= 99);
    }
};

QTEST_MAIN(TestNotADigitDecision)
#include "tst_not_a_digit_decision.moc"
