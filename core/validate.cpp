#include "validate.h"

#include "errors.h"
#include "network.h"

#include <cmath>
#include <cstdio>

namespace digit {

namespace {

bool in_unit_interval(double v) { return v >= 0 && v < 1; }  // [0, 1), false for NaN

void add_model_problems(const ModelSpec& spec, const LossSpec& loss, std::vector<Problem>& out) {
    if (spec.layers.empty()) {
        out.push_back({ProblemCode::NoLayers});
        return;
    }
    // Shapes: convolution and pooling need an image, Dense a flat vector.
    bool flat = spec.input.rank() == 1;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& l = spec.layers[i];
        if ((l.kind == LayerKind::Conv2D || l.kind == LayerKind::MaxPooling2D) && flat) {
            out.push_back({ProblemCode::ImageLayerOnFlatInput, static_cast<int>(i)});
            break;
        }
        if (l.kind == LayerKind::Dense && !flat) {
            out.push_back({ProblemCode::DenseAfterImageLayers, static_cast<int>(i)});
            break;
        }
        if (l.kind == LayerKind::Flatten) flat = true;
    }
    // The output: a Dense layer of 10 units, or 11 with "not a digit" (trailing activation, dropout or batch-norm layers
    // aside) whose activation matches the loss.
    int last = static_cast<int>(spec.layers.size()) - 1;
    for (; last >= 0; --last) {
        const LayerKind k = spec.layers[static_cast<std::size_t>(last)].kind;
        if (k != LayerKind::Activation && k != LayerKind::Dropout && k != LayerKind::BatchNormalization) break;
    }
    if (last < 0 || spec.layers[static_cast<std::size_t>(last)].kind != LayerKind::Dense) {
        out.push_back({ProblemCode::NoDenseOutput});
        return;
    }
    const LayerSpec& dense = spec.layers[static_cast<std::size_t>(last)];
    if (dense.units != 10 && dense.units != 11) out.push_back({ProblemCode::OutputUnits, last, double(dense.units)});
    const Activation output = output_activation(spec.layers);
    if (output == Activation::Softmax && loss.from_logits) out.push_back({ProblemCode::SoftmaxWithFromLogits});
    if (output == Activation::Linear && !loss.from_logits) out.push_back({ProblemCode::LinearWithoutFromLogits});
}

void add_optimizer_problems(const OptimizerConfig& o, std::vector<Problem>& out) {
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate)) out.push_back({ProblemCode::LearningRate, -1, o.learning_rate});
    if (!in_unit_interval(o.momentum)) out.push_back({ProblemCode::Momentum, -1, o.momentum});
    if (!in_unit_interval(o.beta_1)) out.push_back({ProblemCode::AdamBetas, -1, o.beta_1});
    else if (!in_unit_interval(o.beta_2)) out.push_back({ProblemCode::AdamBetas, -1, o.beta_2});
    if (!in_unit_interval(o.rho)) out.push_back({ProblemCode::Rho, -1, o.rho});
    if (!(o.epsilon > 0)) out.push_back({ProblemCode::Epsilon, -1, o.epsilon});
    if (!(o.decay >= 0)) out.push_back({ProblemCode::Decay, -1, o.decay});
}

}  // namespace

std::vector<Problem> validate(const OptimizerConfig& optimizer) {
    std::vector<Problem> out;
    add_optimizer_problems(optimizer, out);
    return out;
}

std::vector<Problem> validate(const ModelSpec& spec, const TrainConfig& c, const DataFacts* data) {
    std::vector<Problem> out;
    add_model_problems(spec, c.loss, out);
    add_optimizer_problems(c.optimizer, out);
    if (!(c.not_a_digit_share >= 0 && c.not_a_digit_share <= 10)) out.push_back({ProblemCode::NotADigitShare, -1, c.not_a_digit_share});
    else if (c.not_a_digit_share > 0) {
        // The output layer: the last Dense one (a spec without one has its own problem above).
        for (auto it = spec.layers.rbegin(); it != spec.layers.rend(); ++it)
            if (it->kind == LayerKind::Dense) {
                if (it->units != 11) out.push_back({ProblemCode::NotADigitNeedsOutput, -1, double(it->units)});
                break;
            }
    }

    if (c.batch_size < 1 || c.batch_size > kMaxBatchSize) out.push_back({ProblemCode::BatchSize, -1, double(c.batch_size)});
    if (c.epochs < 1 || c.epochs > kMaxEpochs) out.push_back({ProblemCode::Epochs, -1, double(c.epochs)});
    const bool split_ok = in_unit_interval(c.validation_split);
    if (!split_ok) out.push_back({ProblemCode::ValidationSplit, -1, c.validation_split});
    const auto& es = c.early_stopping;
    if (es.enabled) {
        const bool known = es.monitor == "val_loss" || es.monitor == "val_accuracy" || es.monitor == "loss" || es.monitor == "accuracy";
        if (!known) out.push_back({ProblemCode::EarlyStoppingMonitor, -1, 0, 0, es.monitor});
        if (es.patience < 0) out.push_back({ProblemCode::EarlyStoppingPatience, -1, double(es.patience)});
        const bool wants_validation = es.monitor.rfind("val_", 0) == 0;
        if (wants_validation && !(c.validation_split > 0) && !(data && data->separate_validation))
            out.push_back({ProblemCode::EarlyStoppingNeedsValidation, -1, 0, 0, es.monitor});
    }
    if (data) {
        if (data->images == 0) out.push_back({ProblemCode::NoTrainingImages});
        const std::size_t inputs = static_cast<std::size_t>(spec.input.size());
        if (data->pixels != inputs) out.push_back({ProblemCode::ImageSize, -1, double(data->pixels), inputs});
        // Keras's validation_split takes the last fraction of the samples (see Trainer::fit).
        if (!data->separate_validation && split_ok && c.validation_split > 0 && data->images > 0) {
            const auto held = static_cast<std::size_t>(std::floor(static_cast<double>(data->images) * c.validation_split));
            if (held == 0 || held >= data->images) out.push_back({ProblemCode::SplitLeavesNothing, -1, c.validation_split, data->images});
        }
    }
    if (out.empty()) {
        // Whatever the rules above cannot see (e.g. a kernel larger than its input), the layers know.
        try {
            Network net(spec, c.seed);
        } catch (const ConfigError& e) {
            out.push_back({ProblemCode::Unbuildable, -1, 0, 0, e.what()});
        }
    }
    return out;
}

