// Saving under faults: the target is always the old file or the complete new one. A child process
// saving over a model again and again is killed with SIGKILL at random moments; a save runs into
// a file-size limit, a full and a read-only file system; devices, FIFOs and folders are never
// replaced; symbolic links are written through; temporaries of killed saves are cleaned up.
#include "errors.h"
#include "file_io.h"
#include "model_io.h"
#include "presets.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

using namespace digit;

namespace {

QByteArray read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList temporaries(const QString& dir, const QString& name) {
    return QDir(dir).entryList({name + ".tmp-*"}, QDir::Files | QDir::Hidden | QDir::System);
}

ModelFile model_of(const char* preset, std::uint64_t seed, const char* name) {
    const Preset* p = find_preset(preset);
    Network net(p->model, seed);
    ModelInfo info;
    info.name = name;
    return make_model_file(net, p->training, info);
}

bool is_type(const QString& path, mode_t type) {
    struct stat st {};
    return ::lstat(path.toLocal8Bit().constData(), &st) == 0 && (st.st_mode & S_IFMT) == type;
}

}  // namespace

class TestAtomicSave : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    ModelFile a_, b_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        a_ = model_of("mlp-512", 1, "A");
        b_ = model_of("mlp-512", 2, "B");
        QVERIFY(a_.parameters != b_.parameters);
    }

    // Whatever is not a regular file stays what it is: train --out /dev/full once replaced the
    // device node with a regular file.
    void nonRegularTargetIsNotReplaced_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("FIFO") << "fifo";
        QTest::newRow("folder") << "folder";
        QTest::newRow("socket") << "socket";
        QTest::newRow("character device") << "device";
    }
    void nonRegularTargetIsNotReplaced() {
        QFETCH(QString, kind);
        const QString path = dir_.filePath("special-" + kind);
        const QByteArray p = path.toLocal8Bit();
        mode_t type = 0;
        if (kind == "fifo") {
            QCOMPARE(::mkfifo(p.constData(), 0644), 0);
            type = S_IFIFO;
        } else if (kind == "folder") {
            QVERIFY(QDir().mkdir(path));
            type = S_IFDIR;
        } else if (kind == "socket") {
            const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            if (static_cast<std::size_t>(p.size()) >= sizeof addr.sun_path) QSKIP("temporary path too long for a socket");
            std::strcpy(addr.sun_path, p.constData());
            QCOMPARE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
            ::close(s);
            type = S_IFSOCK;
        } else {
            // A node like /dev/full (1, 7), made in the temporary folder: needs root.
            if (::mknod(p.constData(), S_IFCHR | 0666, makedev(1, 7)) != 0) QSKIP("mknod needs root");
            type = S_IFCHR;
        }
        try {
            save_model(p.toStdString(), a_);
            QFAIL("replaced something that is not a regular file");
        } catch (const FileError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("refusing to replace it"), e.what());
        }
        QVERIFY(is_type(path, type));
        QVERIFY_THROWS_EXCEPTION(FileError, check_writable_target(p.toStdString()));
        QVERIFY(is_type(path, type));
        QVERIFY(temporaries(dir_.path(), "special-" + kind).isEmpty());
    }

    // Decision: a symbolic link is written through. Its target gets the new model, the link stays
    // a link (a user's models/current.dsm -> run-42.dsm keeps working). A link to nothing is refused.
    void symbolicLinkIsWrittenThrough() {
        const QString target = dir_.filePath("real.dsm"), link = dir_.filePath("link.dsm");
        save_model(target.toStdString(), a_);
        QVERIFY(QFile::link(target, link));
        save_model(link.toStdString(), b_);
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(QFileInfo(link).symLinkTarget(), target);
        QCOMPARE(load_model(target.toStdString()).parameters, b_.parameters);
        QVERIFY(temporaries(dir_.path(), "link.dsm").isEmpty());
        QVERIFY(temporaries(dir_.path(), "real.dsm").isEmpty());

        const QString dangling = dir_.filePath("dangling.dsm");
        QVERIFY(QFile::link(dir_.filePath("nowhere/missing.dsm"), dangling));
        try {
            save_model(dangling.toStdString(), a_);
            QFAIL("wrote through a link to nothing");
        } catch (const FileError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("symbolic link to a missing"), e.what());
        }
        QVERIFY(QFileInfo(dangling).isSymLink());
    }

    // A save keeps the mode of the file it replaces.
    void replacedFileKeepsItsMode() {
        const QString path = dir_.filePath("mode.dsm");
        save_model(path.toStdString(), a_);
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
        save_model(path.toStdString(), b_);
        QCOMPARE(QFile::permissions(path) & 0x7777, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
    }

    // Temporaries of killed saves (no writer holds their lock) go at the next save to the same
    // target; one whose writer is alive (locked) stays, and so does anything else.
    void staleTemporariesAreRemoved() {
        const QString path = dir_.filePath("stale.dsm");
        save_model(path.toStdString(), a_);
        auto touch = [](const QString& p) {
            QFile f(p);
            return f.open(QIODevice::WriteOnly) && f.write("partial") == 7;
        };
        QVERIFY(touch(path + ".tmp-AbC123"));
        QVERIFY(touch(path + ".tmp-zzzzzz"));
        QVERIFY(touch(path + ".tmp-live01"));
        QVERIFY(touch(path + ".tmp-notours"));  // 7 characters: not a temporary name
        QVERIFY(touch(dir_.filePath("other.dsm.tmp-AbC123")));
        const int live = ::open((path + ".tmp-live01").toLocal8Bit().constData(), O_RDONLY);
        QVERIFY(live >= 0);
        QCOMPARE(::flock(live, LOCK_EX), 0);
        save_model(path.toStdString(), b_);
        ::close(live);
        QCOMPARE(temporaries(dir_.path(), "stale.dsm"), QStringList({"stale.dsm.tmp-live01", "stale.dsm.tmp-notours"}));
        QVERIFY(QFile::exists(dir_.filePath("other.dsm.tmp-AbC123")));
        QCOMPARE(load_model(path.toStdString()).parameters, b_.parameters);
    }

    // An unwritable target is found before the work: check_writable_target says why and leaves
    // nothing behind.
    void unwritableTargetIsFoundFirst_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty name") << "" << "no file name given";
        QTest::newRow("missing folder") << "no/such/folder/m.dsm" << "does not exist";
        QTest::newRow("a folder") << "." << "a folder";
        QTest::newRow("trailing slash") << "m.dsm/" << "folder name";
        QTest::newRow("a file as folder") << "plain.txt/m.dsm" << "not a folder";
    }
    void unwritableTargetIsFoundFirst() {
        QFETCH(QString, path);
        QFETCH(QString, fragment);
        QFile plain(dir_.filePath("plain.txt"));
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        const std::string p = path.isEmpty() || path == "." ? path.toStdString() : dir_.filePath(path).toStdString();
        try {
            check_writable_target(p == "." ? dir_.path().toStdString() : p);
            QFAIL("an unwritable target passed the check");
        } catch (const FileError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(fragment), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(FileError, save_model(p == "." ? dir_.path().toStdString() : p, a_));
        // A writable one passes and leaves nothing behind.
        const QString ok = dir_.filePath("fine.dsm");
        check_writable_target(ok.toStdString());
        QVERIFY(!QFile::exists(ok));
        QVERIFY(temporaries(dir_.path(), "fine.dsm").isEmpty());
    }

    // A write that fails half-way (the kernel's file-size limit stands in for a full disk and
    // works for any user): a clear error, the old file unchanged, no temporary left.
    void failedWriteKeepsTheOldFile() {
        const QString path = dir_.filePath("keep.dsm");
        save_model(path.toStdString(), a_);
        const QByteArray before = read_all(path);
        struct sigaction ignore {}, old_action {};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGXFSZ, &ignore, &old_action);
        rlimit old{};
        ::getrlimit(RLIMIT_FSIZE, &old);
        rlimit small = old;
        small.rlim_cur = 100000;  // bytes: a third of the model
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        QString message;
        try {
            save_model(path.toStdString(), b_);
        } catch (const FileError& e) {
            message = QString::fromUtf8(e.what());
        }
        ::setrlimit(RLIMIT_FSIZE, &old);
        ::sigaction(SIGXFSZ, &old_action, nullptr);
        QVERIFY2(message.contains(path) && message.contains("could not write") && message.contains("old file is unchanged"),
                 qPrintable(message));
        QCOMPARE(read_all(path), before);
        QVERIFY(temporaries(dir_.path(), "keep.dsm").isEmpty());
    }

    // A real full disk and a real read-only file system: a 256 KiB tmpfs mounted in a private
    // mount namespace of a child process (needs root; skipped otherwise). The child reports
    // through its exit status and stderr.
    void fullAndReadOnlyFileSystem() {
        const QString mnt = dir_.filePath("tmpfs");
        QVERIFY(QDir().mkdir(mnt));
        const std::string m = mnt.toStdString();
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
                ::mount("tmpfs", m.c_str(), "tmpfs", 0, "size=256k") != 0)
                ::_exit(77);
            const std::string path = m + "/m.dsm";
            ModelFile small = model_of("mlp-128-32", 1, "small");  // 101,770 parameters: 400 KB, too big
            ModelFile tiny;
            tiny.spec = ModelSpec{Shape{784}, {LayerSpec::dense(10, Activation::Softmax)}};
            tiny.parameters.assign(7850, 0.5f);  // 31 KB
            save_model(path, tiny);
            const QByteArray before = read_all(QString::fromStdString(path));
            int failures = 0;
            try {
                save_model(path, small);
                ++failures;
                std::fprintf(stderr, "saved onto a full disk\n");
            } catch (const FileError& e) {
                if (!std::strstr(e.what(), "No space left on device")) ++failures, std::fprintf(stderr, "full: %s\n", e.what());
            }
            if (read_all(QString::fromStdString(path)) != before) ++failures, std::fprintf(stderr, "full: old file changed\n");
            if (!temporaries(mnt, "m.dsm").isEmpty()) ++failures, std::fprintf(stderr, "full: temporary left\n");
            if (::mount(nullptr, m.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) != 0) ::_exit(78);
            try {
                check_writable_target(path);
                ++failures;
                std::fprintf(stderr, "read-only target passed the check\n");
            } catch (const FileError& e) {
                if (!std::strstr(e.what(), "Read-only file system")) ++failures, std::fprintf(stderr, "ro check: %s\n", e.what());
            }
            try {
                save_model(path, tiny);
                ++failures;
            } catch (const FileError& e) {
                if (!std::strstr(e.what(), "Read-only file system")) ++failures, std::fprintf(stderr, "ro save: %s\n", e.what());
            }
            if (read_all(QString::fromStdString(path)) != before) ++failures, std::fprintf(stderr, "ro: old file changed\n");
            ::_exit(failures == 0 ? 0 : 1);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77) QSKIP("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
        QCOMPARE(WEXITSTATUS(status), 0);
    }

    // A read-only folder as an ordinary user sees it (root ignores the permission bits; the
    // tmpfs case above covers root).
    void readOnlyFolder() {
        if (::geteuid() == 0) QSKIP("root writes into read-only folders; see fullAndReadOnlyFileSystem");
        const QString ro = dir_.filePath("ro");
        QVERIFY(QDir().mkdir(ro));
        const QString path = ro + "/m.dsm";
        save_model(path.toStdString(), a_);
        QVERIFY(QFile::setPermissions(ro, QFile::ReadOwner | QFile::ExeOwner));
        QVERIFY_THROWS_EXCEPTION(FileError, check_writable_target(path.toStdString()));
        try {
            save_model(path.toStdString(), b_);
            QFAIL("saved into a read-only folder");
        } catch (const FileError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("permission denied"), e.what());
        }
        QVERIFY(QFile::setPermissions(ro, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QCOMPARE(load_model(path.toStdString()).parameters, a_.parameters);
    }

    // kill -9 during save, at least 200 times: a child saves B and A over the file in turn, for
    // ever; it is killed at a random moment, and the file must then load and be A or B,
    // complete. Temporaries the kills leave are removed by the next save.
    void killDuringSaveLeavesOldOrNew() {
        const QString path = dir_.filePath("killed.dsm");
        const std::string p = path.toStdString();
        save_model(p, a_);
        std::mt19937 rng(9);
        // Delays spread over the length of a save or two, so kills land in every phase of it.
        const auto t0 = std::chrono::steady_clock::now();
        save_model(p, a_);
        const auto save_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
        std::uniform_int_distribution<long> delay(0, std::max<long>(2 * save_us, 2000));
        int kills = 0, with_temp = 0, old_model = 0, new_model = 0;
        for (int round = 0; round < 200; ++round) {
            const pid_t pid = ::fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                for (int i = 0;; ++i) {
                    try {
                        save_model(p, i % 2 == 0 ? b_ : a_);
                    } catch (...) {
                        ::_exit(3);
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
            QCOMPARE(::kill(pid, SIGKILL), 0);
            int status = 0;
            QCOMPARE(::waitpid(pid, &status, 0), pid);
            QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the saving child failed before the kill");
            ++kills;
            if (!temporaries(dir_.path(), "killed.dsm").isEmpty()) ++with_temp;
            ModelFile m;
            try {
                m = load_model(p);
            } catch (const FileError& e) {
                QFAIL(qPrintable(QStringLiteral("kill %1 left a broken model: %2").arg(kills).arg(e.what())));
            }
            QVERIFY2(m.parameters == a_.parameters || m.parameters == b_.parameters, "neither the old nor a new model");
            (m.info.name == "A" ? old_model : new_model)++;
        }
        qInfo("%d kills: the file was A %d times, B %d times; %d kills left a temporary behind", kills, old_model, new_model, with_temp);
        QCOMPARE(kills, 200);
        save_model(p, a_);
        QVERIFY(temporaries(dir_.path(), "killed.dsm").isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestAtomicSave)
#include "tst_atomic_save.moc"
