#include "presets.h"

namespace digit {

namespace {

using A = Activation;

ModelSpec mlp(std::vector<LayerSpec> layers) {
    ModelSpec m;
    m.input = Shape{784};
    m.layers = std::move(layers);
    return m;
}

ModelSpec cnn(std::vector<LayerSpec> layers) {
    ModelSpec m;
    m.input = Shape{28, 28, 1};
    m.layers = std::move(layers);
    return m;
}

// seed: the preset's default seed. The tutorials report one run each, and runs differ by a few
// tenths of a percent with the seed (README, "Presets").
TrainConfig training(std::uint64_t seed, OptimizerKind opt, int batch, int epochs,
                     LossKind loss = LossKind::CategoricalCrossentropy, bool from_logits = false) {
    TrainConfig t;
    t.optimizer = OptimizerConfig::defaults(opt);
    t.batch_size = batch;
    t.epochs = epochs;
    t.loss.kind = loss;
    t.loss.from_logits = from_logits;
    t.seed = seed;
    return t;
}

TrainConfig with_early_stopping(TrainConfig t, int patience, const std::string& monitor = "val_loss") {
    t.validation_split = 0.1f;
    t.early_stopping.enabled = true;
    t.early_stopping.monitor = monitor;
    t.early_stopping.patience = patience;
    t.early_stopping.restore_best_weights = true;
    return t;
}

std::vector<Preset> make_presets() {
    std::vector<Preset> p;
    p.push_back({"mlp-512", "Deep Learning with Python, ch. 2: 784-512 relu-10 softmax, RMSprop",
                 mlp({LayerSpec::dense(512, A::Relu), LayerSpec::dense(10, A::Softmax)}),
                 training(2, OptimizerKind::RMSprop, 128, 5), 0.98});

    p.push_back({"mlp-392x2", "Two hidden layers of 392 relu units, Adam",
                 mlp({LayerSpec::dense(392, A::Relu), LayerSpec::dense(392, A::Relu), LayerSpec::dense(10, A::Softmax)}),
                 training(14, OptimizerKind::Adam, 32, 10), 0.9824});

    {
        TrainConfig t = training(1, OptimizerKind::SGD, 200, 100);
        t.optimizer.learning_rate = 0.01f;
        t.optimizer.decay = 1e-6f;
        t.optimizer.momentum = 0.9f;
        t.optimizer.nesterov = true;
        t.validation_split = 0.3f;
        p.push_back({"mlp-500x2-tanh", "784-500 tanh-500 tanh-10 with dropout 0.5, SGD with Nesterov momentum",
                     mlp({LayerSpec::dense(500, A::Tanh), LayerSpec::dropout(0.5f), LayerSpec::dense(500, A::Tanh),
                          LayerSpec::dropout(0.5f), LayerSpec::dense(10, A::Softmax)}),
                     t, 0.9434});
    }

    p.push_back({"mlp-512x2-dropout", "Keras's mnist_mlp example: 512 relu-dropout 0.2, twice, Adam",
                 mlp({LayerSpec::dense(512, A::Relu), LayerSpec::dropout(0.2f), LayerSpec::dense(512, A::Relu),
                      LayerSpec::dropout(0.2f), LayerSpec::dense(10, A::Softmax)}),
                 training(3, OptimizerKind::Adam, 128, 4), 0.9746});

    p.push_back({"mlp-128-32", "784-128 relu-32 relu-10 logits, Adam 1e-3",
                 mlp({LayerSpec::dense(128, A::Relu), LayerSpec::dense(32, A::Relu), LayerSpec::dense(10)}),
                 training(9, OptimizerKind::Adam, 32, 20, LossKind::SparseCategoricalCrossentropy, true), 0.9789});

    p.push_back({"mlp-256-128-64", "784-256-128-64 relu-10 logits, Adam",
                 mlp({LayerSpec::dense(256, A::Relu), LayerSpec::dense(128, A::Relu), LayerSpec::dense(64, A::Relu),
                      LayerSpec::dense(10)}),
                 training(9, OptimizerKind::Adam, 32, 20, LossKind::SparseCategoricalCrossentropy, true), 0.9816});

    p.push_back({"mlp-128-64-dropout", "784-128 relu-dropout 0.3-64 relu-dropout 0.2-10, Adam",
                 mlp({LayerSpec::dense(128, A::Relu), LayerSpec::dropout(0.3f), LayerSpec::dense(64, A::Relu),
                      LayerSpec::dropout(0.2f), LayerSpec::dense(10, A::Softmax)}),
                 training(2, OptimizerKind::Adam, 32, 20, LossKind::SparseCategoricalCrossentropy), 0.980});

    p.push_back({"mlp-256-128-64-dropout", "784-256-128-64 relu with dropout 0.3/0.2/0.1, Adam, early stopping",
                 mlp({LayerSpec::dense(256, A::Relu), LayerSpec::dropout(0.3f), LayerSpec::dense(128, A::Relu),
                      LayerSpec::dropout(0.2f), LayerSpec::dense(64, A::Relu), LayerSpec::dropout(0.1f),
                      LayerSpec::dense(10, A::Softmax)}),
                 with_early_stopping(training(3, OptimizerKind::Adam, 32, 40, LossKind::SparseCategoricalCrossentropy), 10,
                                     "val_accuracy"),
                 0.9831});

    p.push_back({"cnn-32-64", "Keras's mnist_cnn example: conv 32-conv 64-pool-dropout-128-dropout-10, Adadelta",
                 cnn({LayerSpec::conv2d(32, 3, A::Relu), LayerSpec::conv2d(64, 3, A::Relu), LayerSpec::max_pooling2d(2),
                      LayerSpec::dropout(0.25f), LayerSpec::flatten(), LayerSpec::dense(128, A::Relu),
                      LayerSpec::dropout(0.5f), LayerSpec::dense(10, A::Softmax)}),
                 training(2, OptimizerKind::Adadelta, 128, 12), 0.9919});

    p.push_back({"cnn-small", "conv 32-pool-conv 64-pool-128-10 logits, Adam 1e-3, early stopping",
                 cnn({LayerSpec::conv2d(32, 3, A::Relu), LayerSpec::max_pooling2d(2), LayerSpec::conv2d(64, 3, A::Relu),
                      LayerSpec::max_pooling2d(2), LayerSpec::flatten(), LayerSpec::dense(128, A::Relu),
                      LayerSpec::dense(10)}),
                 with_early_stopping(training(1, OptimizerKind::Adam, 32, 20, LossKind::SparseCategoricalCrossentropy, true), 10),
                 0.9878});
    {
        // Our own design for drawn digits: batch-normalised VGG-style blocks, and training images
        // shifted, rotated, rescaled and thickened/thinned at random so strokes unlike MNIST's
        // pen still look familiar to the model.
        auto conv_bn = [](int filters) {
            return std::vector<LayerSpec>{LayerSpec::conv2d(filters, 3), LayerSpec::batch_normalization(),
                                          LayerSpec::activation_layer(A::Relu)};
        };
        std::vector<LayerSpec> layers;
        for (int f : {32, 32}) for (auto& l : conv_bn(f)) layers.push_back(l);
        layers.push_back(LayerSpec::max_pooling2d(2));
        layers.push_back(LayerSpec::dropout(0.2f));
        for (int f : {64, 64}) for (auto& l : conv_bn(f)) layers.push_back(l);
        layers.push_back(LayerSpec::max_pooling2d(2));
        layers.push_back(LayerSpec::dropout(0.25f));
        layers.push_back(LayerSpec::flatten());
        layers.push_back(LayerSpec::dense(256));
        layers.push_back(LayerSpec::batch_normalization());
        layers.push_back(LayerSpec::activation_layer(A::Relu));
        layers.push_back(LayerSpec::dropout(0.4f));
        // 11 outputs: the digits and "not a digit", trained on generated letters, scribbles,
        // shapes, blobs, noise and empty canvases (not_a_digit.h), a tenth of each epoch.
        layers.push_back(LayerSpec::dense(11, A::Softmax));
        TrainConfig t = training(1, OptimizerKind::Adam, 128, 15, LossKind::SparseCategoricalCrossentropy);
        t.not_a_digit_share = 0.1f;
        t.optimizer.decay = 2e-4f;
        t.augmentation.max_shift = 2.5f;
        t.augmentation.max_rotation = 12.0f;
        t.augmentation.max_scale = 0.12f;
        t.augmentation.stroke_probability = 0.4f;
        p.push_back({"best", "Our CNN for drawn digits: 4 batch-normalised convs, augmentation (shift, rotation, scale, stroke), a not-a-digit class",
                     cnn(std::move(layers)), t, 0.995});
    }
    return p;
}

}  // namespace

const std::vector<Preset>& presets() {
    static const std::vector<Preset> all = make_presets();
    return all;
}

const Preset* find_preset(const std::string& name) {
    for (const auto& p : presets())
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace digit
