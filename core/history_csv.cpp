#include "history_csv.h"

#include "file_io.h"

#include "errors.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

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

namespace {
std::vector<std::string> split_fields(const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == ',') out.emplace_back();
        else if (c != '\r') out.back() += c;
    }
    return out;
}
}  // namespace

History parse_history_csv(const std::string& text, const std::string& path) {
    History h;
    std::size_t pos = 0;
    bool header = true;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(pos, end - pos);
        const auto offset = static_cast<std::int64_t>(pos);
        pos = end + 1;
        auto fail = [&](const std::string& what) -> History { throw FileError(path, offset, what); };
        if (header) {
            std::string l = line;
            if (!l.empty() && l.back() == '\r') l.pop_back();
            if (l != kHistoryCsvHeader) return fail(std::string("expected the history header \"") + kHistoryCsvHeader + "\"");
            header = false;
            continue;
        }
        if (line.empty() || line == "\r") continue;
        const std::vector<std::string> f = split_fields(line);
        if (f.size() != 9) return fail("expected 9 fields, found " + std::to_string(f.size()));
        auto num = [&](std::size_t i, bool optional) -> double {
            if (f[i].empty() && optional) return 0;
            char* stop = nullptr;
            errno = 0;
            const double v = std::strtod(f[i].c_str(), &stop);
            if (f[i].empty() || *stop != '\0' || errno == ERANGE)
                fail("field " + std::to_string(i + 1) + " (\"" + f[i] + "\") is not a number");
            return v;
        };
        auto count = [&](std::size_t i) -> int {
            const double v = num(i, false);
            if (!(v >= 1 && v <= 1e9) || v != static_cast<double>(static_cast<int>(v)))
                fail("field " + std::to_string(i + 1) + " (\"" + f[i] + "\") is not a count from 1");
            return static_cast<int>(v) - 1;
        };
        if (f[0] == "batch") {
            BatchStats b;
            b.epoch = count(1);
            b.batch = count(2);
            b.loss = num(3, false);
            b.accuracy = num(4, false);
            b.smoothed_loss = num(7, true);
            b.smoothed_accuracy = num(8, true);
            h.batches.push_back(b);
        } else if (f[0] == "epoch") {
            EpochStats e;
            e.epoch = count(1);
            e.loss = num(3, false);
            e.accuracy = num(4, false);
            e.has_validation = !f[5].empty();
            e.val_loss = num(5, true);
            e.val_accuracy = num(6, true);
            h.epochs.push_back(e);
        } else {
            return fail("unknown row kind \"" + f[0] + "\" (batch or epoch)");
        }
    }
    if (header) throw FileError(path, 0, "empty: expected the history header");
    // batches_per_epoch: the most batches any epoch had.
    int per = 0;
    for (const BatchStats& b : h.batches) per = std::max(per, b.batch + 1);
    for (BatchStats& b : h.batches) b.batches_per_epoch = per;
    return h;
}

History load_history_csv(const std::string& path) {
    return parse_history_csv(read_regular_file(path, std::uint64_t(1) << 30, "a training history CSV"), path);
}

}  // namespace digit
