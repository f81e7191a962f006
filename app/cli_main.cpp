// digit-cli: the command-line face of the core. Command names and flags are fixed: other tools
// call them. Errors go to stderr with a non-zero exit code: 2 for a bad command line (every
// option is checked before any work starts), 1 for anything else, 128 + N when signal N (SIGINT,
// SIGTERM) interrupted training.
//
//   digit-cli presets
//   digit-cli summary --preset NAME | --model FILE
//   digit-cli train --preset NAME [--epochs N] [--batch-size N] [--seed N] [--data DIR] [--limit N]
//                   [--history H.csv] [--checkpoint] --out FILE
//   digit-cli train --model FILE [same options] --out FILE       (continues from the model's weights)
//   digit-cli evaluate --model FILE [--data DIR] [--json] [--pen-styles] [--not-a-digit] [--photos] [--numbers]
//                      [--count N] [--offset N]
//   digit-cli predict --model FILE [--json] [--steps DIR] [--timing] IMAGE...
//   digit-cli synth --out DIR [--photos N] [--numbers N] [--drawings N] [--width W] [--height H] [--data DIR]
//   digit-cli bench --preset NAME [--epochs N] [--data DIR] [--json] [--peak-gflops N]
//   digit-cli bench --model FILE [--data DIR] [--json]                 (inference only)
//   digit-cli import KERAS_FILE [--preset NAME | --model FILE] --out FILE
//   digit-cli keras-code --preset NAME | --model FILE [--out FILE.py]
//   digit-cli export --model FILE [--onnx FILE.onnx] [--keras FILE.keras|FILE.h5]
//   digit-cli report --model FILE --out FILE.pdf [--history H.csv] [--data DIR]
//   (--model FILE of summary, evaluate and predict may also be a Keras .h5 or .keras file)
#if __has_include(<malloc.h>)
#include <malloc.h>  // mallopt (glibc)
#endif
#include "font_letters.h"
#include "image_file.h"
#include "segment.h"
#include "steps.h"
#include "synth.h"
#include "keras_code.h"
#include "keras_export.h"
#include "keras_import.h"
#include "onnx_export.h"
#include "pen_styles.h"
#include "errors.h"
#include "file_io.h"
#include "gemm.h"
#include "history_csv.h"
#include "mnist.h"
#include "not_a_digit.h"
#include "model_io.h"
#include "network.h"
#include "predict.h"
#include "run_report.h"
#include "preprocess.h"
#include "presets.h"
#include "summary.h"
#include "trainer.h"

#include <QFile>
#include <QGuiApplication>
#include <QtGlobal>
#include <QDir>
#include <QFileInfo>
#include <QString>

#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace digit;

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr const char* kUsage =
    "usage: digit-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  presets                                   list the presets\n"
    "  summary --preset NAME | --model FILE      Keras-style model summary\n"
    "  train --preset NAME --out FILE            train a preset and save the model\n"
    "        [--epochs N] [--batch-size N] [--seed N] [--data DIR] [--limit N]\n"
    "        [--history H.csv]                   also write the loss and accuracy per batch and epoch\n"
    "        [--checkpoint]                     also save after every complete epoch (kept on Ctrl+C)\n"
    "  train --model FILE --out FILE             train a model (.dsm, Keras .h5/.keras) further\n"
    "  evaluate --model FILE [--data DIR] [--json]   loss and accuracy on the 10k test set\n"
    "        [--pen-styles]                     and on it redrawn with solid, thick, thin, slanted pens\n"
    "        [--not-a-digit]                   share of letters, scribbles, shapes, ... answered \"not a digit\",\n"
    "                                            and of real digits\n"
    "        [--photos] [--numbers] [--count N] [--offset N]\n"
    "                                           and on generated photos of test digits, numbers of them\n"
    "  predict --model FILE [--json] IMAGE...    predict digits (or a number) in PNG/JPEG/BMP files\n"
    "        [--steps DIR]                      write the preprocessing steps as PNGs into DIR\n"
    "        [--timing]                         the time each file took (decode, ink, model) on stderr\n"
    "  synth --out DIR [--photos N] [--numbers N] [--drawings N] [--width W] [--height H]\n"
    "                                            write generated photos of test digits and numbers\n"
    "  bench --preset NAME [--epochs N] [--data DIR] [--json] [--peak-gflops N]\n"
    "                                            seconds per epoch, samples/s, latency, peak memory\n"
    "  bench --model FILE [--data DIR] [--json]  a model's 1-image latency and test-set inference time\n"
    "  import KERAS_FILE --out FILE              a Keras model (.h5, .keras) as a Digit Studio model\n"
    "        [--preset NAME | --model FILE]      for weights alone (.weights.h5): their network\n"
    "  keras-code --preset NAME | --model FILE  the Keras script that builds and trains the same model\n"
    "        [--out FILE.py]\n"
    "  export --model FILE --onnx FILE.onnx      the model as ONNX (opset 13; input \"input\" (N, 784) or\n"
    "                                            (N, 1, 28, 28), pixels 0-1; output \"output\" (N, 10),\n"
    "                                            or (N, 11) with \"not a digit\")\n"
    "        [--keras FILE.keras | FILE.h5]      ... and/or as a Keras 3 .keras or Keras 2 .h5 file\n"
    "  report --model FILE --out FILE.pdf       a run report for teachers: network, settings, curves,\n"
    "        [--history H.csv] [--data DIR]      test accuracy, confusion matrix, most confident mistakes\n"
    "  (--model of summary, evaluate and predict also takes a Keras .h5 or .keras file)\n"
    "\n"
    "Numbers are plain decimal digits. \"--\" ends the options: what follows is a file name.\n"
    "Ctrl+C (SIGINT) or SIGTERM stops training within one batch; no half model is written.\n"
    "MNIST is looked for in --data DIR (a folder with the four IDX files, or mnist.npz), then\n"
    "$DIGIT_MNIST_DIR, ./data/mnist, the set-up script's data folder, ~/.keras/datasets/mnist.npz.\n";

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    return out + "\"";
}

std::string num(double v, int precision = 6) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    return buf;
}

// Options after the command: "--name value" or "--name=value" pairs, "--flag" switches, and
// positional arguments; "--" ends the options. Values are checked here, all of them, before the
// command does any work: a typo must not cost a training run.
struct Args {
    std::map<std::string, std::string> options;
    std::vector<std::string> positional;

    bool has(const std::string& k) const { return options.count(k) != 0; }
    std::string get(const std::string& k, const std::string& fallback = {}) const {
        auto it = options.find(k);
        return it == options.end() ? fallback : it->second;
    }
    std::string required(const std::string& k) const {
        if (!has(k)) throw UsageError("missing --" + k);
        return get(k);
    }
    // Plain decimal digits with an optional '-': " 3", "+3", "3.0", "3e2" and "0x3" are refused.
    std::optional<long long> integer(const std::string& k, long long min, long long max) const {
        if (!has(k)) return std::nullopt;
        const std::string v = get(k);
        long long n = 0;
        const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
        if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || n < min || n > max)
            throw UsageError("--" + k + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                             ", got \"" + v + "\"");
        return n;
    }
    std::optional<double> real(const std::string& k, double min, double max) const {
        if (!has(k)) return std::nullopt;
        const std::string v = get(k);
        double d = 0;
        const auto r = std::from_chars(v.data(), v.data() + v.size(), d);
        if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || !std::isfinite(d) || d < min || d > max)
            throw UsageError("--" + k + " must be a number from " + num(min) + " to " + num(max) + ", got \"" + v + "\"");
        return d;
    }
    void no_positional(const char* command) const {
        if (!positional.empty()) throw UsageError(std::string(command) + " takes no file arguments, got \"" + positional[0] + "\"");
    }
};

