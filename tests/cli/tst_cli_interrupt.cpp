// Interrupting `digit-cli train`: SIGINT or SIGTERM stops the run within one batch, says so on
// one line, exits with 128 + the signal's number and writes no half model; with --checkpoint the
// output holds the last complete epoch, a model that loads. scripts/interrupt_latency.sh measures
// the signal-to-exit time on cnn-32-64; here the bound is loose (shared CI machines, sanitizers).
#include "model_io.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace digit;

class TestCliInterrupt : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    // Starts a training run long enough to be interrupted, in the test's folder.
    void start(QProcess& p, const QStringList& extra) {
        p.setWorkingDirectory(dir_.path());
        p.start(QStringLiteral(DIGIT_CLI), QStringList{"train", "--preset", "cnn-small", "--limit", "2000", "--epochs", "200",
                                                       "--out", "m.dsm"} + extra);
        QVERIFY(p.waitForStarted());
    }
    // Reads stdout until it holds `text` (or the run ends or 60 s pass).
    bool wait_for(QProcess& p, QByteArray& out, const QByteArray& text) {
        QElapsedTimer t;
        t.start();
        while (!out.contains(text) && t.elapsed() < 60000 && p.state() == QProcess::Running) {
            p.waitForReadyRead(100);
            out += p.readAllStandardOutput();
        }
        return out.contains(text);
    }
    // Sends `signo` and returns the milliseconds until the process has exited (-1 if it did not
    // within 10 s).
    qint64 interrupt(QProcess& p, int signo) {
        QElapsedTimer t;
        t.start();
        ::kill(static_cast<pid_t>(p.processId()), signo);
        if (!p.waitForFinished(10000)) {
            p.kill();
            return -1;
        }
        return t.elapsed();
    }
    QStringList temporaries() const { return QDir(dir_.path()).entryList({"m.dsm.tmp-*"}, QDir::Files); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }
    void init() { QFile::remove(dir_.filePath("m.dsm")); }

    void signalStopsWithoutAHalfModel_data() {
        QTest::addColumn<int>("signo");
        QTest::addColumn<QString>("name");
        QTest::newRow("SIGINT") << int(SIGINT) << "SIGINT";
        QTest::newRow("SIGTERM") << int(SIGTERM) << "SIGTERM";
    }
    void signalStopsWithoutAHalfModel() {
        QFETCH(int, signo);
        QFETCH(QString, name);
        QProcess p;
        start(p, {});
        QByteArray out;
        QVERIFY2(wait_for(p, out, "Epoch 1/"), out.constData());  // in the middle of training
        const qint64 ms = interrupt(p, signo);
        QVERIFY2(ms >= 0, "digit-cli did not stop");
        qInfo("%s: exit %lld ms after the signal", qPrintable(name), ms);
        QVERIFY2(ms < 3000, qPrintable(QStringLiteral("%1 ms from the signal to the exit").arg(ms)));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 128 + signo);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.startsWith("digit-cli: interrupted by " + name + " in epoch ") && err.contains("no model written") &&
                     err.count('\n') == 1,
                 qPrintable(err));
        QVERIFY(!QFile::exists(dir_.filePath("m.dsm")));
        QVERIFY(temporaries().isEmpty());
    }

    // --checkpoint: after every complete epoch the model goes to --out; an interrupt keeps it.
    void checkpointKeepsTheLastCompleteEpoch() {
        QProcess p;
        start(p, {"--checkpoint"});
        QByteArray out;
        QVERIFY2(wait_for(p, out, "Epoch 2/"), out.constData());
        QVERIFY(interrupt(p, SIGINT) >= 0);
        QCOMPARE(p.exitCode(), 128 + SIGINT);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        const QRegularExpressionMatch m = QRegularExpression("holds the checkpoint of epoch (\\d+)\\n$").match(err);
        QVERIFY2(m.hasMatch(), qPrintable(err));
        const int epoch = m.captured(1).toInt();
        QVERIFY(epoch >= 2);
        ModelFile model = load_model(dir_.filePath("m.dsm").toStdString());
        QCOMPARE(model.info.epochs_trained, epoch);
        QCOMPARE(model.info.name, std::string("cnn-small"));
        QVERIFY(temporaries().isEmpty());
    }

    // A signal before training begins (while the data loads) stops it as quickly.
    void earlySignal() {
        QProcess p;
        start(p, {});
        QByteArray out;
        QVERIFY(wait_for(p, out, "Training cnn-small"));
        QVERIFY(interrupt(p, SIGTERM) >= 0);
        QCOMPARE(p.exitCode(), 128 + SIGTERM);
        QVERIFY(!QFile::exists(dir_.filePath("m.dsm")));
    }
};

QTEST_GUILESS_MAIN(TestCliInterrupt)
#include "tst_cli_interrupt.moc"
