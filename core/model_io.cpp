#include "model_io.h"

#include "errors.h"
#include "network.h"

#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace digit {

namespace {

constexpr char kMagic[8] = {'D', 'G', 'T', 'M', 'O', 'D', 'E', 'L'};
constexpr std::size_t kFixedHeader = 16;                   // magic + version + header length
constexpr std::uint64_t kMaxHeader = 1u << 20;             // 1 MiB of text is far more than any model needs
constexpr std::uint64_t kMaxParameters = 1ull << 30;       // 4 GiB of weights

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
    double num(const std::string& key, double fallback) const {
        auto it = values_.find(key);
        if (it == values_.end()) return fallback;
        return parse_number(key, it->second);
    }
    double parse_number(const std::string& key, const std::string& v) const {
        try {
            std::size_t used = 0;
            double d = std::stod(v, &used);
            if (used != v.size()) throw std::invalid_argument(v);
            return d;
        } catch (const std::exception&) {
            fail("'" + key + "' should be a number, found \"" + v + "\"");
        }
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
    auto num = [&](const std::string& name) { return h.parse_number(key + "." + name, get(name)); };
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
    if (type == "Dense") return LayerSpec::dense(static_cast<int>(num("units")), act(), static_cast<float>(num("l2")));
    if (type == "Conv2D")
        return LayerSpec::conv2d(static_cast<int>(num("filters")), static_cast<int>(num("kernel")), act(),
                                 static_cast<int>(num("stride")), pad(), static_cast<float>(num("l2")));
    if (type == "Dropout") return LayerSpec::dropout(static_cast<float>(num("rate")));
    if (type == "Flatten") return LayerSpec::flatten();
    if (type == "Activation") return LayerSpec::activation_layer(act());
    if (type == "MaxPooling2D") {
        LayerSpec s = LayerSpec::max_pooling2d(static_cast<int>(num("pool")), static_cast<int>(num("stride")));
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
        while (std::getline(in, part, ',')) dims.push_back(static_cast<int>(h.parse_number("input", part)));
        if (dims.empty()) h.fail("empty input shape");
        m.spec.input = Shape(dims);
    }
    const double n_layers = h.parse_number("layers", h.required("layers"));
    if (n_layers < 1 || n_layers > 1000) h.fail("layer count " + fmt(n_layers) + " is out of range");
    for (int i = 0; i < static_cast<int>(n_layers); ++i) {
        std::string key = "layer." + std::to_string(i);
        m.spec.layers.push_back(parse_layer(h, key, h.required(key)));
    }
    TrainConfig& t = m.training;
    auto opt = optimizer_from_name(h.str("optimizer", "adam"));
    if (!opt) h.fail("unknown optimizer \"" + h.str("optimizer", "") + "\"");
    t.optimizer = OptimizerConfig::defaults(*opt);
    t.optimizer.learning_rate = static_cast<float>(h.num("optimizer.learning_rate", t.optimizer.learning_rate));
    t.optimizer.momentum = static_cast<float>(h.num("optimizer.momentum", 0));
    t.optimizer.nesterov = h.num("optimizer.nesterov", 0) != 0;
    t.optimizer.decay = static_cast<float>(h.num("optimizer.decay", 0));
    t.optimizer.beta_1 = static_cast<float>(h.num("optimizer.beta_1", t.optimizer.beta_1));
    t.optimizer.beta_2 = static_cast<float>(h.num("optimizer.beta_2", t.optimizer.beta_2));
    t.optimizer.rho = static_cast<float>(h.num("optimizer.rho", t.optimizer.rho));
    t.optimizer.epsilon = static_cast<float>(h.num("optimizer.epsilon", t.optimizer.epsilon));
    auto loss = loss_from_name(h.str("loss", "sparse_categorical_crossentropy"));
    if (!loss) h.fail("unknown loss \"" + h.str("loss", "") + "\"");
    t.loss.kind = *loss;
    t.loss.from_logits = h.num("loss.from_logits", 0) != 0;
    t.batch_size = static_cast<int>(h.num("batch_size", 32));
    t.epochs = static_cast<int>(h.num("epochs", 1));
    t.validation_split = static_cast<float>(h.num("validation_split", 0));
    t.shuffle = h.num("shuffle", 1) != 0;
    t.seed = static_cast<std::uint64_t>(h.num("seed", 1));
    t.early_stopping.enabled = h.num("early_stopping", 0) != 0;
    t.early_stopping.monitor = h.str("early_stopping.monitor", "val_loss");
    t.early_stopping.patience = static_cast<int>(h.num("early_stopping.patience", 0));
    t.early_stopping.min_delta = static_cast<float>(h.num("early_stopping.min_delta", 0));
    t.early_stopping.restore_best_weights = h.num("early_stopping.restore_best_weights", 0) != 0;
    t.augmentation.max_shift = static_cast<float>(h.num("augmentation.max_shift", 0));
    t.augmentation.max_rotation = static_cast<float>(h.num("augmentation.max_rotation", 0));
    t.augmentation.max_scale = static_cast<float>(h.num("augmentation.max_scale", 0));
    t.augmentation.stroke_probability = static_cast<float>(h.num("augmentation.stroke_probability", 0));
    m.info.name = h.str("info.name", "");
    m.info.preprocessing = h.str("info.preprocessing", "mnist-20x20-com");
    m.info.test_accuracy = h.num("info.test_accuracy", -1);
    m.info.test_loss = h.num("info.test_loss", -1);
    m.info.epochs_trained = static_cast<int>(h.num("info.epochs_trained", 0));
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
    ModelFile m = model;
    if (m.info.created.empty()) m.info.created = now_iso8601();
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

    // Write a temporary file next to the target, flush it to disk, then rename it into place:
    // the target is either the old file or the complete new one, never a half-written one.
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw FileError(path, -1, std::string("cannot create a temporary file: ") + std::strerror(errno));
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    ok = std::fflush(f) == 0 && ok;
    ok = ::fsync(fileno(f)) == 0 && ok;
    const int err = errno;
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        throw FileError(path, -1, std::string("could not write the model: ") + std::strerror(err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int rerr = errno;
        std::remove(tmp.c_str());
        throw FileError(path, -1, std::string("could not move the new model into place: ") + std::strerror(rerr));
    }
}

ModelFile load_model(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, -1, std::string("cannot open: ") + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0);
    if (size < 0) throw FileError(path, -1, "cannot read the file size");
    const auto usize = static_cast<std::uint64_t>(size);
    if (usize > kFixedHeader + kMaxHeader + 12 + kMaxParameters * 4) throw FileError(path, -1, "file is too large to be a model");
    std::string bytes(static_cast<std::size_t>(usize), '\0');
    if (!in.read(bytes.data(), size)) throw FileError(path, -1, "read error");

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

    ModelFile m = parse_header(path, bytes.substr(kFixedHeader, hlen), static_cast<std::int64_t>(kFixedHeader));
    m.parameters.resize(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t u = get_u32(bytes, count_at + 8 + 4 * i);
        std::memcpy(&m.parameters[i], &u, 4);
    }
    // The architecture must account for exactly these weights.
    try {
        Network probe(m.spec);
        if (probe.parameter_count() != n)
            throw FileError(path, static_cast<std::int64_t>(count_at), "the architecture needs " + std::to_string(probe.parameter_count()) +
                                                                     " parameters but the file holds " + std::to_string(n));
    } catch (const ConfigError& e) {
        throw FileError(path, static_cast<std::int64_t>(kFixedHeader), std::string("the architecture is invalid: ") + e.what());
    }
    return m;
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
    auto net = std::make_unique<Network>(model.spec);
    std::vector<Scalar> p(model.parameters.begin(), model.parameters.end());
    net->set_parameters(p);
    return net;
}

}  // namespace digit
