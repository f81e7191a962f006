// digit-studio: the desktop app. Everything lives in the ui library; this file only reads the
// command line, installs the translation and opens the main window.
//
//   digit-studio [--data DIR] [--language en|zh_CN] [MODEL.dsm]
//   digit-studio --screenshot DIR [--size WxH] [--scale F]   (renders every page to PNG, offscreen)
#include "keras_import.h"
#include "keras_interop.h"
#include "language.h"
#include "main_window.h"
#include "session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstring>
#include <memory>
#include <optional>

#ifndef DIGIT_VERSION
#define DIGIT_VERSION "0.0"
#endif

namespace {

// The value after `name` on the raw command line (needed before QApplication exists: the scale
// factor and the platform must be in the environment by then).
std::optional<QByteArray> rawOption(int argc, char** argv, const char* name) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return i + 1 < argc ? QByteArray(argv[i + 1]) : QByteArray();
        const std::size_t n = std::strlen(name);
        if (std::strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') return QByteArray(argv[i] + n + 1);
    }
    return std::nullopt;
}

// A .dsm is opened; a Keras file (.h5, .keras) is imported, so Save never overwrites it.
bool openModelArgument(digit::ui::MainWindow& window, const QString& path) {
    if (digit::interop::is_keras_path(path.toStdString())) return window.kerasInterop()->importFile(path);
    return window.openModelFile(path);
}

}  // namespace

int main(int argc, char** argv) {
    const bool screenshot = rawOption(argc, argv, "--screenshot").has_value();
    if (screenshot) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        if (auto scale = rawOption(argc, argv, "--scale"); scale && !scale->isEmpty()) qputenv("QT_SCALE_FACTOR", *scale);
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("DigitStudio"));
    QApplication::setApplicationName(QStringLiteral("Digit Studio"));
    QApplication::setApplicationVersion(QStringLiteral(DIGIT_VERSION));

    // Screenshots must not read or change the user's settings.
    std::unique_ptr<QTemporaryDir> settingsDir;
    if (screenshot) {
        settingsDir = std::make_unique<QTemporaryDir>();
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir->path());
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Digit Studio: train, watch and test MNIST digit recognisers."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataOption(QStringLiteral("data"), QStringLiteral("Where MNIST is (a folder or mnist.npz)."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption languageOption(QStringLiteral("language"), QStringLiteral("Interface language: en or zh_CN."),
                                            QStringLiteral("CODE"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Render every page to DIR/<page>.png and quit."),
                                              QStringLiteral("DIR"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("Window size for screenshots (default 1280x800)."),
                                        QStringLiteral("WxH"), QStringLiteral("1280x800"));
    const QCommandLineOption scaleOption(QStringLiteral("scale"),
                                         QStringLiteral("Device pixel ratio for screenshots, e.g. 2 (files get @2x)."),
                                         QStringLiteral("F"), QStringLiteral("1"));
    parser.addOptions({dataOption, languageOption, screenshotOption, sizeOption, scaleOption});
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A model file to open (.dsm, or a Keras .h5/.keras to import)."),
                                 QStringLiteral("[MODEL]"));
    parser.process(app);

    const QString language =
        parser.isSet(languageOption) ? parser.value(languageOption) : digit::ui::MainWindow::languageSetting();
    digit::ui::applyLanguage(language);

    digit::ui::MainWindow window;
    QTextStream err(stderr);
    if (parser.isSet(screenshotOption)) {
        const QStringList wh = parser.value(sizeOption).split(QLatin1Char('x'));
        QSize size;
        if (wh.size() == 2) size = QSize(wh[0].toInt(), wh[1].toInt());
        if (size.width() < 320 || size.height() < 240) {
            err << "digit-studio: --size wants WxH, e.g. 1280x800\n";
            return 2;
        }
        if (parser.isSet(dataOption)) QSettings().setValue(QStringLiteral("data/path"), parser.value(dataOption));
        window.startUp(parser.value(dataOption), /*loadData=*/false);
        if (!parser.positionalArguments().isEmpty()) openModelArgument(window, parser.positionalArguments().constFirst());
        QStringList written;
        QString error;
        if (!window.saveScreenshots(parser.value(screenshotOption), size, &written, &error)) {
            err << "digit-studio: " << error << "\n";
            return 1;
        }
        QTextStream out(stdout);
        for (const QString& path : written) out << QDir::toNativeSeparators(path) << "\n";
        return 0;
    }

    window.show();
    window.startUp(parser.value(dataOption));
    if (!parser.positionalArguments().isEmpty()) openModelArgument(window, parser.positionalArguments().constFirst());
    return app.exec();
}
