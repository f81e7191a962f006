#include "model_library.h"

#include "errors.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSettings>

#include <algorithm>
#include <exception>

namespace digit::ui {

QString describeModelFileError(const QString& path, const std::exception& e) {
    const QString name = QDir::toNativeSeparators(path);
    if (const auto* fe = dynamic_cast<const FileError*>(&e)) {
        // The core's problem code in the reader's language; its English detail only for the rest.
        QString detail;
        switch (fe->problem()) {
        case FileProblem::NotAModel: detail = ModelLibrary::tr("this is not a Digit Studio model"); break;
        case FileProblem::Truncated: detail = ModelLibrary::tr("the file is cut short (truncated)"); break;
        case FileProblem::NewerVersion:
            detail = ModelLibrary::tr("a newer version of Digit Studio made it (model format %1; this one reads up to %2)")
                         .arg(fe->value())
                         .arg(kModelFormatVersion);
            break;
        case FileProblem::Corrupt: detail = ModelLibrary::tr("the checksum does not match: the file is damaged"); break;
        case FileProblem::Other: detail = QString::fromStdString(fe->detail()); break;
        }
        if (fe->offset() >= 0)
            return ModelLibrary::tr("%1 (at byte %2): %3").arg(name, QLocale().toString(qlonglong(fe->offset())), detail);
        return ModelLibrary::tr("%1: %2").arg(name, detail);
    }
    return ModelLibrary::tr("%1: %2").arg(name, QString::fromUtf8(e.what()));
}

ModelLibrary::ModelLibrary(QObject* parent) : QObject(parent) {}
ModelLibrary::~ModelLibrary() = default;

QString ModelLibrary::canonicalPath(const QString& path) {
    if (path.isEmpty()) return {};
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();  // empty when the file does not exist
    return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}

std::shared_ptr<const ModelFile> ModelLibrary::load(const QString& path, QString* problem) {
    if (!QFileInfo(path).isFile()) {
        if (problem) *problem = tr("%1: the file does not exist").arg(QDir::toNativeSeparators(path));
        return nullptr;
    }
    try {
        return std::make_shared<const ModelFile>(load_model(path.toStdString()));
    } catch (const std::exception& e) {
        if (problem) *problem = describeModelFileError(path, e);
        return nullptr;
    }
}

void ModelLibrary::setBundled(const ModelFile& file) {
    Entry e;
    e.id = nextId_++;
    e.kind = Kind::Bundled;
    e.name = file.info.name.empty() ? tr("default") : QString::fromStdString(file.info.name);
    e.file = std::make_shared<const ModelFile>(file);
    if (!entries_.empty() && entries_.front().kind == Kind::Bundled) {
        e.id = entries_.front().id;
        entries_.front() = std::move(e);
    } else {
        entries_.insert(entries_.begin(), std::move(e));
        if (current_ >= 0) ++current_;
    }
    if (current_ < 0) current_ = 0;
    emit entriesChanged();
    if (current_ == 0) emit currentChanged();
}

QString ModelLibrary::restore() {
    const QSettings settings;
    QStringList paths = settings.value(filesKey()).toStringList();
    // Before the library, the app remembered only the last model it had open.
    const QString legacy = settings.value(QStringLiteral("model/last")).toString();
    if (paths.isEmpty() && !legacy.isEmpty() && !legacy.startsWith(QLatin1Char(':'))) paths << legacy;
    for (const QString& p : paths) {
        if (p.isEmpty() || indexOfPath(p) >= 0) continue;
        Entry e;
        e.kind = Kind::File;
        e.path = canonicalPath(p);
        e.modified = QFileInfo(e.path).lastModified();
        e.file = load(e.path, &e.problem);
        e.name = e.file && !e.file->info.name.empty() ? QString::fromStdString(e.file->info.name)
                                                      : QFileInfo(e.path).completeBaseName();
        insertFile(std::move(e));
    }
    emit entriesChanged();

    QString remembered = settings.value(currentKey()).toString();
    if (!settings.contains(currentKey())) remembered = legacy;
    const int want = remembered.isEmpty() ? -1 : indexOfPath(remembered);
    QString message;
    if (want >= 0 && !use(want, &message)) {
        message = tr("The model you last used could not be opened (%1); the bundled model predicts instead.").arg(message);
        if (!entries_.empty() && entries_.front().kind == Kind::Bundled) use(0);
    }
    return message;
}

int ModelLibrary::indexOfId(quint64 id) const {
    for (int i = 0; i < count(); ++i)
        if (entries_[std::size_t(i)].id == id) return i;
    return -1;
}

int ModelLibrary::indexOfPath(const QString& path) const {
    const QString canonical = canonicalPath(path);
    if (canonical.isEmpty()) return -1;
    for (int i = 0; i < count(); ++i)
        if (entries_[std::size_t(i)].path == canonical) return i;
    return -1;
}

int ModelLibrary::insertFile(Entry e) {
    if (e.id == 0) e.id = nextId_++;
    // After the bundled model and the other files, before the runs.
    auto at = std::find_if(entries_.begin(), entries_.end(), [](const Entry& x) { return x.kind == Kind::Run; });
    const int index = int(at - entries_.begin());
    entries_.insert(at, std::move(e));
    if (current_ >= index) ++current_;
    return index;
}

int ModelLibrary::addFile(const QString& path, QString* error) {
    const QString canonical = canonicalPath(path);
    QString problem;
    auto file = load(canonical, &problem);
    int index = indexOfPath(canonical);
    if (!file) {
        if (error) *error = problem;
        if (index >= 0 && entries_[std::size_t(index)].kind == Kind::File && index != current_) {
            entries_[std::size_t(index)].problem = problem;
            entries_[std::size_t(index)].file.reset();
            emit entriesChanged();
        }
        return -1;
    }
    if (index < 0) {
        Entry e;
        e.kind = Kind::File;
        e.path = canonical;
        index = insertFile(std::move(e));
    }
    Entry& e = entries_[std::size_t(index)];
    e.file = std::move(file);
    e.modified = QFileInfo(canonical).lastModified();
    e.problem.clear();
    e.unsaved = false;
    e.name = e.file->info.name.empty() ? QFileInfo(canonical).completeBaseName() : QString::fromStdString(e.file->info.name);
    persist();
    emit entriesChanged();
    current_ = index;
    persist();
    emit currentChanged();
    return index;
}

int ModelLibrary::addRun(const ModelFile& file, const QString& name, bool unsaved) {
    for (int i = 0; i < count(); ++i) {
        const Entry& e = entries_[std::size_t(i)];
        if (e.kind == Kind::Run && e.file && e.file->info.name == file.info.name &&
            e.file->info.created == file.info.created && e.file->parameters == file.parameters)
            return i;
    }
    Entry e;
    e.id = nextId_++;
    e.kind = Kind::Run;
    e.name = name.isEmpty() ? QString::fromStdString(file.info.name) : name;
    if (e.name.isEmpty()) e.name = tr("untitled");
    e.unsaved = unsaved;
    e.file = std::make_shared<const ModelFile>(file);
    entries_.push_back(std::move(e));
    emit entriesChanged();
    return count() - 1;
}

int ModelLibrary::saveEntry(int index, const QString& path, QString* error) {
    if (index < 0 || index >= count() || !entries_[std::size_t(index)].file) {
        if (error) *error = tr("There is no model to save.");
        return -1;
    }
    const std::shared_ptr<const ModelFile> file = entries_[std::size_t(index)].file;
    try {
        save_model(path.toStdString(), *file);
    } catch (const std::exception& e) {
        if (error) *error = tr("Could not save the model to %1").arg(describeModelFileError(path, e));
        return -1;
    }
    const QString canonical = canonicalPath(path);
    if (entries_[std::size_t(index)].path == canonical) return index;  // saved over its own file
    const bool wasCurrent = index == current_;
    const quint64 savedId = entries_[std::size_t(index)].id;
    // Another entry that stood for this path is replaced by the one just written.
    const int other = indexOfPath(canonical);
    if (other >= 0 && other != index && entries_[std::size_t(other)].kind != Kind::Bundled) {
        const bool otherCurrent = other == current_;
        entries_.erase(entries_.begin() + other);
        if (current_ > other) --current_;
        if (otherCurrent) current_ = -1;
    }
    index = indexOfId(savedId);
    Entry& source = entries_[std::size_t(index)];
    int result = index;
    if (source.kind == Kind::Run) {
        source.path = canonical;
        source.modified = QFileInfo(canonical).lastModified();
        source.unsaved = false;
        if (current_ < 0) current_ = index;
    } else {
        Entry copy;
        copy.kind = Kind::File;
        copy.path = canonical;
        copy.file = file;
        copy.modified = QFileInfo(canonical).lastModified();
        copy.name = QFileInfo(canonical).completeBaseName();
        if (!file->info.name.empty() && source.kind == Kind::File) copy.name = QString::fromStdString(file->info.name);
        result = insertFile(std::move(copy));
        if (wasCurrent || current_ < 0) current_ = result;
    }
    persist();
    emit entriesChanged();
    if (wasCurrent) emit currentChanged();
    return result;
}

bool ModelLibrary::remove(int index) {
    if (index < 0 || index >= count() || entries_[std::size_t(index)].kind == Kind::Bundled) return false;
    const bool wasCurrent = index == current_;
    entries_.erase(entries_.begin() + index);
    if (current_ > index) --current_;
    if (wasCurrent) current_ = !entries_.empty() && entries_.front().kind == Kind::Bundled ? 0 : -1;
    persist();
    emit entriesChanged();
    if (wasCurrent) emit currentChanged();
    return true;
}

bool ModelLibrary::use(int index, QString* error) {
    if (index < 0 || index >= count()) return false;
    Entry& e = entries_[std::size_t(index)];
    const QFileInfo info(e.path);
    if (e.kind == Kind::File && !(e.file && info.isFile() && info.lastModified() == e.modified)) {
        // Read the file again: it changed or went since it was read.
        QString problem;
        auto file = load(e.path, &problem);
        if (!file) {
            e.problem = problem;
            e.file.reset();
            if (error) *error = problem;
            emit entriesChanged();
            return false;
        }
        e.file = std::move(file);
        e.modified = info.lastModified();
        e.problem.clear();
    }
    if (!e.file) return false;
    current_ = index;
    persist();
    emit entriesChanged();
    emit currentChanged();
    return true;
}

std::vector<int> ModelLibrary::unsavedRuns() const {
    std::vector<int> out;
    for (int i = 0; i < count(); ++i)
        if (entries_[std::size_t(i)].unsaved) out.push_back(i);
    return out;
}

QString ModelLibrary::label(int index) const {
    const Entry& e = entry(index);
    QString text = e.name;
    if (e.file && e.file->info.test_accuracy >= 0)
        text += QStringLiteral(" \u00b7 ") + tr("%1%").arg(QLocale().toString(100.0 * e.file->info.test_accuracy, 'f', 2));
    switch (e.kind) {
    case Kind::Bundled: text += QStringLiteral(" \u00b7 ") + tr("bundled"); break;
    case Kind::File:
        if (e.missing()) text += QStringLiteral(" \u00b7 ") + (QFileInfo::exists(e.path) ? tr("cannot be read") : tr("file missing"));
        break;
    case Kind::Run: text += QStringLiteral(" \u00b7 ") + (e.unsaved ? tr("this session, not saved") : tr("this session")); break;
    }
    return text;
}

QString ModelLibrary::toolTip(int index) const {
    const Entry& e = entry(index);
    QStringList lines;
    switch (e.kind) {
    case Kind::Bundled: lines << tr("The model that comes with Digit Studio. It is always here."); break;
    case Kind::File: lines << QDir::toNativeSeparators(e.path); break;
    case Kind::Run:
        lines << (e.path.isEmpty() ? tr("Trained in this session; not saved yet (File > Save Model As).")
                                   : QDir::toNativeSeparators(e.path));
        break;
    }
    if (!e.problem.isEmpty()) lines << e.problem;
    if (e.file && e.file->info.epochs_trained > 0)
        lines << tr("Trained for %n epoch(s)", nullptr, e.file->info.epochs_trained);
    return lines.join(QLatin1Char('\n'));
}

void ModelLibrary::persist() const {
    QStringList paths;
    for (const Entry& e : entries_)
        if (!e.path.isEmpty()) paths << e.path;
    QSettings settings;
    settings.setValue(filesKey(), paths);
    const Entry* c = current();
    settings.setValue(currentKey(), c ? c->path : QString());
    settings.remove(QStringLiteral("model/last"));
}

}  // namespace digit::ui