Args parse(int argc, char** argv, int first, const std::vector<std::string>& switches,
           const std::vector<std::string>& valued) {
    Args a;
    bool options_ended = false;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (!options_ended && s == "--") {
            options_ended = true;
        } else if (!options_ended && s.rfind("--", 0) == 0) {
            std::string name = s.substr(2);
            std::string value;
            bool inline_value = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inline_value = true;
            }
            if (a.has(name)) throw UsageError("--" + name + " is given twice");
            if (std::find(switches.begin(), switches.end(), name) != switches.end()) {
                // "--json=0" must not quietly mean on.
                if (inline_value) throw UsageError("--" + name + " is a switch and takes no value, got \"" + s + "\"");
                a.options[name] = "1";
            } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
                if (!inline_value) {
                    if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
                    value = argv[++i];
                }
                a.options[name] = value;
            } else {
                throw UsageError("unknown option " + (s.size() > 2 ? "--" + name : s));
            }
        } else if (!options_ended && s.size() > 1 && s[0] == '-' && s != "-") {
            throw UsageError("unknown option " + s + " (options start with --; put -- before a file name that starts with -)");
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

const Preset& preset_arg(const Args& a) {
    const std::string name = a.required("preset");
    const Preset* p = find_preset(name);
    if (!p) {
        std::string names;
        for (const auto& q : presets()) names += (names.empty() ? "" : ", ") + q.name;
        throw UsageError("unknown preset \"" + name + "\" (presets: " + names + ")");
    }
    return *p;
}

MnistData load_data(const Args& a) {
    // An explicit --data is loaded as given, so the loader names what is wrong with it (which
    // IDX file is missing, a folder that is not one, permission denied).
    if (a.has("data")) {
        const std::string dir = a.get("data");
        if (dir.empty()) throw UsageError("--data needs a folder or an .npz file, got \"\"");
        if (auto where = find_mnist(dir)) return load_mnist(*where);
        return load_mnist(dir);
    }
    auto where = find_mnist();
    if (!where) throw std::runtime_error("MNIST not found: run scripts/setup.sh, or pass --data DIR");
    return load_mnist(*where);
}

// The memory this process can have, in bytes: MemAvailable of /proc/meminfo, or the
// address-space limit (ulimit -v) if lower; 0 when unknown.
std::uint64_t available_memory() {
    std::uint64_t have = 0;
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    std::uint64_t kib = 0;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") {
            have = kib * 1024;
            break;
        }
    rlimit as{};
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
        const auto limit = static_cast<std::uint64_t>(as.rlim_cur);
        have = have == 0 ? limit : std::min(have, limit);
    }
    return have;
}

std::string gib(std::uint64_t bytes) { return num(static_cast<double>(bytes) / (1u << 30), 3) + " GiB"; }

// A batch larger than the data set is capped at it (with a note); then the memory training needs
// is compared with what the machine has, so an absurd batch size gets a message, not bad_alloc.
void fit_batch_to(TrainConfig& t, const ModelSpec& spec, std::size_t samples, const std::string& preset) {
    if (samples > 0 && static_cast<std::size_t>(t.batch_size) > samples) {
        std::printf("Note: batch size %d is larger than the %zu training images; using %zu\n", t.batch_size, samples, samples);
        t.batch_size = static_cast<int>(samples);
    }
    const std::uint64_t need = estimate_training_bytes(spec, static_cast<std::uint64_t>(t.batch_size));
    const std::uint64_t have = available_memory();
    if (have > 0 && need > have)
        throw std::runtime_error("a batch of " + std::to_string(t.batch_size) + " images of " + preset + " needs about " + gib(need) +
                                 " of memory to train, and this machine has " + gib(have) + " available: use a smaller --batch-size");
}

// SIGINT and SIGTERM during training: the handler only raises a flag, which the trainer checks
// before every batch. SA_RESETHAND: a second Ctrl+C ends the program at once, the usual way.
std::atomic<bool> g_interrupted{false};
volatile std::sig_atomic_t g_signal = 0;
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int signo) {
    g_signal = signo;
    g_interrupted.store(true, std::memory_order_relaxed);
}

void catch_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

const char* signal_name(int signo) { return signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "a signal"; }

double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Prints one line per epoch, like Keras's fit(verbose=2); with a checkpoint path, also saves
// the model after every complete epoch (atomically: an interrupt keeps the last complete one).
class EpochPrinter : public TrainingObserver {
public:
    EpochPrinter(int epochs, Network* net = nullptr, const TrainConfig* training = nullptr, ModelInfo info = {},
                 std::string checkpoint = {})
        : epochs_(epochs), net_(net), training_(training), info_(std::move(info)), checkpoint_(std::move(checkpoint)) {}
    bool on_epoch(const EpochStats& s) override {
        std::printf("Epoch %d/%d - %.2fs - %.0f samples/s - loss: %.4f - accuracy: %.4f", s.epoch + 1, epochs_, s.seconds,
                    s.samples_per_second, s.loss, s.accuracy);
        if (s.has_validation) std::printf(" - val_loss: %.4f - val_accuracy: %.4f", s.val_loss, s.val_accuracy);
        std::printf("\n");
        if (!checkpoint_.empty() && net_ && training_) {
            ModelInfo info = info_;
            info.epochs_trained += s.epoch + 1;  // on top of what a continued model had
            save_model(checkpoint_, make_model_file(*net_, *training_, info));
            saved_epoch_ = s.epoch + 1;
        }
        std::fflush(stdout);
        return true;
    }
    bool on_batch(const BatchStats& b) override {
        last_batch_ = b;
        return true;
    }
    int saved_epoch() const { return saved_epoch_; }
    const BatchStats& last_batch() const { return last_batch_; }

private:
    int epochs_;
    Network* net_;
    const TrainConfig* training_;
    ModelInfo info_;
    std::string checkpoint_;
    int saved_epoch_ = 0;
    BatchStats last_batch_;
};

TrainConfig training_from_args(const TrainConfig& defaults, const Args& a) {
    TrainConfig t = defaults;
    if (auto e = a.integer("epochs", 1, 100000)) t.epochs = static_cast<int>(*e);
    if (auto b = a.integer("batch-size", 1, kMaxBatchSize)) t.batch_size = static_cast<int>(*b);
    if (auto s = a.integer("seed", 0, std::numeric_limits<long long>::max())) t.seed = static_cast<std::uint64_t>(*s);
    return t;
}

int cmd_presets() {
    std::printf("%-24s %-9s %s\n", "preset", "tutorial", "description");
    for (const auto& p : presets())
        std::printf("%-24s %-9s %s\n", p.name.c_str(), (num(p.tutorial_accuracy * 100, 4) + "%").c_str(), p.description.c_str());
    return 0;
}

int cmd_summary(const Args& a) {
    a.no_positional("summary");
    if (a.has("model") && a.has("preset")) throw UsageError("summary takes --preset or --model, not both");
    if (a.has("model")) {
        ModelFile m = interop::load_any_model(a.get("model"));
        auto net = network_from_file(m);
        std::cout << model_summary(*net, m.info.name.empty() ? "sequential" : m.info.name);
        return 0;
    }
    const Preset& p = preset_arg(a);
    Network net(p.model, p.training.seed);
    std::cout << model_summary(net, p.name);
    return 0;
}

