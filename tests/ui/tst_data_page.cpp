// The Data page's filters and shuffles against the real data set, and every page of this group
// (Draw, Errors, Data, Quiz) in a session without data or model: they explain themselves instead
// of crashing.
#include "canvas.h"
#include "data_page.h"
#include "digit_detail.h"
#include "digit_grid.h"
#include "draw_page.h"
#include "errors_page.h"
#include "quiz_page.h"
#include "session.h"

#include <QCoreApplication>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

#include <array>
#include <set>

using namespace digit;
using namespace digit::ui;

class TestDataPage : public QObject {
    Q_OBJECT
private:
    Session session_;

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_data_page"));
        QString error;
        QVERIFY2(session_.loadData({}, &error), qPrintable(error));
    }

    void doubleClickOpensTheImageWithSendToCanvas() {
        DataPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setSet(DataPage::Set::Test);
        const int first = page.shownIndices().front();
        QSignalSpy sent(&page, &DataPage::sendToCanvas);
        // Double-click the first thumbnail (the grid is centred in its view).
        QWidget* view = page.grid()->findChildren<QWidget*>().front();
        for (QWidget* w : page.grid()->findChildren<QWidget*>())
            if (w->metaObject()->className() == QByteArray("QWidget") && w->width() > view->width()) view = w;
        QPoint at;
        for (int x = 0; x < view->width() && at.isNull(); x += 4) {
            QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(x, 30));
            if (page.grid()->selectedId() == first) at = QPoint(x, 30);
        }
        QVERIFY(!at.isNull());
        QTest::mouseDClick(view, Qt::LeftButton, {}, at);
        DigitDetailDialog* detail = page.detailDialog();
        QVERIFY(detail);
        QTRY_VERIFY(detail->isVisible());
        const Dataset& test = session_.data()->test;
        QCOMPARE(detail->image(), mnistToImage(test.image(std::size_t(first))));
        QVERIFY(detail->text().contains(QString::number(test.labels[std::size_t(first)])));
        QTest::mouseClick(detail->sendButton(), Qt::LeftButton);
        QCOMPARE(sent.count(), 1);
        QCOMPARE(sent.at(0).at(0).value<QImage>(), mnistToImage(test.image(std::size_t(first))));
        detail->close();
    }

    void filterByDigit_data() {
        QTest::addColumn<bool>("training");
        QTest::addColumn<int>("digit");
        QTest::newRow("train all") << true << -1;
        QTest::newRow("train 3") << true << 3;
        QTest::newRow("test 7") << false << 7;
        QTest::newRow("test 0") << false << 0;
    }

    void filterByDigit() {
        QFETCH(bool, training);
        QFETCH(int, digit);
        DataPage page(&session_);
        page.resize(1280, 800);
        page.show();
        page.setSet(training ? DataPage::Set::Training : DataPage::Set::Test);
        page.setDigitFilter(digit);
        const Dataset& ds = training ? session_.data()->train : session_.data()->test;
        std::size_t expected = 0;
        for (std::uint8_t label : ds.labels) expected += digit < 0 || label == digit;
        const std::vector<int>& order = page.orderedIndices();
        QCOMPARE(order.size(), expected);
        QCOMPARE(std::set<int>(order.begin(), order.end()).size(), expected);  // each image once
        for (int i : order) QVERIFY(digit < 0 || ds.labels[std::size_t(i)] == digit);
        QCOMPARE(int(page.grid()->items().size()), int(expected));
        const std::vector<int> shown = page.shownIndices();
        QVERIFY(!shown.empty());
        QVERIFY(std::equal(shown.begin(), shown.end(), order.begin()));
    }

    void reshuffleIsSeeded() {
        DataPage page(&session_);
        page.setSet(DataPage::Set::Test);
        page.reshuffle(7);
        const std::vector<int> a = page.orderedIndices();
        page.reshuffle(8);
        const std::vector<int> b = page.orderedIndices();
        page.reshuffle(7);
        QVERIFY(page.orderedIndices() == a);
        QVERIFY(a != b);
        QCOMPARE(std::set<int>(b.begin(), b.end()), std::set<int>(a.begin(), a.end()));
    }

    void pagesWithoutDataOrModel() {
        Session empty;
        DrawPage draw(&empty);
        ErrorsPage errors(&empty);
        DataPage data(&empty);
        QuizPage quiz(&empty);
        for (QWidget* page : std::array<QWidget*, 4>{&draw, &errors, &data, &quiz}) {
            page->resize(1280, 800);
            page->show();
        }
        draw.prepareScreenshot();
        QVERIFY(!draw.canvas()->isEmpty());
        QCOMPARE(draw.predictedDigit(), -1);  // nothing to predict with
        errors.prepareScreenshot();
        errors.refresh();
        QVERIFY(!errors.isReady());
        QVERIFY(errors.filteredTestIndices().empty());
        data.prepareScreenshot();
        QVERIFY(data.orderedIndices().empty());
        QVERIFY(!quiz.startRound(10, 1));
        QVERIFY(!quiz.isRunning());
        QTest::keyClick(&quiz, Qt::Key_3);
        QCOMPARE(quiz.personScore(), 0);
        quiz.prepareScreenshot();
        QVERIFY(!quiz.isRunning());

        // Data but still no model: the quiz runs, the model has no answers.
        QString error;
        QVERIFY2(empty.loadData({}, &error), qPrintable(error));
        QVERIFY(quiz.startRound(5, 1));
        for (int i = 0; i < 5; ++i) QTest::keyClick(&quiz, Qt::Key_1);
        QVERIFY(quiz.isFinished());
        QCOMPARE(quiz.modelScore(), 0);
        QCOMPARE(int(quiz.disagreements().size()), 5);
        QCOMPARE(int(data.orderedIndices().size()), 60000);  // the Data page filled itself in
        QSettings().remove(QuizPage::historySettingsKey());
    }
};

QTEST_MAIN(TestDataPage)
#include "tst_data_page.moc"