std::string describe(const Problem& p, const ModelSpec* spec) {
    auto num = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return std::string(buf);
    };
    std::string layer = "layer " + std::to_string(p.layer + 1);
    if (spec && p.layer >= 0 && static_cast<std::size_t>(p.layer) < spec->layers.size())
        layer += " (" + layer_kind_name(spec->layers[static_cast<std::size_t>(p.layer)].kind) + ")";
    switch (p.code) {
        case ProblemCode::NoLayers: return "the network has no layers";
        case ProblemCode::ImageLayerOnFlatInput:
            return layer + " works on images but its input is flat: use an image input and put convolution and pooling before Flatten";
        case ProblemCode::DenseAfterImageLayers: return layer + " comes after image layers: add a Flatten layer before it";
        case ProblemCode::NoDenseOutput: return "the network must end with a Dense layer of 10 units, one per digit";
        case ProblemCode::OutputUnits:
            return "the last layer must have 10 outputs (one per digit), or 11 (and \"not a digit\"), it has " + num(p.value);
        case ProblemCode::SoftmaxWithFromLogits: return "the last layer already applies softmax: from_logits must be off";
        case ProblemCode::LinearWithoutFromLogits:
            return "the last layer is linear (it outputs logits): set the loss's from_logits, or use a softmax activation";
        case ProblemCode::LearningRate: return "learning rate must be a positive number, got " + num(p.value);
        case ProblemCode::Momentum: return "momentum must be in [0, 1), got " + num(p.value);
        case ProblemCode::AdamBetas: return "Adam's betas must be in [0, 1), got " + num(p.value);
        case ProblemCode::Rho: return "rho must be in [0, 1), got " + num(p.value);
        case ProblemCode::Epsilon: return "epsilon must be positive, got " + num(p.value);
        case ProblemCode::Decay: return "learning-rate decay must not be negative, got " + num(p.value);
        case ProblemCode::BatchSize: return "batch size must be from 1 to " + std::to_string(kMaxBatchSize) + ", got " + num(p.value);
        case ProblemCode::Epochs: return "epochs must be from 1 to " + std::to_string(kMaxEpochs) + ", got " + num(p.value);
        case ProblemCode::ValidationSplit: return "validation split must be in [0, 1), got " + num(p.value);
        case ProblemCode::EarlyStoppingMonitor:
            return "early stopping can monitor loss, accuracy, val_loss or val_accuracy, not '" + p.name + "'";
        case ProblemCode::EarlyStoppingPatience: return "early stopping patience must not be negative, got " + num(p.value);
        case ProblemCode::EarlyStoppingNeedsValidation:
            return "early stopping monitors " + p.name + " but there is no validation data: set a validation split";
        case ProblemCode::NoTrainingImages: return "there are no training images";
        case ProblemCode::ImageSize:
            return "the images have " + num(p.value) + " pixels, the network expects " + std::to_string(p.count);
        case ProblemCode::SplitLeavesNothing:
            return "a validation split of " + num(p.value) + " of " + std::to_string(p.count) +
                   " images leaves no training or no validation images";
        case ProblemCode::NotADigitShare: return "the share of not-a-digit images must be from 0 to 10, got " + num(p.value);
        case ProblemCode::NotADigitNeedsOutput:
            return "not-a-digit images need a last layer of 11 outputs (10 digits and \"not a digit\"), it has " + num(p.value);
        case ProblemCode::Unbuildable: return p.name;
    }
    return "unknown problem";
}

void refuse_on_first(const std::vector<Problem>& problems, const ModelSpec* spec) {
    if (!problems.empty()) throw ConfigError(describe(problems.front(), spec));
}

}  // namespace digit
