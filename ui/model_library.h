#pragma once
// The models the user can choose from, and which one predicts (on the Draw, Errors and Quiz pages).
//
// Three kinds of entry, in this order:
//   - the bundled default (resources/models/default.dsm): always first, never removed;
//   - files the user opened or saved: remembered across restarts by canonical path (QSettings
//     "library/files"); one that is gone or unreadable stays in the list, marked, until forgotten;
//   - this session's training runs: kept in memory; a run not yet saved is "unsaved" until
//     saveEntry() writes it, after which it is remembered like an opened file.
// The same file is one entry whatever path spelling reached it (QFileInfo::canonicalFilePath).
// Which entry predicts is current(); it changes only through use() (or addFile/saveEntry of
// the current one), never because a run finished. The current file is remembered too
// ("library/current"), so a restart comes back to it, or to the bundled model if it is gone.
//
// Pure logic over QSettings and the core's model files: no widgets, GUI thread only.
#include "model_io.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace digit::ui {

class ModelLibrary : public QObject {
    Q_OBJECT
public:
    enum class Kind { Bundled, File, Run };

    struct Entry {
        quint64 id = 0;       // unique within the session, stable while the entry exists
        Kind kind = Kind::File;
        QString name;         // the model's own name, or the file's base name
        QString path;         // canonical path (files, saved runs); empty otherwise
        QString problem;      // why a remembered file cannot be used (missing, unreadable); empty if fine
        bool unsaved = false; // a run of this session that was never saved
        std::shared_ptr<const ModelFile> file;  // null only for a file with a problem
        QDateTime modified;   // of the file when it was read: use() reads it again only if it changed
        bool usable() const { return file != nullptr; }
        bool missing() const { return !problem.isEmpty(); }
    };

    explicit ModelLibrary(QObject* parent = nullptr);
    ~ModelLibrary() override;

    // The bundled model (entry 0). Call once, before restore().
    void setBundled(const ModelFile& file);
    // Reads the remembered files from QSettings (loading each: a few ms) and makes the
    // remembered current one current again, else the bundled one. Returns a sentence when the
    // remembered current model could not be used (the bundled one is then current), else empty.
    QString restore();

    int count() const { return int(entries_.size()); }
    const Entry& entry(int index) const { return entries_.at(std::size_t(index)); }
    int indexOfId(quint64 id) const;
    int indexOfPath(const QString& path) const;  // any spelling of the path; -1 if none
    int currentIndex() const { return current_; }
    const Entry* current() const { return current_ >= 0 ? &entries_[std::size_t(current_)] : nullptr; }

    // Opens a model file: adds it (or refreshes its entry: a file is one entry) and makes it
    // current. Returns its index, or -1 and *error; on failure nothing changes but a known
    // entry of that path is marked with the problem.
    int addFile(const QString& path, QString* error);
    // Adds a model that has no file yet (a training run). `unsaved`: ask before it is lost.
    // Does not make it current. An identical model (same name, time and weights) is one entry.
    int addRun(const ModelFile& file, const QString& name, bool unsaved = true);
    // Writes entry `index` to `path` (atomically, by the core). A run becomes a remembered,
    // saved entry; the bundled model or a file gets a new entry for the copy (current if the
    // original was). Returns the index of the entry that now holds `path`, or -1 and *error.
    int saveEntry(int index, const QString& path, QString* error);
    // Forgets an entry (the file on disk stays). The bundled model cannot be removed; removing the
    // current model makes the bundled one current. False when nothing was removed.
    bool remove(int index);
    // Makes an entry predict. False (and *error) when its file cannot be used.
    bool use(int index, QString* error = nullptr);

    // Runs of this session that would be lost on quit.
    std::vector<int> unsavedRuns() const;
    // A line for a list: the name, what it is, its test accuracy, and a mark when missing/unsaved.
    QString label(int index) const;
    QString toolTip(int index) const;

    static QString canonicalPath(const QString& path);
    // Settings keys (the application's organisation and name choose the scope).
    static QString filesKey() { return QStringLiteral("library/files"); }
    static QString currentKey() { return QStringLiteral("library/current"); }

signals:
    void entriesChanged();
    // The model that predicts changed (another entry, or its weights were reloaded).
    void currentChanged();

private:
    int insertFile(Entry e);
    void persist() const;
    // Loads a model file: its ModelFile, or null and *problem for a person.
    static std::shared_ptr<const ModelFile> load(const QString& path, QString* problem);

    std::vector<Entry> entries_;
    int current_ = -1;
    quint64 nextId_ = 1;
};

// A sentence for a person about a model file that cannot be read: the file's name once, the
// byte offset and the cause (core FileError), or the exception's message.
QString describeModelFileError(const QString& path, const std::exception& e);

}  // namespace digit::ui
