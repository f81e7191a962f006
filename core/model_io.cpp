#include "model_io.h"

#include "errors.h"
#include "file_io.h"
#include "network.h"

#include <zlib.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>
#include <new>
#include <sstream>

namespace digit {

namespace {

constexpr char kMagic[8] = {'D', 'G', 'T', 'M', 'O', 'D', 'E', 'L'};
constexpr std::size_t kFixedHeader = 16;                   // magic + version + header length
constexpr std::uint64_t kMaxHeader = 1u << 20;             // 1 MiB of text is far more than any model needs
constexpr std::uint64_t kMaxParameters = kMaxParameterCount;  // 4 GiB of weights
constexpr std::uint64_t kMaxFileBytes = kFixedHeader + kMaxHeader + 12 + kMaxParameters * 4;

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

const char* padding_name(Padding p) { return p == Padding::Same ? "same" : "valid"; }

std::string layer_line(const LayerSpec& s) {
    std::ostringstream o;
    o << layer_kind_name(s.kind);
    switch (s.kind) {
        case LayerKind::Dense:
            o << " units=" << s.units << " activation=" << activation_name(s.activation) << " l2=" << fmt(s.l2);
            break;
        case LayerKind::Conv2D:
            o << " filters=" << s.units << " kernel=" << s.kernel << " stride=" << s.stride << " padding=" << padding_name(s.padding)
              << " activation=" << activation_name(s.activation) << " l2=" << fmt(s.l2);
            break;
        case LayerKind::Dropout: o << " rate=" << fmt(s.rate); break;
        case LayerKind::Activation: o << " activation=" << activation_name(s.activation); break;
        case LayerKind::MaxPooling2D: o << " pool=" << s.pool << " stride=" << s.stride << " padding=" << padding_name(s.padding); break;
        case LayerKind::Flatten:
        case LayerKind::BatchNormalization: break;
    }
    return o.str();
}

std::string header_text(const ModelFile& m) {
    std::ostringstream o;
    o << "# Digit Studio model\n";
    o << "input =";
    for (std::size_t i = 0; i < m.spec.input.dims.size(); ++i) o << (i ? "," : " ") << m.spec.input.dims[i];
    o << "\nlayers = " << m.spec.layers.size() << "\n";
    for (std::size_t i = 0; i < m.spec.layers.size(); ++i) o << "layer." << i << " = " << layer_line(m.spec.layers[i]) << "\n";
    const TrainConfig& t = m.training;
    o << "optimizer = " << optimizer_name(t.optimizer.kind) << "\n"
      << "optimizer.learning_rate = " << fmt(t.optimizer.learning_rate) << "\n"
      << "optimizer.momentum = " << fmt(t.optimizer.momentum) << "\n"
      << "optimizer.nesterov = " << (t.optimizer.nesterov ? 1 : 0) << "\n"
      << "optimizer.decay = " << fmt(t.optimizer.decay) << "\n"
      << "optimizer.beta_1 = " << fmt(t.optimizer.beta_1) << "\n"
      << "optimizer.beta_2 = " << fmt(t.optimizer.beta_2) << "\n"
      << "optimizer.rho = " << fmt(t.optimizer.rho) << "\n"
      << "optimizer.epsilon = " << fmt(t.optimizer.epsilon) << "\n"
      << "loss = " << loss_name(t.loss.kind) << "\n"
      << "loss.from_logits = " << (t.loss.from_logits ? 1 : 0) << "\n"
      << "batch_size = " << t.batch_size << "\n"
      << "epochs = " << t.epochs << "\n"
      << "validation_split = " << fmt(t.validation_split) << "\n"
      << "shuffle = " << (t.shuffle ? 1 : 0) << "\n"
      << "seed = " << t.seed << "\n"
      << "early_stopping = " << (t.early_stopping.enabled ? 1 : 0) << "\n"
      << "early_stopping.monitor = " << t.early_stopping.monitor << "\n"
      << "early_stopping.patience = " << t.early_stopping.patience << "\n"
      << "early_stopping.min_delta = " << fmt(t.early_stopping.min_delta) << "\n"
      << "early_stopping.restore_best_weights = " << (t.early_stopping.restore_best_weights ? 1 : 0) << "\n"
      << "augmentation.max_shift = " << fmt(t.augmentation.max_shift) << "\n"
      << "augmentation.max_rotation = " << fmt(t.augmentation.max_rotation) << "\n"
      << "augmentation.max_scale = " << fmt(t.augmentation.max_scale) << "\n"
      << "augmentation.stroke_probability = " << fmt(t.augmentation.stroke_probability) << "\n"
      << "not_a_digit_share = " << fmt(t.not_a_digit_share) << "\n"
      << "info.name = " << m.info.name << "\n"
      << "info.preprocessing = " << m.info.preprocessing << "\n"
      << "info.test_accuracy = " << fmt(m.info.test_accuracy) << "\n"
      << "info.test_loss = " << fmt(m.info.test_loss) << "\n"
      << "info.epochs_trained = " << m.info.epochs_trained << "\n"
      << "info.created = " << m.info.created << "\n";
    return o.str();
}

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint32_t get_u32(const std::string& in, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)])) << (8 * i);
    return v;
}
std::uint64_t get_u64(const std::string& in, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)])) << (8 * i);
    return v;
}

