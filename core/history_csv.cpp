#include "history_csv.h"

#include "file_io.h"

#include <cstdio>

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
    write_file_atomically(path, history_csv(history));  // file_io.h: the same rules as a model's save
}

}  // namespace digit