// Trains a preset from scratch, or (--model) continues from a model's weights (a .dsm or an
// imported Keras file) with the model's own training settings (for a Keras file: its
// training_config/compile_config optimiser and loss, else Digit Studio's defaults); --epochs,
// --batch-size and --seed override them.
int cmd_train(const Args& a) {
    // Everything that can be checked is checked before the data is loaded: the options, and
    // that --out can be written (a read-only or missing folder, "", a device).
    a.no_positional("train");
    if (a.has("model") && a.has("preset")) throw UsageError("train takes --preset or --model, not both");
    std::optional<ModelFile> start;
    if (a.has("model")) start = interop::load_any_model(a.get("model"));
    const Preset* preset = start ? nullptr : &preset_arg(a);
    const ModelSpec& spec = start ? start->spec : preset->model;
    const std::string name = start ? a.get("model") : preset->name;
    const std::string out = a.required("out");
    TrainConfig t = training_from_args(start ? start->training : preset->training, a);
    const auto limit = a.integer("limit", 1, 1 << 30);
    check_writable_target(out);
    if (a.has("history")) check_writable_target(a.get("history"));
    catch_stop_signals();
    MnistData data = load_data(a);
    Dataset train = data.train;
    if (limit) train = data.train.head(static_cast<std::size_t>(*limit));
    fit_batch_to(t, spec, train.size(), name);
    std::printf("Training %s%s on %zu images from %s (%s, batch %d, %d epochs, seed %llu)\n", name.c_str(),
                start ? " further" : "", train.size(), data.source.c_str(), optimizer_name(t.optimizer.kind).c_str(),
                t.batch_size, t.epochs, static_cast<unsigned long long>(t.seed));
    std::fflush(stdout);
    Network net(spec, t.seed);
    if (start) net.set_parameters(std::vector<Scalar>(start->parameters.begin(), start->parameters.end()));
    Trainer trainer(net, t);
    ModelInfo checkpoint_info;
    if (start) checkpoint_info = start->info;
    else checkpoint_info.name = preset->name;
    checkpoint_info.created.clear();
    EpochPrinter printer(t.epochs, &net, &t, checkpoint_info, a.has("checkpoint") ? out : std::string());
    History h = trainer.fit(train, nullptr, &printer, &g_interrupted);
    if (a.has("history")) save_history_csv(a.get("history"), h);  // an interrupted or diverged run's history too
    if (g_interrupted.load()) {
        const BatchStats& b = printer.last_batch();
        std::string where = h.batches.empty() ? "before the first batch"
                                              : "in epoch " + std::to_string(b.epoch + 1) + " after batch " + std::to_string(b.batch + 1) +
                                                    " of " + std::to_string(b.batches_per_epoch);
        std::string kept = printer.saved_epoch() > 0 ? out + " holds the checkpoint of epoch " + std::to_string(printer.saved_epoch())
                                                     : "no model written";
        std::fprintf(stderr, "digit-cli: interrupted by %s %s: %s\n", signal_name(g_signal), where.c_str(), kept.c_str());
        return 128 + (g_signal ? static_cast<int>(g_signal) : SIGINT);
    }
    if (h.diverged()) {
        std::fprintf(stderr, "digit-cli: training %s%s\n", describe(h).c_str(),
                     printer.saved_epoch() > 0 ? (" " + out + " holds the checkpoint of epoch " + std::to_string(printer.saved_epoch())).c_str()
                                               : " No model was saved.");
        return 1;
    }
    if (h.stop_reason == StopReason::EarlyStopping)
        std::printf("Early stopping after epoch %zu; kept the weights of epoch %d\n", h.epochs.size(), h.best_epoch + 1);
    EvalResult r = evaluate(net, data.test, t.loss);
    std::printf("Test loss: %.4f - test accuracy: %.4f (%zu images)\n", r.loss, r.accuracy, r.samples);
    ModelInfo info = checkpoint_info;
    info.test_accuracy = r.accuracy;
    info.test_loss = r.loss;
    info.epochs_trained += static_cast<int>(h.epochs.size());
    save_model(out, make_model_file(net, t, info));
    std::printf("Saved %s\n", out.c_str());
    return 0;
}

// The model's top probability as a reader's confidence (segment.h), for use from OpenMP threads:
// one copy of the network per thread (a network is not shared between threads).
struct ThreadConfidence {
    std::vector<std::unique_ptr<Network>> copies;
    explicit ThreadConfidence(const ModelFile& model) {
        for (int t = 0; t < omp_get_max_threads(); ++t) copies.push_back(network_from_file(model));
    }
    DigitConfidence function() {
        return [this](const MnistImage& image) {
            return digit_confidence(predict_image(*copies[static_cast<std::size_t>(omp_get_thread_num())], image));
        };
    }
};

// The answer the model gives each 28x28 image, as predict gives it: its digit, or -1 for "not a
// digit" (core/predict.h; a 10-output model always names a digit).
std::vector<int> read_classes(Network& net, const std::vector<MnistImage>& images) {
    std::vector<int> out(images.size(), -1);
    if (images.empty()) return out;
    const std::vector<Prediction> answers = predict_rows(net, images_to_rows(images));
    for (std::size_t i = 0; i < answers.size(); ++i) out[i] = answers[i].not_a_digit ? -1 : answers[i].digit;
    return out;
}

// --photos: the first `count` test digits written on generated photos (image/synth.h), read as
// `predict` reads a file; accuracy next to the same digits clean. Returns the JSON fields.
std::string evaluate_photos(Network& net, const ModelFile& model, const Dataset& test, std::size_t offset, std::size_t count, bool print) {
    ThreadConfidence reader(model);
    const DigitConfidence sure = reader.function();
    offset = std::min(offset, test.size() - 1);
    count = std::min(count, test.size() - offset);
    std::vector<MnistImage> clean(count), redrawn(count), photo(count);
    std::vector<PhotoConditions> cond(count);
    std::vector<int> found(count, 0);
    std::vector<double> ms(count, 0.0);
#pragma omp parallel for schedule(dynamic)
    for (std::ptrdiff_t k = 0; k < static_cast<std::ptrdiff_t>(count); ++k) {
        const std::size_t i = static_cast<std::size_t>(k);
        const std::uint8_t* img = test.image(offset + i);
        clean[i] = mnist_image(img);
        redrawn[i] = redraw_digit(img, PenStyle::Mnist).image;
        const QImage picture = synth_photo(img, offset + i, 640, 480, &cond[i]);
        const auto start = std::chrono::steady_clock::now();
        const Reading r = read_digits(gray_from_qimage(picture), {}, sure);
        ms[i] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        found[i] = static_cast<int>(r.digits.size());
        if (found[i] == 1) photo[i] = r.digits[0].input.image;
    }
    const std::vector<int> pc = read_classes(net, clean), pr = read_classes(net, redrawn), pp = read_classes(net, photo);
    std::size_t right_clean = 0, right_redrawn = 0, right_photo = 0, none = 0, several = 0, flagged = 0;
    // By condition: [ink 0-2, ruled, not ruled, shadow, no shadow, tinted, white] -> right, total
    std::array<std::pair<std::size_t, std::size_t>, 9> by{};
    for (std::size_t i = 0; i < count; ++i) {
        const int label = test.labels[offset + i];
        right_clean += pc[i] == label, right_redrawn += pr[i] == label;
        const bool ok = found[i] == 1 && pp[i] == label;
        right_photo += ok, none += found[i] == 0, several += found[i] > 1, flagged += found[i] == 1 && pp[i] < 0;
        const std::size_t keys[] = {static_cast<std::size_t>(cond[i].ink), cond[i].ruled ? 3u : 4u, cond[i].shadow ? 5u : 6u,
                                    cond[i].tinted ? 7u : 8u};
        for (std::size_t key : keys) by[key].first += ok, by[key].second += 1;
    }
    const double n = static_cast<double>(count);
    static const char* names[] = {"black_ink", "blue_ink", "pencil", "ruled", "plain", "shadow", "no_shadow", "tinted", "white"};
    if (print) {
        std::printf("Test digits %zu-%zu as generated 640x480 photos (image/synth.h), read as predict reads a file:\n", offset,
                    offset + count - 1);
        std::printf("  clean MNIST images       %.4f\n", right_clean / n);
        std::printf("  clean, re-centred        %.4f\n", right_redrawn / n);
        std::printf("  photos                   %.4f  (no ink found: %zu, read as several digits: %zu, \"not a digit\": %zu; ink and digits %.1f ms a photo)\n",
                    right_photo / n, none, several, flagged, std::accumulate(ms.begin(), ms.end(), 0.0) / n);
        for (std::size_t k = 0; k < by.size(); ++k)
            if (by[k].second)
                std::printf("    %-10s %.4f of %zu\n", names[k], static_cast<double>(by[k].first) / by[k].second, by[k].second);
    }
    std::string json = ", \"photos\": {\"count\": " + std::to_string(count) + ", \"clean\": " + num(right_clean / n, 5) +
                       ", \"clean_recentred\": " + num(right_redrawn / n, 5) + ", \"photos\": " + num(right_photo / n, 5) +
                       ", \"no_ink\": " + std::to_string(none) + ", \"several\": " + std::to_string(several) + ", \"not_a_digit\": " + std::to_string(flagged);
    for (std::size_t k = 0; k < by.size(); ++k)
        if (by[k].second) json += ", " + json_string(names[k]) + ": " + num(static_cast<double>(by[k].first) / by[k].second, 5);
    return json + "}";
}

