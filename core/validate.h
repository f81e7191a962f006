#pragma once
// The one place that says whether a network and a training configuration can run on some data.
// Each problem is a code with the values a message needs; the core words it in English
// (describe(), for digit-cli and ConfigError), the app in the reader's language. Trainer refuses
// to start on the first problem; the Train page lists them all before a run.
#include "layer_spec.h"
#include "train_config.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace digit {

enum class ProblemCode {
    NoLayers,                  // the spec has no layers
    ImageLayerOnFlatInput,     // layer: a Conv2D or MaxPooling2D whose input is flat
    DenseAfterImageLayers,     // layer: a Dense layer on an image (a Flatten is missing)
    NoDenseOutput,             // the last compute layer is not Dense
    OutputUnits,               // value: the output layer's units, not 10 (digits) or 11 (digits and "not a digit")
    SoftmaxWithFromLogits,     // a softmax output and from_logits on
    LinearWithoutFromLogits,   // a linear output (logits) and from_logits off
    LearningRate,              // value: not a positive finite number
    Momentum,                  // value: not in [0, 1)
    AdamBetas,                 // value: beta_1 or beta_2 not in [0, 1)
    Rho,                       // value: not in [0, 1)
    Epsilon,                   // value: not positive
    Decay,                     // value: negative
    BatchSize,                 // value: below 1 or above kMaxBatchSize
    Epochs,                    // value: below 1 or above kMaxEpochs
    ValidationSplit,           // value: not in [0, 1)
    EarlyStoppingMonitor,      // name: not loss, accuracy, val_loss or val_accuracy
    EarlyStoppingPatience,     // value: negative
    EarlyStoppingNeedsValidation,  // name: a val_ monitor without validation data
    NoTrainingImages,          // the data set is empty
    ImageSize,                 // value: pixels per image, count: what the network takes
    SplitLeavesNothing,        // value: the split, count: the images it splits
    NotADigitShare,            // value: the not-a-digit share, not in [0, 10]
    NotADigitNeedsOutput,      // value: the output units: not-a-digit images need an 11th output
    Unbuildable,               // name: the core's reason (e.g. a kernel larger than its input)
};

struct Problem {
    Problem(ProblemCode c, int layer_ = -1, double value_ = 0, std::size_t count_ = 0, std::string name_ = {})
        : code(c), layer(layer_), value(value_), count(count_), name(std::move(name_)) {}
    ProblemCode code;
    int layer = -1;         // 0-based index into the spec's layers, for layer problems
    double value = 0;       // the offending number
    std::size_t count = 0;  // images or inputs, where the code says so
    std::string name;       // the offending name, or the core's own reason
};

// What validate needs to know of the training data.
struct DataFacts {
    std::size_t images = 0;             // training images, before the validation split
    std::size_t pixels = 0;             // per image
    bool separate_validation = false;   // a validation set is given (no split needed)
};

// Every problem of running `config` on `spec`, in the order a person should fix them; empty when
// it can run. data may be null (not loaded yet): the data rules are then skipped. Builds the
// network once (when the spec rules pass) so whatever else the layers refuse is reported too.
std::vector<Problem> validate(const ModelSpec& spec, const TrainConfig& config, const DataFacts* data = nullptr);

// Only the optimiser's rules (make_optimizer refuses on them).
std::vector<Problem> validate(const OptimizerConfig& optimizer);

// The problem in an English sentence (for digit-cli and ConfigError messages).
std::string describe(const Problem& problem, const ModelSpec* spec = nullptr);

// Throws ConfigError(describe(first problem)) if there is one.
void refuse_on_first(const std::vector<Problem>& problems, const ModelSpec* spec = nullptr);

}  // namespace digit
