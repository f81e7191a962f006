#include "keras_code.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace digit::interop {

namespace {

// A float as Python writes it: shortest form that reads back to the same float.
std::string py(double v) {
    char buf[32];
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (static_cast<float>(std::strtod(buf, nullptr)) == static_cast<float>(v)) break;
    }
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string layer_line(const LayerSpec& s) {
    std::ostringstream o;
    auto activation = [&] {
        if (s.activation != Activation::Linear) o << ", activation=" << quoted(activation_name(s.activation));
    };
    auto l2 = [&] {
        if (s.l2 > 0) o << ", kernel_regularizer=keras.regularizers.l2(" << py(s.l2) << ")";
    };
    switch (s.kind) {
        case LayerKind::Dense:
            o << "layers.Dense(" << s.units;
            activation();
            l2();
            o << ")";
            break;
        case LayerKind::Conv2D:
            o << "layers.Conv2D(" << s.units << ", (" << s.kernel << ", " << s.kernel << ")";
            if (s.stride != 1) o << ", strides=(" << s.stride << ", " << s.stride << ")";
            if (s.padding == Padding::Same) o << ", padding=\"same\"";
            activation();
            l2();
            o << ")";
            break;
        case LayerKind::MaxPooling2D:
            o << "layers.MaxPooling2D(pool_size=(" << s.pool << ", " << s.pool << ")";
            if (s.stride > 0 && s.stride != s.pool) o << ", strides=(" << s.stride << ", " << s.stride << ")";
            if (s.padding == Padding::Same) o << ", padding=\"same\"";
            o << ")";
            break;
        case LayerKind::Dropout: o << "layers.Dropout(" << py(s.rate) << ")"; break;
        case LayerKind::Flatten: o << "layers.Flatten()"; break;
        case LayerKind::Activation: o << "layers.Activation(" << quoted(activation_name(s.activation)) << ")"; break;
        case LayerKind::BatchNormalization: o << "layers.BatchNormalization()"; break;
    }
    return o.str();
}

std::string optimizer_line(const OptimizerConfig& c) {
    const OptimizerConfig d = OptimizerConfig::defaults(c.kind);
    std::ostringstream o;
    // Keras 3 optimisers have no `decay`; InverseTimeDecay with decay_steps=1 is the same rule,
    // lr / (1 + decay * iterations).
    const std::string lr = c.decay > 0 ? "keras.optimizers.schedules.InverseTimeDecay(" + py(c.learning_rate) +
                                             ", decay_steps=1, decay_rate=" + py(c.decay) + ")"
                                       : py(c.learning_rate);
    switch (c.kind) {
        case OptimizerKind::SGD:
            o << "keras.optimizers.SGD(learning_rate=" << lr;
            if (c.momentum != 0) o << ", momentum=" << py(c.momentum);
            if (c.nesterov) o << ", nesterov=True";
            break;
        case OptimizerKind::Adam:
            o << "keras.optimizers.Adam(learning_rate=" << lr;
            if (c.beta_1 != d.beta_1) o << ", beta_1=" << py(c.beta_1);
            if (c.beta_2 != d.beta_2) o << ", beta_2=" << py(c.beta_2);
            break;
        case OptimizerKind::RMSprop:
            o << "keras.optimizers.RMSprop(learning_rate=" << lr;
            if (c.rho != 0.9f) o << ", rho=" << py(c.rho);
            break;
        case OptimizerKind::Adadelta:
            o << "keras.optimizers.Adadelta(learning_rate=" << lr << ", rho=" << py(c.rho);
            break;
    }
    if (c.epsilon != 1e-7f) o << ", epsilon=" << py(c.epsilon);
    o << ")";
    return o.str();
}

}  // namespace