// The digits of one generated number (evaluate --numbers, synth --numbers): `length` test digits
// drawn with the seed, and the number they make.
struct TestNumber {
    std::vector<const std::uint8_t*> digits;
    std::string truth;
};

TestNumber pick_test_number(const Dataset& test, std::uint64_t seed, int length) {
    std::mt19937_64 rng(seed);
    TestNumber n;
    for (int j = 0; j < length; ++j) {
        const std::size_t idx = rng() % test.size();
        n.digits.push_back(test.image(idx));
        n.truth += static_cast<char>('0' + test.labels[idx]);
    }
    return n;
}

// --numbers: `count` numbers of 2-6 test digits (image/synth.h), with gaps of 3-8 MNIST pixels
// and touching (overlapping by 0-2 pixels); whole-number accuracy.
std::string evaluate_numbers(Network& net, const ModelFile& model, const Dataset& test, std::size_t offset, std::size_t count, bool print) {
    std::string json;
    // The reader's confidence for cutting touching digits apart, as predict uses it.
    ThreadConfidence reader(model);
    const DigitConfidence sure = reader.function();
    for (const bool touching : {false, true}) {
        std::vector<std::string> truth(count);
        std::vector<std::vector<MnistImage>> inputs(count);
#pragma omp parallel for schedule(dynamic)
        for (std::ptrdiff_t k = 0; k < static_cast<std::ptrdiff_t>(count); ++k) {
            const std::size_t i = static_cast<std::size_t>(k);
            const TestNumber number = pick_test_number(test, offset + i + (touching ? 1000003u : 0u), 2 + static_cast<int>(i % 5));
            truth[i] = number.truth;
            const QImage img = touching ? synth_number(number.digits, offset + i, -2, 0) : synth_number(number.digits, offset + i, 3, 8);
            const Reading r = read_digits(gray_from_qimage(img), {}, sure);
            for (const SegmentedDigit& d : r.digits) inputs[i].push_back(d.input.image);
        }
        std::vector<MnistImage> all;
        for (const auto& v : inputs) all.insert(all.end(), v.begin(), v.end());
        const std::vector<int> cls = read_classes(net, all);
        std::size_t right = 0, right_count = 0, at = 0;
        std::array<std::pair<std::size_t, std::size_t>, 7> by_length{};
        for (std::size_t i = 0; i < count; ++i) {
            std::string got;
            for (std::size_t j = 0; j < inputs[i].size(); ++j) got += static_cast<char>('0' + cls[at++]);
            right += got == truth[i], right_count += got.size() == truth[i].size();
            by_length[truth[i].size()].first += got == truth[i], by_length[truth[i].size()].second += 1;
        }
        const double n = static_cast<double>(count);
        const char* name = touching ? "numbers_touching" : "numbers";
        if (print) {
            std::printf("%zu numbers (seeds %zu-%zu) of 2-6 test digits, %s:\n", count, offset, offset + count - 1, touching ? "touching (overlapping 0-2 MNIST pixels)" : "gaps of 3-8 MNIST pixels");
            std::printf("  whole number right %.4f, digit count right %.4f; by length:", right / n, right_count / n);
            for (std::size_t L = 2; L <= 6; ++L)
                if (by_length[L].second) std::printf(" %zu: %.4f", L, static_cast<double>(by_length[L].first) / by_length[L].second);
            std::printf("\n");
        }
        json += std::string(", \"") + name + "\": {\"count\": " + std::to_string(count) + ", \"right\": " + num(right / n, 5) +
                ", \"count_right\": " + num(right_count / n, 5) + "}";
    }
    // The other side of cutting touching digits: a letter, scribble or shape drawn on the pad must
    // not fall apart into "digits". not_a_digit.h's evaluation set (as --not-a-digit), each image
    // 4x on a flat page, read as the Draw page reads it; counted when it gives two or more parts
    // and the model takes every one for a digit.
    const Dataset negatives = make_negatives(3000, 2026, NegativeSet::Evaluation);
    std::size_t as_number = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : as_number)
    for (std::ptrdiff_t k = 0; k < static_cast<std::ptrdiff_t>(negatives.size()); ++k) {
        constexpr int kSide = 112;
        GrayImage g{kSide, kSide, std::vector<float>(kSide * kSide)};
        const std::uint8_t* im = negatives.image(static_cast<std::size_t>(k));
        for (int y = 0; y < kSide; ++y)
            for (int x = 0; x < kSide; ++x) g.pixels[static_cast<std::size_t>(y * kSide + x)] = 1.0f - im[(y / 4) * 28 + x / 4] / 255.0f;
        const Reading r = read_digits(g, {}, sure);
        bool all_digits = r.digits.size() >= 2;
        for (const SegmentedDigit& d : r.digits) all_digits = all_digits && sure(d.input.image) > 0.0f;
        as_number += all_digits;
    }
    const double share_as_number = static_cast<double>(as_number) / static_cast<double>(negatives.size());
    if (print)
        std::printf("%zu non-digits (letters, scribbles, shapes, ...: --not-a-digit's set) drawn on a page: read as a number of digits %.4f\n",
                    negatives.size(), share_as_number);
    json += ", \"non_digits_as_number\": " + num(share_as_number, 5);
    return json;
}

// --not-a-digit: how often the answer is "not a digit" (core/predict.h), by kind of input. The
// non-digits are drawn with the evaluation variant of the generator (not_a_digit.h: another seed,
// other pen widths and distortions, shapes training never shows) and letters typeset in the
// system's fonts, which training never shows either; the digits are the MNIST test set and the
// same redrawn with other pens (as --pen-styles). "not sure" is the Draw page's older rule
// (top digit under 50%, or under 20 points ahead of the next), for comparison.
struct NotADigitRow {
    std::string name;
    bool digits = false;  // real digits: flagged is the error
    std::size_t images = 0, flagged = 0, unsure = 0;
};

void tally(NotADigitRow& row, const std::vector<Prediction>& predictions) {
    for (const Prediction& p : predictions) {
        row.images += 1;
        row.flagged += p.not_a_digit;
        std::array<float, 10> sorted = p.probabilities;
        std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<float>());
        row.unsure += !(sorted[0] >= 0.5f && sorted[0] - sorted[1] >= 0.2f);
    }
}

// The font letters need QtGui's fonts: an offscreen QGuiApplication, made once.
void ensure_gui_application() {
    if (QCoreApplication::instance()) return;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "digit-cli";
    static char* argv[] = {name, nullptr};
    static QGuiApplication app(argc, argv);
}

