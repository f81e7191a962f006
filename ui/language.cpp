#include "language.h"

#include <QCoreApplication>
#include <QEvent>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>
#include <vector>

namespace digit::ui {

namespace {

// The translators this module installed, so the next switch can take them out again.
std::vector<std::unique_ptr<QTranslator>>& installed() {
    static std::vector<std::unique_ptr<QTranslator>> list;
    return list;
}

bool load(QTranslator& t, const QLocale& locale, const QString& name, const QStringList& folders) {
    for (const QString& folder : folders)
        if (t.load(locale, name, QStringLiteral("_"), folder)) return true;
    return false;
}

}  // namespace

bool applyLanguage(QString code, const QStringList& extraFolders) {
    for (auto& t : installed()) QCoreApplication::removeTranslator(t.get());
    installed().clear();
    if (code.isEmpty()) code = QLocale::system().name();
    const QStringList folders = QStringList{QStringLiteral(":/i18n")} + extraFolders;
    if (!code.startsWith(QLatin1String("zh"))) {
        // English is in the sources; the English file only holds plural forms ("1 epoch", "2 epochs").
        // Numbers as the system writes them, unless the system is Chinese and English was chosen.
        QLocale::setDefault(QLocale::system().name().startsWith(QLatin1String("zh")) ? QLocale(QLocale::English, QLocale::UnitedStates)
                                                                                      : QLocale::system());
        auto plurals = std::make_unique<QTranslator>();
        if (load(*plurals, QLocale(QStringLiteral("en")), QStringLiteral("digit_studio"), folders)) {
            QCoreApplication::installTranslator(plurals.get());
            installed().push_back(std::move(plurals));
        } else {
            // Still tell every widget: the language changed back to the sources' English.
            QEvent change(QEvent::LanguageChange);
            QCoreApplication::sendEvent(QCoreApplication::instance(), &change);
        }
        return true;
    }
    const QLocale locale(QStringLiteral("zh_CN"));
    QLocale::setDefault(locale);
    auto ours = std::make_unique<QTranslator>();
    const bool found = load(*ours, locale, QStringLiteral("digit_studio"), folders);
    if (found) {
        QCoreApplication::installTranslator(ours.get());
        installed().push_back(std::move(ours));
    }
    auto qt = std::make_unique<QTranslator>();  // Qt's own dialogs and buttons, when installed
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        installed().push_back(std::move(qt));
    }
    return found;
}

}  // namespace digit::ui
