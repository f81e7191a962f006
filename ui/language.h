#pragma once
// The interface language, switched while the app runs: installs the app's and Qt's translations
// for a language and removes the ones it installed before. Qt then sends QEvent::LanguageChange to
// every widget, and each retranslates itself (changeEvent), so nothing needs a restart.
#include <QString>
#include <QStringList>

namespace digit::ui {

// code: "" (the system's language), "en" or "zh_CN". Translations are looked for in
// ":/i18n" (compiled into digit-studio) and then in the extra folders (e.g. a build folder for
// tests). Returns false when a Chinese translation was asked for and not found.
bool applyLanguage(QString code, const QStringList& extraFolders = {});

}  // namespace digit::ui