std::vector<NotADigitRow> not_a_digit_table(Network& net, const Dataset& test) {
    std::vector<NotADigitRow> rows;
    constexpr std::size_t kNegatives = 3000;
    constexpr std::uint64_t kEvaluationSeed = 2026;
    const Dataset negatives = make_negatives(kNegatives, kEvaluationSeed, NegativeSet::Evaluation);
    auto rows_of = [](const Dataset& d, const std::vector<std::size_t>& which) {
        Matrix m;
        std::vector<int> labels;
        to_batch(d, which, 0, which.size(), m, labels);
        return m;
    };
    for (NegativeKind kind : all_negative_kinds()) {
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < negatives.size(); ++i)
            if (negative_kind_of(i) == kind) which.push_back(i);
        NotADigitRow row{negative_kind_name(kind) + (kind == NegativeKind::Letter ? " (stroke alphabet)" : "")};
        tally(row, predict_rows(net, rows_of(negatives, which)));
        rows.push_back(row);
    }
    {
        ensure_gui_application();
        const QStringList families = {"DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "Noto Serif CJK SC"};
        std::vector<MnistImage> images;
        for (const FontLetter& f : render_font_letters(families)) images.push_back(preprocess_digit(f.image).image);
        NotADigitRow row{"letter (fonts, " + std::to_string(images.size()) + " glyphs)"};
        if (!images.empty()) tally(row, predict_rows(net, images_to_rows(images)));
        rows.insert(rows.begin() + 1, row);
    }
    NotADigitRow all{"all non-digits"};
    for (const auto& r : rows) all.images += r.images, all.flagged += r.flagged, all.unsure += r.unsure;
    rows.push_back(all);

    std::vector<std::size_t> every(test.size());
    std::iota(every.begin(), every.end(), 0);
    NotADigitRow mnist{"digits: MNIST test", true};
    tally(mnist, predict_rows(net, rows_of(test, every)));
    rows.push_back(mnist);
    NotADigitRow pens{"digits: redrawn, 5 pens", true};
    std::vector<MnistImage> images(test.size());
    for (PenStyle style : all_pen_styles()) {
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(test.size()); ++i)
            images[static_cast<std::size_t>(i)] = redraw_digit(test.image(static_cast<std::size_t>(i)), style).image;
        NotADigitRow one{"digits: " + pen_style_name(style) + " pen", true};
        tally(one, predict_rows(net, images_to_rows(images)));
        pens.images += one.images, pens.flagged += one.flagged, pens.unsure += one.unsure;
    }
    rows.push_back(pens);
    return rows;
}

double share(std::size_t part, std::size_t whole) { return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0; }


// The photo path allocates and frees some twenty picture-sized buffers per image. glibc hands
// every buffer above its mmap threshold (or the top of the heap above its trim threshold) back to
// the kernel when freed, so the next one is fresh memory again, faulted in page by page: 17,000
// page faults and about 25 ms of a 4000x3000 photo's 55-60 ms of finding ink, from the second
// photo on. Predicting and evaluating keep freed memory for reuse instead (at most 64 MB of it
// at the top of the heap). Not for training or benchmarks: their peak RSS is a figure we report.
void keep_freed_memory_for_reuse() {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

int cmd_evaluate(const Args& a) {
    a.no_positional("evaluate");
    keep_freed_memory_for_reuse();
    ModelFile m = interop::load_any_model(a.required("model"));
    auto net = network_from_file(m);
    MnistData data = load_data(a);
    EvalResult r = evaluate(*net, data.test, m.training.loss);
    // --pen-styles: accuracy on the test set redrawn with other pens (core/pen_styles.h).
    std::vector<std::pair<std::string, double>> styles;
    if (a.has("pen-styles")) {
        if (net->input_shape().size() != 784) throw std::runtime_error("the model does not take 28x28 images");
        const Dataset& test = data.test;
        std::vector<MnistImage> images(test.size());
        for (PenStyle style : all_pen_styles()) {
#pragma omp parallel for schedule(static)
            for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(test.size()); ++i)
                images[static_cast<std::size_t>(i)] = redraw_digit(test.image(static_cast<std::size_t>(i)), style).image;
            const std::vector<int> predicted = argmax_rows(net->predict(images_to_rows(images)));
            std::size_t right = 0;
            for (std::size_t i = 0; i < test.size(); ++i) right += predicted[i] == test.labels[i];
            styles.emplace_back(pen_style_name(style), static_cast<double>(right) / static_cast<double>(test.size()));
        }
    }
    const std::size_t count = static_cast<std::size_t>(a.integer("count", 1, 10000).value_or(1000));
    const std::size_t offset = static_cast<std::size_t>(a.integer("offset", 0, 9999).value_or(0));
    std::string photo_json, number_json;
    if (a.has("photos")) photo_json = evaluate_photos(*net, m, data.test, offset, count, !a.has("json"));
    if (a.has("numbers")) number_json = evaluate_numbers(*net, m, data.test, offset, count, !a.has("json"));
    std::vector<NotADigitRow> not_digits;
    if (a.has("not-a-digit")) {
        if (net->input_shape().size() != 784) throw std::runtime_error("the model does not take 28x28 images");
        not_digits = not_a_digit_table(*net, data.test);
    }

    if (a.has("json")) {
        std::string extra;
        for (const auto& [name, acc] : styles)
            extra += std::string(extra.empty() ? ", \"pen_styles\": {" : ", ") + json_string(name) + ": " + num(acc, 5);
        if (!extra.empty()) extra += "}";
        extra += photo_json + number_json;
        if (!not_digits.empty()) {
            extra += ", \"not_a_digit\": [";
            for (std::size_t i = 0; i < not_digits.size(); ++i) {
                const NotADigitRow& r = not_digits[i];
                extra += std::string(i ? ", " : "") + "{\"input\": " + json_string(r.name) + ", \"digits\": " + (r.digits ? "true" : "false") +
                         ", \"images\": " + std::to_string(r.images) + ", \"flagged\": " + num(share(r.flagged, r.images), 5) +
                         ", \"not_sure\": " + num(share(r.unsure, r.images), 5) + "}";
            }
            extra += "]";
        }

        std::printf("{\"loss\": %s, \"accuracy\": %s, \"samples\": %zu%s}\n", num(r.loss, 9).c_str(), num(r.accuracy, 9).c_str(),
                    r.samples, extra.c_str());
    } else {
        std::printf("Test loss: %.4f - test accuracy: %.4f (%zu images)\n", r.loss, r.accuracy, r.samples);
        if (!styles.empty()) {
            std::printf("Test set redrawn with other pens, through the drawing pipeline:\n");
            for (const auto& [name, acc] : styles) std::printf("  %-8s %.4f\n", name.c_str(), acc);
        }
        if (!not_digits.empty()) {
            std::printf("Answered \"not a digit\" (P >= %.2f%s), and the older \"not sure\" rule for comparison:\n",
                        static_cast<double>(kNotADigitThreshold), net->classes() > kNotADigitLabel ? "" : "; this model has no not-a-digit output");
            std::printf("  %-34s %7s %12s %9s\n", "input", "images", "not a digit", "not sure");
            for (const NotADigitRow& r : not_digits)
                std::printf("  %-34s %7zu %11.1f%% %8.1f%%\n", r.name.c_str(), r.images, 100 * share(r.flagged, r.images),
                            100 * share(r.unsure, r.images));
        }
    }
    return 0;
}

// Image decoders report through Qt's message log, and libpng's errors straight to stderr
// ("libpng error: IDAT: invalid distance too far back"), before digit-cli's own message. Both are
// caught instead (the log by a handler, stderr by pointing it at a temporary file while a file
// decodes) and added to that message, so every failure stays one line.
std::string g_decoder_note;

class CaptureStderr {
public:
    CaptureStderr() {
        std::fflush(stderr);
        file_ = std::tmpfile();
        saved_ = file_ ? ::dup(2) : -1;
        if (saved_ >= 0) ::dup2(::fileno(file_), 2);
    }
    ~CaptureStderr() { text(); }
    CaptureStderr(const CaptureStderr&) = delete;
    CaptureStderr& operator=(const CaptureStderr&) = delete;
    // Restores stderr and returns what was written to it meanwhile, trimmed.
    std::string text() {
        std::string s;
        if (saved_ < 0) return s;
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        saved_ = -1;
        std::rewind(file_);
        char buf[512];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0 && s.size() < 4096) s.append(buf, n);
        std::fclose(file_);
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        std::replace(s.begin(), s.end(), '\n', ';');
        return s;
    }

private:
    std::FILE* file_ = nullptr;
    int saved_ = -1;
};

void keep_qt_message(QtMsgType type, const QMessageLogContext&, const QString& message) {
    if (type == QtFatalMsg) {
        std::fprintf(stderr, "digit-cli: %s\n", message.toLocal8Bit().constData());
        std::abort();
    }
    g_decoder_note = message.toStdString();
}

std::string json_probabilities(const Prediction& p) {
    std::string probs;
    for (std::size_t c = 0; c < p.probabilities.size(); ++c) probs += (c ? ", " : "") + num(p.probabilities[c], 6);
    return "[" + probs + "]";
}

