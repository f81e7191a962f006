// The Quiz page answered by key: the person's score follows the true labels, the model's score
// follows the model's own predictions on the same images, ambiguous answers count as such, and
// the end of a round lists exactly the disagreements and adds one entry to the history.
#include "page_test_support.h"
#include "quiz_page.h"

#include <QCoreApplication>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

#include <set>

using namespace digit;
using namespace digit::ui;

class TestQuizPage : public QObject {
    Q_OBJECT
private:
    Session session_;
    std::vector<int> modelOnTest_;

    int label(int testIndex) const { return session_.data()->test.labels[std::size_t(testIndex)]; }

private slots:
    void initTestCase() {
        // Keep the test's rounds out of the person's own history.
        QCoreApplication::setOrganizationName(QStringLiteral("DigitStudioTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_quiz_page"));
        QSettings().remove(QuizPage::historySettingsKey());
        QString error;
        QVERIFY2(test::setUpSession(session_, &error, 5000, 1), qPrintable(error));
        modelOnTest_ = test::argmaxRows(predict_dataset(*session_.model(), session_.data()->test));
    }

    void cleanupTestCase() { QSettings().remove(QuizPage::historySettingsKey()); }

    void answeringByKey() {
        QuizPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(page.startRound(30, 11));
        QCOMPARE(page.roundSize(), 30);
        QSignalSpy finished(&page, &QuizPage::roundFinished);

        int person = 0, model = 0, ambiguous = 0;
        std::vector<int> disagreements;
        std::set<int> seen;
        for (int q = 0; q < 30; ++q) {
            QCOMPARE(page.currentIndex(), q);
            const int ti = page.currentTestIndex();
            QVERIFY(ti >= 0 && ti < int(session_.data()->test.size()));
            QVERIFY2(seen.insert(ti).second, "an image came twice in one round");
            QCOMPARE(page.modelAnswer(q), modelOnTest_[std::size_t(ti)]);
            const int truth = label(ti);
            int given;
            if (q % 7 == 3) {
                given = QuizPage::kAmbiguous;
                QTest::keyClick(&page, q % 2 ? Qt::Key_A : Qt::Key_Question);
                ++ambiguous;
            } else {
                given = q % 4 == 0 ? (truth + 1) % 10 : truth;
                QTest::keyClick(&page, Qt::Key(Qt::Key_0 + given));
                person += given == truth;
            }
            // One rule for both scores: an image called ambiguous is not scored for either.
            if (given != QuizPage::kAmbiguous) model += modelOnTest_[std::size_t(ti)] == truth;
            if (given != modelOnTest_[std::size_t(ti)]) disagreements.push_back(ti);
            QCOMPARE(page.personScore(), person);
            QCOMPARE(page.modelScore(), model);
            QCOMPARE(page.ambiguousCount(), ambiguous);
        }
        QVERIFY(page.isFinished());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(page.currentTestIndex(), -1);
        QVERIFY(page.disagreements() == disagreements);
        QVERIFY(person < 30 - ambiguous);  // the wrong answers were not counted as right

        // Keys do nothing once the round is over.
        QTest::keyClick(&page, Qt::Key_5);
        QCOMPARE(page.personScore(), person);

        const QList<QVariantMap> history = page.history();
        QVERIFY(!history.isEmpty());
        const QVariantMap last = history.back();
        QCOMPARE(last.value(QStringLiteral("images")).toInt(), 30);
        QCOMPARE(last.value(QStringLiteral("person")).toInt(), person);
        QCOMPARE(last.value(QStringLiteral("model")).toInt(), model);
        QCOMPARE(last.value(QStringLiteral("ambiguous")).toInt(), ambiguous);
    }

    // 5 right, 1 wrong, 1 ambiguous: the headline and the summary both say 5 / 6, not 5 / 7, and the
    // tooltip states the rule.
    void ambiguousAnswerIsScoredByOneRule() {
        QuizPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(page.startRound(7, 5));
        for (int q = 0; q < 7; ++q) {
            const int truth = label(page.currentTestIndex());
            if (q == 3) page.answer(QuizPage::kAmbiguous);
            else if (q == 5) page.answer((truth + 1) % 10);
            else page.answer(truth);
            if (q == 5) {
                QCOMPARE(page.personScore(), 4);
                QCOMPARE(page.scoredCount(), 5);
                QVERIFY2(page.headlineText().contains(QStringLiteral("4 / 5 (80.0%)")), qPrintable(page.headlineText()));
            }
        }
        QVERIFY(page.isFinished());
        QCOMPARE(page.personScore(), 5);
        QCOMPARE(page.ambiguousCount(), 1);
        QCOMPARE(page.scoredCount(), 6);
        QVERIFY2(page.summaryText().contains(QStringLiteral("You: 5 / 6 (83.3%)")), qPrintable(page.summaryText()));
        QVERIFY(!page.summaryText().contains(QStringLiteral("/ 7")));
        QVERIFY(page.headlineToolTip().contains(QStringLiteral("left out of both scores")));
        // The model is scored over the same six images.
        int model = 0;
        const QList<QVariantMap> h = page.history();
        QCOMPARE(h.back().value(QStringLiteral("person")).toInt(), 5);
        model = h.back().value(QStringLiteral("model")).toInt();
        QCOMPARE(page.modelScore(), model);
        QVERIFY(model <= 6);
    }

    void answeringByButtonAndEndingEarly() {
        QuizPage page(&session_);
        page.resize(1280, 800);
        page.show();
        QVERIFY(page.startRound(QuizPage::kDefaultRoundSize, 5));
        QCOMPARE(page.roundSize(), 100);
        const int before = int(page.history().size());

        QPushButton* buttons[10] = {};
        for (QPushButton* b : page.findChildren<QPushButton*>()) {
            bool ok = false;
            const int d = b->text().toInt(&ok);
            if (ok && d >= 0 && d <= 9) buttons[d] = b;
        }
        for (QPushButton* b : buttons) QVERIFY(b);
        for (int q = 0; q < 4; ++q) QTest::mouseClick(buttons[label(page.currentTestIndex())], Qt::LeftButton);
        QCOMPARE(page.personScore(), 4);
        QCOMPARE(page.currentIndex(), 4);

        page.finishRound();
        QVERIFY(page.isFinished());
        QCOMPARE(page.roundSize(), 4);  // only the answered images count
        QCOMPARE(int(page.history().size()), before + 1);
        QCOMPARE(page.history().back().value(QStringLiteral("images")).toInt(), 4);
    }

    void sameSeedSameRound() {
        QuizPage a(&session_), b(&session_);
        QVERIFY(a.startRound(10, 42));
        QVERIFY(b.startRound(10, 42));
        for (int q = 0; q < 10; ++q) {
            QCOMPARE(a.currentTestIndex(), b.currentTestIndex());
            a.answer(0);
            b.answer(0);
        }
    }
};

QTEST_MAIN(TestQuizPage)
#include "tst_quiz_page.moc"