std::uint32_t crc_of(const std::string& bytes, std::size_t n) {
    uLong crc = crc32(0L, Z_NULL, 0);
    const auto* p = reinterpret_cast<const Bytef*>(bytes.data());
    while (n > 0) {
        uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
        crc = crc32(crc, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return static_cast<std::uint32_t>(crc);
}

// Parses the header's "key = value" lines; `at` is the header's offset in the file, for errors.
class HeaderReader {
public:
    HeaderReader(const std::string& path, const std::string& text, std::int64_t at) : path_(path), at_(at) {
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            auto eq = line.find(" = ");
            std::string key = line.substr(0, eq == std::string::npos ? line.find('=') : eq);
            std::string value = eq == std::string::npos ? "" : line.substr(eq + 3);
            if (eq == std::string::npos && line.back() == '=') value.clear();
            else if (eq == std::string::npos) fail("a header line without '= ': \"" + line + "\"");
            values_[key] = value;
        }
    }
    [[noreturn]] void fail(const std::string& what) const { throw FileError(path_, at_, "bad model header: " + what); }
    std::string str(const std::string& key, const std::string& fallback) const {
        auto it = values_.find(key);
        return it == values_.end() ? fallback : it->second;
    }
    std::string required(const std::string& key) const {
        auto it = values_.find(key);
        if (it == values_.end()) fail("missing '" + key + "'");
        return it->second;
    }
    // A header is untrusted: every number is parsed strictly (the whole text, no spaces or '+'),
    // must be finite and within [lo, hi] before it is converted, so no cast can overflow.
    double real(const std::string& key, double fallback, double lo, double hi) const {
        auto it = values_.find(key);
        return it == values_.end() ? fallback : parse_real(key, it->second, lo, hi);
    }
    float real32(const std::string& key, float fallback, double lo, double hi) const {
        return static_cast<float>(real(key, fallback, lo, hi));
    }
    std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const {
        auto it = values_.find(key);
        return it == values_.end() ? fallback : parse_integer(key, it->second, lo, hi);
    }
    bool flag(const std::string& key, bool fallback) const { return integer(key, fallback ? 1 : 0, 0, 1) != 0; }
    double parse_real(const std::string& key, const std::string& v, double lo, double hi) const {
        double d = 0;
        const char* end = v.data() + v.size();
        const auto r = std::from_chars(v.data(), end, d);
        if (v.empty() || r.ec != std::errc() || r.ptr != end) fail("'" + key + "' should be a number, found \"" + v + "\"");
        if (!std::isfinite(d) || d < lo || d > hi)
            fail("'" + key + "' = " + v + " is out of range (expected " + fmt(lo) + " to " + fmt(hi) + ")");
        return d;
    }
    std::int64_t parse_integer(const std::string& key, const std::string& v, std::int64_t lo, std::int64_t hi) const {
        std::int64_t n = 0;
        const char* end = v.data() + v.size();
        const auto r = std::from_chars(v.data(), end, n);
        if (v.empty() || r.ptr != end || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
            fail("'" + key + "' should be a whole number, found \"" + v + "\"");
        if (r.ec == std::errc::result_out_of_range || n < lo || n > hi)
            fail("'" + key + "' = " + v + " is out of range (expected " + std::to_string(lo) + " to " + std::to_string(hi) + ")");
        return n;
    }
    std::uint64_t parse_unsigned(const std::string& key, const std::string& v) const {
        std::uint64_t n = 0;
        const char* end = v.data() + v.size();
        const auto r = std::from_chars(v.data(), end, n);
        if (v.empty() || r.ec != std::errc() || r.ptr != end)
            fail("'" + key + "' should be a whole number from 0 to 2^64-1, found \"" + v + "\"");
        return n;
    }

private:
    std::string path_;
    std::int64_t at_;
    std::map<std::string, std::string> values_;
};

LayerSpec parse_layer(const HeaderReader& h, const std::string& key, const std::string& line) {
    std::istringstream in(line);
    std::string type;
    in >> type;
    std::map<std::string, std::string> kv;
    std::string tok;
    while (in >> tok) {
        auto eq = tok.find('=');
        if (eq == std::string::npos) h.fail(key + ": expected name=value, found \"" + tok + "\"");
        kv[tok.substr(0, eq)] = tok.substr(eq + 1);
    }
    auto get = [&](const std::string& name) -> std::string {
        auto it = kv.find(name);
        if (it == kv.end()) h.fail(key + " (" + type + "): missing " + name);
        return it->second;
    };
    auto count = [&](const std::string& name, int hi) {
        return static_cast<int>(h.parse_integer(key + "." + name, get(name), 1, hi));
    };
    auto real = [&](const std::string& name, double lo, double hi) {
        return static_cast<float>(h.parse_real(key + "." + name, get(name), lo, hi));
    };
    auto act = [&]() {
        auto a = activation_from_name(get("activation"));
        if (!a) h.fail(key + ": unknown activation \"" + get("activation") + "\"");
        return *a;
    };
    auto pad = [&]() {
        std::string p = get("padding");
        if (p != "same" && p != "valid") h.fail(key + ": padding must be same or valid, found \"" + p + "\"");
        return p == "same" ? Padding::Same : Padding::Valid;
    };
    if (type == "Dense") return LayerSpec::dense(count("units", kMaxDimension), act(), real("l2", 0, 1e6));
    if (type == "Conv2D")
        return LayerSpec::conv2d(count("filters", kMaxDimension), count("kernel", kMaxWindow), act(), count("stride", kMaxWindow),
                                 pad(), real("l2", 0, 1e6));
    if (type == "Dropout") return LayerSpec::dropout(real("rate", 0, 0.999999));
    if (type == "Flatten") return LayerSpec::flatten();
    if (type == "Activation") return LayerSpec::activation_layer(act());
    if (type == "MaxPooling2D") {
        LayerSpec s = LayerSpec::max_pooling2d(count("pool", kMaxWindow),
                                               static_cast<int>(h.parse_integer(key + ".stride", get("stride"), 0, kMaxWindow)));
        s.padding = pad();
        return s;
    }
    if (type == "BatchNormalization") return LayerSpec::batch_normalization();
    h.fail(key + ": unknown layer type \"" + type + "\"");
}

ModelFile parse_header(const std::string& path, const std::string& text, std::int64_t at) {
    HeaderReader h(path, text, at);
    ModelFile m;
    {
        std::vector<int> dims;
        std::istringstream in(h.required("input"));
        std::string part;
        while (std::getline(in, part, ','))
            dims.push_back(static_cast<int>(h.parse_integer("input", part, 1, kMaxValuesPerSample)));
        if (dims.empty() || dims.size() > 3) h.fail("the input shape must have 1 to 3 dimensions");
        m.spec.input = Shape(dims);
    }
    const auto n_layers = h.parse_integer("layers", h.required("layers"), 1, 1000);
    for (std::int64_t i = 0; i < n_layers; ++i) {
        std::string key = "layer." + std::to_string(i);
        m.spec.layers.push_back(parse_layer(h, key, h.required(key)));
    }
    TrainConfig& t = m.training;
    auto opt = optimizer_from_name(h.str("optimizer", "adam"));
    if (!opt) h.fail("unknown optimizer \"" + h.str("optimizer", "") + "\"");
    t.optimizer = OptimizerConfig::defaults(*opt);
    // Ranges: what the trainer and the optimisers accept, with room; floats stay far inside
    // float's range so the conversions are exact enough and never overflow.
    constexpr double kBig = 1e30;
    t.optimizer.learning_rate = h.real32("optimizer.learning_rate", t.optimizer.learning_rate, 0, kBig);
    t.optimizer.momentum = h.real32("optimizer.momentum", 0, 0, kBig);
    t.optimizer.nesterov = h.flag("optimizer.nesterov", false);
    t.optimizer.decay = h.real32("optimizer.decay", 0, 0, kBig);
    t.optimizer.beta_1 = h.real32("optimizer.beta_1", t.optimizer.beta_1, 0, 1);
    t.optimizer.beta_2 = h.real32("optimizer.beta_2", t.optimizer.beta_2, 0, 1);
    t.optimizer.rho = h.real32("optimizer.rho", t.optimizer.rho, 0, 1);
    t.optimizer.epsilon = h.real32("optimizer.epsilon", t.optimizer.epsilon, 0, kBig);
    auto loss = loss_from_name(h.str("loss", "sparse_categorical_crossentropy"));
    if (!loss) h.fail("unknown loss \"" + h.str("loss", "") + "\"");
    t.loss.kind = *loss;
    t.loss.from_logits = h.flag("loss.from_logits", false);
    t.batch_size = static_cast<int>(h.integer("batch_size", 32, 1, kMaxBatchSize));
    t.epochs = static_cast<int>(h.integer("epochs", 1, 1, kMaxEpochs));
    t.validation_split = h.real32("validation_split", 0, 0, 0.999999);
    t.shuffle = h.flag("shuffle", true);
    t.seed = h.parse_unsigned("seed", h.str("seed", "1"));  // all 64 bits, exactly (not through a double)
    t.early_stopping.enabled = h.flag("early_stopping", false);
    t.early_stopping.monitor = h.str("early_stopping.monitor", "val_loss");
    t.early_stopping.patience = static_cast<int>(h.integer("early_stopping.patience", 0, 0, kMaxEpochs));
    t.early_stopping.min_delta = h.real32("early_stopping.min_delta", 0, -kBig, kBig);
    t.early_stopping.restore_best_weights = h.flag("early_stopping.restore_best_weights", false);
    t.augmentation.max_shift = h.real32("augmentation.max_shift", 0, 0, 1e6);
    t.augmentation.max_rotation = h.real32("augmentation.max_rotation", 0, 0, 360);
    t.augmentation.max_scale = h.real32("augmentation.max_scale", 0, 0, 0.99);
    t.augmentation.stroke_probability = h.real32("augmentation.stroke_probability", 0, 0, 1);
    t.not_a_digit_share = h.real32("not_a_digit_share", 0, 0, 10);
    m.info.name = h.str("info.name", "");
    m.info.preprocessing = h.str("info.preprocessing", "mnist-20x20-com");
    m.info.test_accuracy = h.real("info.test_accuracy", -1, -1, 1);
    m.info.test_loss = h.real("info.test_loss", -1, -1, kBig);
    m.info.epochs_trained = static_cast<int>(h.integer("info.epochs_trained", 0, 0, std::numeric_limits<int>::max()));
    m.info.created = h.str("info.created", "");
    return m;
}

std::string now_iso8601() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

void save_model(const std::string& path, const ModelFile& model) {
    // A model this program writes must load again: non-finite weights never reach the disk.
    for (std::size_t i = 0; i < model.parameters.size(); ++i)
        if (!std::isfinite(model.parameters[i]))
            throw FileError(path, -1, "not saved: weight " + std::to_string(i) + " is " +
                                          (std::isnan(model.parameters[i]) ? "NaN" : "infinite"));
    ModelFile m = model;
    if (m.info.created.empty()) m.info.created = now_iso8601();
    if (!std::isfinite(m.info.test_accuracy)) m.info.test_accuracy = -1;
    if (!std::isfinite(m.info.test_loss) || m.info.test_loss < -1) m.info.test_loss = -1;
    const std::string header = header_text(m);
    std::string bytes;
    bytes.reserve(kFixedHeader + header.size() + 12 + m.parameters.size() * 4);
    bytes.append(kMagic, sizeof kMagic);
    put_u32(bytes, kModelFormatVersion);
    put_u32(bytes, static_cast<std::uint32_t>(header.size()));
    bytes += header;
    put_u64(bytes, m.parameters.size());
    static_assert(sizeof(float) == 4);
    for (float f : m.parameters) {
        std::uint32_t u;
        std::memcpy(&u, &f, 4);
        put_u32(bytes, u);
    }
    put_u32(bytes, crc_of(bytes, bytes.size()));
    // A temporary file, flushed and renamed over the target: the target is either the old model
    // or the complete new one (file_io.h also refuses to replace devices and FIFOs).
    write_file_atomically(path, bytes);
}

namespace {

ModelFile load_model_bytes(const std::string& path) {
    // The size is checked before anything is read or allocated; a FIFO or folder is refused
    // without being opened for a blocking read.
    const std::string bytes = read_regular_file(path, kMaxFileBytes, "a model file (.dsm)");
    const std::uint64_t usize = bytes.size();

    if (usize < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
        throw FileError(path, 0, "not a Digit Studio model (expected the magic bytes \"DGTMODEL\")", FileProblem::NotAModel);
    if (usize < kFixedHeader) throw FileError(path, 8, "truncated: the file ends inside its header", FileProblem::Truncated);
    const std::uint32_t version = get_u32(bytes, 8);
    if (version > kModelFormatVersion)
        throw FileError(path, 8, "made by a newer version of Digit Studio (format " + std::to_string(version) +
                                     "; this version reads up to " + std::to_string(kModelFormatVersion) + ")",
                        FileProblem::NewerVersion, version);
    if (version == 0) throw FileError(path, 8, "format version 0 is not valid");
    const std::uint32_t hlen = get_u32(bytes, 12);
    if (hlen > kMaxHeader) throw FileError(path, 12, "header length " + std::to_string(hlen) + " is larger than any model header");
    if (usize < kFixedHeader + hlen + 8 + 4)
        throw FileError(path, static_cast<std::int64_t>(usize), "truncated: the file ends before the weights (expected at least " +
                                                                    std::to_string(kFixedHeader + hlen + 12) + " bytes)",
                        FileProblem::Truncated);
    const std::size_t count_at = kFixedHeader + hlen;
    const std::uint64_t n = get_u64(bytes, count_at);
    if (n > kMaxParameters) throw FileError(path, static_cast<std::int64_t>(count_at), "parameter count " + std::to_string(n) + " is impossible");
    const std::uint64_t expected = count_at + 8 + n * 4 + 4;
    if (usize != expected)
        throw FileError(path, static_cast<std::int64_t>(std::min(usize, expected)),
                        (usize < expected ? "truncated" : "unexpected data after the end") + std::string(": expected ") +
                            std::to_string(expected) + " bytes for " + std::to_string(n) + " parameters, the file has " +
                            std::to_string(usize),
                        usize < expected ? FileProblem::Truncated : FileProblem::Other);
    const std::uint32_t stored = get_u32(bytes, static_cast<std::size_t>(expected - 4));
    const std::uint32_t actual = crc_of(bytes, static_cast<std::size_t>(expected - 4));
    if (stored != actual)
        throw FileError(path, static_cast<std::int64_t>(expected - 4), "checksum mismatch: the file is corrupt", FileProblem::Corrupt);

    // The checksum guards against accidents, not against a crafted file: from here on the
    // header is hostile until proven otherwise. The whole architecture is checked, and the
    // parameters it implies counted, before any weight is allocated.
    ModelFile m = parse_header(path, bytes.substr(kFixedHeader, hlen), static_cast<std::int64_t>(kFixedHeader));
    ModelPlan plan;
    try {
        plan = plan_model(m.spec);
    } catch (const ConfigError& e) {
        throw FileError(path, static_cast<std::int64_t>(kFixedHeader), std::string("the architecture is invalid: ") + e.what());
    }
    if (plan.parameters != n)
        throw FileError(path, static_cast<std::int64_t>(count_at), "the architecture needs " + std::to_string(plan.parameters) +
                                                                 " parameters but the file holds " + std::to_string(n));
    m.parameters.resize(static_cast<std::size_t>(n));
    std::size_t layer = 0, layer_end = plan.layer_parameters.empty() ? 0 : plan.layer_parameters[0];
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t u = get_u32(bytes, count_at + 8 + 4 * i);
        std::memcpy(&m.parameters[i], &u, 4);
        if (!std::isfinite(m.parameters[i])) {
            while (i >= layer_end && layer + 1 < plan.layer_parameters.size()) layer_end += plan.layer_parameters[++layer];
            throw FileError(path, static_cast<std::int64_t>(count_at + 8 + 4 * i),
                            "weight " + std::to_string(i) + " (in layer " + std::to_string(layer + 1) + ", " +
                                layer_kind_name(m.spec.layers[layer].kind) + ") is " +
                                (std::isnan(m.parameters[i]) ? "NaN" : "infinite") + ": the model is broken");
        }
    }
    m.source = path;
    return m;
}

}  // namespace

ModelFile load_model(const std::string& path) {
    // Whatever allocation is left after the checks (the file's bytes, the weights) may still
    // fail on a small machine: that is reported as this file's problem, with the cause.
    try {
        return load_model_bytes(path);
    } catch (const std::bad_alloc&) {
        throw FileError(path, -1, "not enough memory to load this model");
    } catch (const std::length_error& e) {
        throw FileError(path, -1, std::string("too large to load: ") + e.what());
    }
}

ModelFile make_model_file(const Network& net, const TrainConfig& training, const ModelInfo& info) {
    ModelFile m;
    m.spec = net.spec();
    m.training = training;
    m.info = info;
    m.parameters.assign(net.parameters().begin(), net.parameters().end());
    return m;
}

std::string model_setup_text(const ModelFile& model) { return header_text(model); }

ModelFile parse_model_setup(const std::string& text) { return parse_header("setup", text, 0); }

std::unique_ptr<Network> network_from_file(const ModelFile& model) {
    const std::string& name = model.source.empty() ? model.info.name : model.source;
    try {
        auto net = std::make_unique<Network>(model.spec);
        std::vector<Scalar> p(model.parameters.begin(), model.parameters.end());
        net->set_parameters(p);
        return net;
    } catch (const ConfigError& e) {
        throw FileError(name, -1, std::string("cannot build the network: ") + e.what());
    } catch (const std::bad_alloc&) {
        throw FileError(name, -1, "not enough memory to build the network (" + std::to_string(model.parameters.size()) +
                                      " parameters)");
    } catch (const std::length_error& e) {
        throw FileError(name, -1, std::string("the network is too large to build: ") + e.what());
    }
}

}  // namespace digit