int cmd_predict(const Args& a) {
    if (a.positional.empty()) throw UsageError("predict needs at least one image file");
    keep_freed_memory_for_reuse();
    ModelFile m = interop::load_any_model(a.required("model"));
    auto net = network_from_file(m);
    if (net->input_shape().size() != 784) throw std::runtime_error("the model does not take 28x28 images");
    const std::string steps_dir = a.get("steps");
    int failures = 0;
    for (std::size_t file = 0; file < a.positional.size(); ++file) {
        const std::string& path = a.positional[file];
        using Clock = std::chrono::steady_clock;
        const auto t0 = Clock::now();
        const std::clock_t cpu0 = std::clock();  // this process's CPU time: what a busy machine does not inflate
        auto t1 = t0, t2 = t0;
        Reading reading;
        QSize original;
        try {
            g_decoder_note.clear();
            GrayImage image;
            {
                CaptureStderr capture;
                try {
                    // Decoded at 1/2-1/8 size when large: the ink finder works at most 1024 px wide.
                    image = load_gray_image(path, kDecodeSide, &original);
                } catch (...) {
                    const std::string said = capture.text();
                    if (!said.empty()) g_decoder_note = said;
                    throw;
                }
            }
            t1 = Clock::now();
            reading = read_digits(image, {}, [&](const MnistImage& x) { return digit_confidence(predict_image(*net, x)); });
            t2 = Clock::now();
            // Boxes in the file's own pixels, also when it was decoded smaller.
            if (original.isValid() && image.width > 0 && image.height > 0 && original != QSize(image.width, image.height)) {
                const double sx = double(original.width()) / image.width, sy = double(original.height()) / image.height;
                for (SegmentedDigit& d : reading.digits) {
                    const DigitBox b = d.box;
                    d.box = {int(std::lround(b.x * sx)), int(std::lround(b.y * sy)), int(std::lround(b.width * sx)), int(std::lround(b.height * sy))};
                }
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "digit-cli: %s%s\n", e.what(), g_decoder_note.empty() ? "" : (" (" + g_decoder_note + ")").c_str());
            ++failures;
            continue;
        }
        std::vector<Prediction> digits;
        for (const SegmentedDigit& d : reading.digits) digits.push_back(predict_image(*net, d.input.image));
        const auto t3 = Clock::now();
        if (!steps_dir.empty()) {
            // One file: its steps in DIR; several: DIR/<n>-<name>/.
            QString dir = QString::fromStdString(steps_dir);
            if (a.positional.size() > 1)
                dir = QDir(dir).filePath(QString::number(file + 1) + "-" + QFileInfo(QString::fromStdString(path)).completeBaseName());
            QString error;
            if (!write_steps(reading, dir, &error)) {
                std::fprintf(stderr, "digit-cli: %s: could not write the steps: %s\n", dir.toStdString().c_str(), error.toStdString().c_str());
                ++failures;
            }
        }
        if (a.has("timing")) {
            auto ms = [](Clock::time_point x, Clock::time_point y) { return std::chrono::duration<double, std::milli>(y - x).count(); };
            std::fprintf(stderr, "%s: %.1f ms (decode %.1f, ink and digits %.1f, model %.1f); CPU time %.1f ms\n", path.c_str(), ms(t0, t3),
                         ms(t0, t1), ms(t1, t2), ms(t2, t3), 1000.0 * static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC);
        }
        std::string number;
        for (const Prediction& p : digits) number += p.not_a_digit ? '?' : static_cast<char>('0' + p.digit);
        if (a.has("json")) {
            // No ink is an answer of its own: no digit (and, as core/predict.h has it, not a
            // digit). One digit: "digit" as always. Several: "digit" is null and "number" holds
            // them ("?" for one that is not a digit); "digits" has each one's box and answer.
            if (digits.empty()) {
                std::printf("{\"path\": %s, \"digit\": null, \"probabilities\": null, \"no_ink\": true, \"not_a_digit\": true, "
                            "\"confidence\": 1}\n",
                            json_string(path).c_str());
            } else {
                std::string records;
                for (std::size_t k = 0; k < digits.size(); ++k) {
                    const DigitBox& b = reading.digits[k].box;
                    records += std::string(k ? ", " : "") + "{\"digit\": " + std::to_string(digits[k].digit) + ", \"box\": {\"x\": " +
                               std::to_string(b.x) + ", \"y\": " + std::to_string(b.y) + ", \"width\": " + std::to_string(b.width) +
                               ", \"height\": " + std::to_string(b.height) + "}, \"probabilities\": " + json_probabilities(digits[k]) +
                               ", \"not_a_digit\": " + (digits[k].not_a_digit ? "true" : "false") +
                               ", \"confidence\": " + num(digits[k].confidence, 6) + "}";
                }
                const bool one = digits.size() == 1;
                const bool none_a_digit = one && digits[0].not_a_digit;
                std::printf("{\"path\": %s, \"digit\": %s, \"probabilities\": %s, \"not_a_digit\": %s, \"confidence\": %s, \"no_ink\": false, "
                            "\"number\": %s, \"digits\": [%s]}\n",
                            json_string(path).c_str(), one ? std::to_string(digits[0].digit).c_str() : "null",
                            one ? json_probabilities(digits[0]).c_str() : "null", none_a_digit ? "true" : "false",
                            one ? num(digits[0].confidence, 6).c_str() : "null", none_a_digit ? "null" : json_string(number).c_str(),
                            records.c_str());
            }
        } else if (digits.empty()) {
            std::printf("%s: no ink found (no digit)\n", path.c_str());
        } else {
            auto print_answer = [](const Prediction& p) {
                if (p.not_a_digit) std::printf("not a digit (%.0f%%; closest digit %d)", 100.0 * p.confidence, p.digit);
                else std::printf("%d (%.0f%%)", p.digit, 100.0 * p.confidence);
                std::printf("  [");
                for (std::size_t c = 0; c < p.probabilities.size(); ++c)
                    std::printf("%s%zu: %.3f", c ? ", " : "", c, static_cast<double>(p.probabilities[c]));
                std::printf("]\n");
            };
            if (digits.size() == 1) {
                std::printf("%s: ", path.c_str());
                print_answer(digits[0]);
            } else {
                std::printf("%s: number %s\n", path.c_str(), number.c_str());
                for (std::size_t k = 0; k < digits.size(); ++k) {
                    const DigitBox& b = reading.digits[k].box;
                    std::printf("  at %d,%d %dx%d: ", b.x, b.y, b.width, b.height);
                    print_answer(digits[k]);
                }
            }
        }
        std::fflush(stdout);
    }
    return failures ? 1 : 0;
}

// Writes the generated pictures evaluate --photos and --numbers read, as files: photo-NNNNN-L.jpg
// (L: the digit) and number-NNNNN-DIGITS.png, for looking at them and for timing predict.
int cmd_synth(const Args& a) {
    a.no_positional("synth");
    const std::string out = a.required("out");
    const long long photos = a.integer("photos", 0, 10000).value_or(0), numbers = a.integer("numbers", 0, 10000).value_or(0);
    const long long drawings = a.integer("drawings", 0, 10000).value_or(0);
    const int width = static_cast<int>(a.integer("width", 64, 12000).value_or(640));
    const int height = static_cast<int>(a.integer("height", 64, 12000).value_or(480));
    if (photos == 0 && numbers == 0 && drawings == 0) throw UsageError("synth needs --photos N, --numbers N and/or --drawings N");
    MnistData data = load_data(a);
    const Dataset& test = data.test;
    if (!QDir().mkpath(QString::fromStdString(out))) throw std::runtime_error(out + ": cannot create the folder");
    auto save = [&](const QImage& img, const QString& name, const char* format) {
        const QString path = QDir(QString::fromStdString(out)).filePath(name);
        if (!img.save(path, format, 95)) throw std::runtime_error(path.toStdString() + ": could not be written");
    };
    for (long long i = 0; i < photos; ++i) {
        const std::size_t k = static_cast<std::size_t>(i) % test.size();
        save(synth_photo(test.image(k), static_cast<std::uint64_t>(i), width, height),
             QString::asprintf("photo-%05lld-%d.jpg", i, int(test.labels[k])), "JPEG");
    }
    for (long long i = 0; i < numbers; ++i) {
        const TestNumber number = pick_test_number(test, static_cast<std::uint64_t>(i), 2 + static_cast<int>(i % 5));
        save(synth_number(number.digits, static_cast<std::uint64_t>(i), 3, 8),
             QString::asprintf("number-%05lld-%s.png", i, number.truth.c_str()), "PNG");
    }
    for (long long i = 0; i < drawings; ++i) {
        const std::size_t k = static_cast<std::size_t>(i) % test.size();
        save(synth_drawing(test.image(k)), QString::asprintf("drawing-%05lld-%d.png", i, int(test.labels[k])), "PNG");
    }
    std::printf("Wrote %lld photos, %lld numbers and %lld drawings into %s\n", photos, numbers, drawings, out.c_str());
    return 0;
}