std::string keras_code(const ModelSpec& spec, const TrainConfig& t, const std::string& name) {
    const bool image = spec.input.rank() == 3;
    const bool sparse = t.loss.kind == LossKind::SparseCategoricalCrossentropy;
    std::ostringstream o;
    o << "# " << (name.empty() ? "A Digit Studio model" : "Digit Studio's \"" + name + "\"")
      << " as Keras code: the same network and training settings.\n"
         "# Keras 3 (pip install keras tensorflow); with tf.keras 2.x write `from tensorflow import keras`.\n"
         "import keras\n"
         "from keras import layers\n\n"
         "# MNIST, pixels scaled to 0-1 as Digit Studio scales them\n"
         "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()\n";
    const std::string shape = image ? "(-1, 28, 28, 1)" : "(-1, 784)";
    o << "x_train = x_train.reshape" << shape << ".astype(\"float32\") / 255\n";
    o << "x_test = x_test.reshape" << shape << ".astype(\"float32\") / 255\n";
    int classes = 10;  // the last Dense layer's units (11 with "not a digit")
    for (auto it = spec.layers.rbegin(); it != spec.layers.rend(); ++it)
        if (it->kind == LayerKind::Dense) {
            classes = it->units;
            break;
        }
    if (!sparse)
        o << "y_train = keras.utils.to_categorical(y_train, " << classes << ")\n"
          << "y_test = keras.utils.to_categorical(y_test, " << classes << ")\n";
    o << "\nmodel = keras.Sequential([\n";
    o << "    keras.Input(shape=" << (image ? "(28, 28, 1)" : "(784,)") << "),\n";
    for (const LayerSpec& s : spec.layers) o << "    " << layer_line(s) << ",\n";
    o << "])\nmodel.summary()\n\n";
    o << "model.compile(\n    optimizer=" << optimizer_line(t.optimizer) << ",\n    loss=";
    const std::string loss = sparse ? "SparseCategoricalCrossentropy" : "CategoricalCrossentropy";
    if (t.loss.from_logits) o << "keras.losses." << loss << "(from_logits=True)";
    else o << quoted(sparse ? "sparse_categorical_crossentropy" : "categorical_crossentropy");
    o << ",\n    metrics=[\"accuracy\"],\n)\n\n";
    if (t.augmentation.enabled())
        o << "# Digit Studio also distorts each training image at random (shift up to " << py(t.augmentation.max_shift)
          << " px, rotation up to " << py(t.augmentation.max_rotation) << " degrees, scale up to "
          << py(t.augmentation.max_scale * 100) << "%, stroke thickened or thinned with probability "
          << py(t.augmentation.stroke_probability) << ").\n"
             "# Keras's RandomTranslation, RandomRotation and RandomZoom layers come closest; they are not added here.\n";
    if (t.not_a_digit_share > 0)
        o << "# Digit Studio also adds generated pictures that are not digits (letters, scribbles, shapes, blobs, noise,\n"
             "# empty canvases; label 10, the last output), " << py(t.not_a_digit_share * 100)
          << "% of each epoch's images. This script trains on MNIST alone.\n";
    std::string callbacks;
    if (t.early_stopping.enabled) {
        const auto& e = t.early_stopping;
        o << "callbacks = [keras.callbacks.EarlyStopping(monitor=" << quoted(e.monitor) << ", patience=" << e.patience;
        if (e.min_delta > 0) o << ", min_delta=" << py(e.min_delta);
        if (e.restore_best_weights) o << ", restore_best_weights=True";
        o << ")]\n";
        callbacks = ", callbacks=callbacks";
    }
    o << "model.fit(x_train, y_train, batch_size=" << t.batch_size << ", epochs=" << t.epochs;
    if (t.validation_split > 0) o << ", validation_split=" << py(t.validation_split);
    if (!t.shuffle) o << ", shuffle=False";
    o << callbacks << ")\n\n";
    o << "loss, accuracy = model.evaluate(x_test, y_test)\n"
         "print(f\"Test loss: {loss:.4f} - test accuracy: {accuracy:.4f}\")\n";
    std::string file = name.empty() ? "model" : name;
    for (char& ch : file)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
    o << "model.save(" << quoted(file + ".keras") << ")  # digit-cli import " << file << ".keras --out " << file << ".dsm\n";
    return o.str();
}

}  // namespace digit::interop
