#include "history_csv.h"

#include "errors.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace digit {

namespace {
std::string number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);  // a GUI may have set a locale with a decimal comma
    for (char* c = buf; *c; ++c)
        if (*c == ',') *c = '.';
    return buf;
}

void epoch_row(std::string& out, const EpochStats& e) {
    out += "epoch," + std::to_string(e.epoch + 1) + ",," + number(e.loss) + "," + number(e.accuracy) + ",";
    if (e.has_validation) out += number(e.val_loss) + "," + number(e.val_accuracy);
    else out += ",";
    out += ",,\n";
}
}  // namespace

std::string history_csv(const History& history) {
    std::string out = std::string(kHistoryCsvHeader) + "\n";
    std::size_t next_epoch = 0;
    for (const BatchStats& b : history.batches) {
        // Epoch rows of epochs that ended before this batch's epoch go first.
        while (next_epoch < history.epochs.size() && history.epochs[next_epoch].epoch < b.epoch)
            epoch_row(out, history.epochs[next_epoch++]);
        out += "batch," + std::to_string(b.epoch + 1) + "," + std::to_string(b.batch + 1) + "," + number(b.loss) + "," +
               number(b.accuracy) + ",,," + number(b.smoothed_loss) + "," + number(b.smoothed_accuracy) + "\n";
    }
    while (next_epoch < history.epochs.size()) epoch_row(out, history.epochs[next_epoch++]);
    return out;
}

void save_history_csv(const std::string& path, const History& history) {
    const std::string text = history_csv(history);
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw FileError(path, -1, std::string("cannot create a temporary file: ") + std::strerror(errno));
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fflush(f) == 0 && ok;
    ok = ::fsync(fileno(f)) == 0 && ok;
    const int err = errno;
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        throw FileError(path, -1, std::string("could not write the history: ") + std::strerror(err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int rerr = errno;
        std::remove(tmp.c_str());
        throw FileError(path, -1, std::string("could not move the history into place: ") + std::strerror(rerr));
    }
}

}  // namespace digit