// What the compiler was told it may use: the plain build is "x86-64" (its Dense and Conv2D kernels
// still choose AVX2 or AVX-512 at run time), the set-up's -march=native build names its widest set.
const char* compiled_for() {
#if defined(__AVX512F__)
    return "avx512";
#elif defined(__AVX2__)
    return "avx2";
#elif defined(__x86_64__)
    return "x86-64";
#else
    return "generic";
#endif
}

// Median microseconds of one 28x28 test image through predict().
double single_image_latency_us(Network& net, const MnistData& data) {
    Matrix x(1, 784), prob;
    for (int i = 0; i < 784; ++i) x(0, i) = static_cast<Scalar>(data.test.image(0)[i]) / Scalar(255);
    for (int i = 0; i < 50; ++i) net.predict(x, prob);
    std::vector<double> lat;
    for (int i = 0; i < 500; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        net.predict(x, prob);
        lat.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(lat.begin(), lat.end());
    return lat[lat.size() / 2];
}

// Median seconds of the whole test set through predict_dataset (all cores, as the Errors page
// runs it), over three runs after a warm-up.
double test_set_inference_seconds(Network& net, const MnistData& data) {
    predict_dataset(net, data.test);
    std::vector<double> runs;
    for (int i = 0; i < 3; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        predict_dataset(net, data.test);
        runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(runs.begin(), runs.end());
    return runs[1];
}

// digit-cli bench --model FILE: a trained model's inference only (e.g. the bundled `best`).
int bench_model(const Args& a) {
    const ModelFile m = interop::load_any_model(a.get("model"));
    auto net = network_from_file(m);
    if (net->input_shape().size() != 784) throw std::runtime_error("the model does not take 28x28 images");
    MnistData data = load_data(a);
    const double latency = single_image_latency_us(*net, data);
    const double inference = test_set_inference_seconds(*net, data);
    const std::string name = m.info.name.empty() ? a.get("model") : m.info.name;
    if (a.has("json")) {
        std::printf("{\"model\": %s, \"latency_us\": %s, \"test_set_inference_seconds\": %s, \"test_images\": %zu, "
                    "\"threads\": %d, \"compiled_for\": %s, \"dense_kernels\": %s}\n",
                    json_string(name).c_str(), num(latency, 4).c_str(), num(inference, 4).c_str(), data.test.size(),
                    omp_get_max_threads(), json_string(compiled_for()).c_str(), json_string(gemm::isa_name(gemm::best_isa())).c_str());
    } else {
        std::printf("%s: 1-image latency %.1f us, test set (%zu images, %d threads) in %.3f s (%.0f images/s)\n", name.c_str(),
                    latency, data.test.size(), omp_get_max_threads(), inference, static_cast<double>(data.test.size()) / inference);
        std::printf("  built for %s, Dense kernels %s\n", compiled_for(), gemm::isa_name(gemm::best_isa()));
        // Where a forward pass goes: one profiled pass over the test set in batches of 100.
        net->set_profiling(true);
        evaluate(*net, data.test, m.training.loss, 100);
        std::vector<std::pair<std::string, std::pair<double, double>>> kinds;
        for (const auto& lp : net->profile()) {
            auto it = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == lp.kind; });
            if (it == kinds.end()) it = kinds.insert(kinds.end(), {lp.kind, {0.0, 0.0}});
            it->second.first += lp.forward_seconds;
            it->second.second += lp.flops;
        }
        std::printf("  one profiled forward pass over the test set, by layer kind:\n");
        for (const auto& [kind, tf] : kinds) {
            std::printf("    %-20s %7.3f s", kind.c_str(), tf.first);
            if (tf.second > 0) std::printf("  %6.1f GFLOP/s", tf.second / tf.first * 1e-9);
            std::printf("\n");
        }
    }
    return 0;
}

// Trains a preset for a few epochs and measures what the benchmark reports; the PyTorch peer is
// run beside it by scripts/bench.sh.
int cmd_bench(const Args& a) {
    a.no_positional("bench");
    if (a.has("model")) {
        if (a.has("preset")) throw UsageError("bench takes --preset (training) or --model (inference), not both");
        return bench_model(a);
    }
    const Preset& p = preset_arg(a);
    TrainConfig t = training_from_args(p.training, a);
    const double peak = a.real("peak-gflops", 1e-3, 1e9).value_or(0);  // checked before 15 s of training, not after
    if (!a.has("epochs")) t.epochs = 2;
    t.early_stopping.enabled = false;
    t.validation_split = 0;
    MnistData data = load_data(a);
    fit_batch_to(t, p.model, data.train.size(), p.name);
    Network net(p.model, t.seed);
    net.set_profiling(true);
    Trainer trainer(net, t);
    History h = trainer.fit(data.train);
    // Where an epoch goes, by layer kind, and the rate of the layers that are matrix products.
    struct KindTime {
        std::string kind;
        double seconds = 0, flops = 0;
    };
    std::vector<KindTime> kinds;
    for (const auto& lp : net.profile()) {
        auto it = std::find_if(kinds.begin(), kinds.end(), [&](const KindTime& k) { return k.kind == lp.kind; });
        if (it == kinds.end()) it = kinds.insert(kinds.end(), KindTime{lp.kind});
        it->seconds += lp.forward_seconds + lp.backward_seconds;
        it->flops += lp.flops;
    }
    net.set_profiling(false);
    std::vector<double> secs;
    for (const auto& e : h.epochs) secs.push_back(e.seconds);
    std::sort(secs.begin(), secs.end());
    const double median = secs[secs.size() / 2];
    const double epochs = static_cast<double>(h.epochs.size());
    const double optimizer_seconds = trainer.optimizer_seconds() / epochs;
    EvalResult r = evaluate(net, data.test, t.loss);

    // Single-image latency: one 28x28 test image through predict(), median of many runs; and the
    // whole test set through predict_dataset.
    const double latency = single_image_latency_us(net, data);
    const double inference = test_set_inference_seconds(net, data);
    const double sps = static_cast<double>(data.train.size()) / median;
    if (a.has("json")) {
        std::string layers;
        for (const auto& k : kinds) {
            layers += std::string(layers.empty() ? "" : ", ") + json_string(k.kind) + ": {\"seconds_per_epoch\": " +
                      num(k.seconds / static_cast<double>(h.epochs.size()), 4);
            if (k.flops > 0) layers += ", \"gflops\": " + num(k.flops / k.seconds * 1e-9, 4);
            if (k.flops > 0 && peak > 0) layers += ", \"fraction_of_peak\": " + num(k.flops / k.seconds * 1e-9 / peak, 3);
            layers += ", \"share_of_epoch\": " + num(k.seconds / epochs / median, 3);
            layers += "}";
        }
        std::printf("{\"preset\": %s, \"epochs\": %zu, \"seconds_per_epoch\": %s, \"samples_per_second\": %s, "
                    "\"latency_us\": %s, \"test_set_inference_seconds\": %s, \"peak_rss_mib\": %s, \"test_accuracy\": %s, \"layers\": {%s}, "
                    "\"optimizer\": {\"name\": %s, \"seconds_per_epoch\": %s, \"share_of_epoch\": %s}, "
                    "\"compiled_for\": %s, \"dense_kernels\": %s}\n",
                    json_string(p.name).c_str(), h.epochs.size(), num(median, 4).c_str(), num(sps, 6).c_str(),
                    num(latency, 4).c_str(), num(inference, 4).c_str(), num(peak_rss_mib(), 4).c_str(), num(r.accuracy, 5).c_str(),
                    layers.c_str(),
                    json_string(optimizer_name(t.optimizer.kind)).c_str(), num(optimizer_seconds, 4).c_str(),
                    num(optimizer_seconds / median, 3).c_str(), json_string(compiled_for()).c_str(),
                    json_string(gemm::isa_name(gemm::best_isa())).c_str());
    } else {
        std::printf("%s: %.3f s/epoch (median of %zu), %.0f samples/s, 1-image latency %.1f us, peak RSS %.0f MiB, "
                    "test accuracy %.4f\n",
                    p.name.c_str(), median, h.epochs.size(), sps, latency, peak_rss_mib(), r.accuracy);
        std::printf("  test set (%zu images, %d threads) in %.3f s\n", data.test.size(), omp_get_max_threads(), inference);
        std::printf("  built for %s, Dense kernels %s\n", compiled_for(), gemm::isa_name(gemm::best_isa()));
        std::printf("  time per epoch (layers forward + backward; %% of the epoch):\n");
        std::printf("    %-20s %7.3f s  %5.1f%%\n", ("optimizer " + optimizer_name(t.optimizer.kind)).c_str(), optimizer_seconds,
                    100.0 * optimizer_seconds / median);
        for (const auto& k : kinds) {
            std::printf("    %-20s %7.3f s  %5.1f%%", k.kind.c_str(), k.seconds / epochs, 100.0 * k.seconds / epochs / median);
            if (k.flops > 0) std::printf("  %6.1f GFLOP/s", k.flops / k.seconds * 1e-9);
            if (k.flops > 0 && peak > 0) std::printf(" (%.0f%% of %.0f)", 100.0 * k.flops / k.seconds * 1e-9 / peak, peak);
            std::printf("\n");
        }
    }
    return 0;
}

// A Keras model, or Keras weights alone with the network they belong to (--preset / --model),
// saved as a .dsm.
int cmd_import(const Args& a) {
    if (a.positional.size() != 1) throw UsageError("import takes one Keras file");
    const std::string in = a.positional[0], out = a.required("out");
    ModelFile m;
    if (a.has("preset") || a.has("model")) {
        if (a.has("preset")) {
            const Preset& p = preset_arg(a);
            m.spec = p.model;
            m.training = p.training;
        } else {
            const ModelFile arch = interop::load_any_model(a.get("model"));
            m.spec = arch.spec;
            m.training = arch.training;
        }
        m.parameters = interop::import_keras_weights(in, m.spec);
        m.info.name = a.has("preset") ? a.get("preset") : in;
        std::printf("Read %zu weights from %s\n", m.parameters.size(), in.c_str());
    } else {
        const interop::KerasImport k = interop::import_keras_model(in);
        m = k.model;
        std::printf("Read %s: %s%s, %zu layers, %zu parameters; training settings %s\n", in.c_str(),
                    interop::format_name(k.format).c_str(), k.keras_version.empty() ? "" : (" " + k.keras_version).c_str(),
                    m.spec.layers.size(), m.parameters.size(),
                    k.training_from_file ? "from the file" : "not in the file: Digit Studio's defaults");
    }
    save_model(out, m);
    std::printf("Saved %s\n", out.c_str());
    return 0;
}

int cmd_keras_code(const Args& a) {
    std::string code;
    if (a.has("model")) {
        const ModelFile m = interop::load_any_model(a.get("model"));
        code = interop::keras_code(m.spec, m.training, m.info.name);
    } else {
        const Preset& p = preset_arg(a);
        code = interop::keras_code(p.model, p.training, p.name);
    }
    if (a.has("out")) {
        write_file_atomically(a.get("out"), code);
        std::printf("Saved %s\n", a.get("out").c_str());
    } else {
        std::fputs(code.c_str(), stdout);
    }
    return 0;
}

int cmd_export(const Args& a) {
    const ModelFile m = interop::load_any_model(a.required("model"));
    if (!a.has("onnx") && !a.has("keras")) throw UsageError("export needs --onnx FILE and/or --keras FILE");
    if (a.has("keras")) {
        interop::export_keras(a.get("keras"), m);
        std::printf("Saved %s\n", a.get("keras").c_str());
    }
    if (!a.has("onnx")) return 0;
    const std::string out = a.get("onnx");
    interop::export_onnx(out, m);
    const bool image = m.spec.input.rank() == 3;
    std::printf("Saved %s: ONNX opset %d, input \"input\" %s, output \"output\" (N, %lld)\n", out.c_str(), interop::kOnnxOpset,
                image ? "(N, 1, 28, 28)" : "(N, 784)", static_cast<long long>(network_from_file(m)->classes()));
    return 0;
}

// The run report (report/run_report.h): a PDF through QPdfWriter, which needs a QGuiApplication
// for its fonts (ensure_gui_application: offscreen unless the caller chose a platform).
int cmd_report(const Args& a) {
    a.no_positional("report");
    const std::string out = a.required("out");
    const std::string model_path = a.required("model");
    check_writable_target(out);
    report::RunReportInput in;
    in.model = interop::load_any_model(model_path);
    if (a.has("history")) in.history = load_history_csv(a.get("history"));
    const MnistData data = load_data(a);
    in.test = &data.test;
    ensure_gui_application();
    report::RunReportResult r;
    QString error;
    if (!report::writeRunReport(QFile::decodeName(out.c_str()), in, &r, &error)) throw std::runtime_error(error.toStdString());
    std::string notes;
    if (r.notADigit > 0) notes += "; " + std::to_string(r.notADigit) + " test digits called not a digit";
    if (!in.history) notes += "; no --history: no curves";
    std::printf("Wrote %s: %d pages; test accuracy %.4f; %d mistakes among the ten digits (the %d most confident shown)%s\n",
                out.c_str(), r.pages, r.accuracy, r.mistakes, r.mistakesShown, notes.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string cmd = argv[1];
    qInstallMessageHandler(keep_qt_message);
    try {
        if (cmd == "presets") {
            if (argc > 2) throw UsageError("presets takes no arguments");
            return cmd_presets();
        }
        if (cmd == "summary") return cmd_summary(parse(argc, argv, 2, {}, {"preset", "model"}));
        if (cmd == "train")
            return cmd_train(parse(argc, argv, 2, {"checkpoint"},
                                   {"preset", "model", "epochs", "batch-size", "seed", "data", "out", "limit", "history"}));
        if (cmd == "evaluate")
            return cmd_evaluate(parse(argc, argv, 2, {"json", "pen-styles", "not-a-digit", "photos", "numbers"}, {"model", "data", "count", "offset"}));
        if (cmd == "predict") return cmd_predict(parse(argc, argv, 2, {"json", "timing"}, {"model", "steps"}));
        if (cmd == "synth") return cmd_synth(parse(argc, argv, 2, {}, {"out", "photos", "numbers", "drawings", "width", "height", "data"}));
        if (cmd == "bench")
            return cmd_bench(parse(argc, argv, 2, {"json"}, {"preset", "model", "epochs", "batch-size", "seed", "data", "peak-gflops"}));
        if (cmd == "keras-code") return cmd_keras_code(parse(argc, argv, 2, {}, {"preset", "model", "out"}));
        if (cmd == "export") return cmd_export(parse(argc, argv, 2, {}, {"model", "onnx", "keras"}));
        if (cmd == "report") return cmd_report(parse(argc, argv, 2, {}, {"model", "out", "history", "data"}));
        if (cmd == "import") return cmd_import(parse(argc, argv, 2, {}, {"out", "preset", "model"}));
        throw UsageError("unknown command \"" + cmd + "\"");
    } catch (const UsageError& e) {
        std::fprintf(stderr, "digit-cli: %s\n\n%s", e.what(), kUsage);
        return 2;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "digit-cli: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "digit-cli: %s\n", e.what());
        return 1;
    }
}
