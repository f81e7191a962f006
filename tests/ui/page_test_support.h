#pragma once
// Shared set-up of the page tests: a Session with real MNIST and a real model, trained here by
// the project's own trainer (preset mlp-128-32, a few epochs on a subset: a few seconds, well
// above 90% test accuracy), or loaded from $DIGIT_TEST_MODEL when that names a .dsm file.
#include "model_io.h"
#include "network.h"
#include "predict.h"
#include "presets.h"
#include "session.h"
#include "trainer.h"

#include <QString>

#include <algorithm>
#include <vector>

namespace digit::test {

// Fills the session; false + *error when MNIST or the model is missing.
inline bool setUpSession(ui::Session& session, QString* error, int trainImages = 20000, int epochs = 2) {
    if (!session.loadData({}, error)) return false;
    const QByteArray path = qgetenv("DIGIT_TEST_MODEL");
    if (!path.isEmpty()) return session.openModel(QString::fromLocal8Bit(path), error);

    const Preset* preset = find_preset("mlp-128-32");
    if (!preset) {
        *error = QStringLiteral("preset mlp-128-32 is missing");
        return false;
    }
    Network net(preset->model, 3);
    TrainConfig config = preset->training;
    config.epochs = epochs;
    config.seed = 3;
    Trainer trainer(net, config);
    trainer.fit(session.data()->train.head(std::size_t(trainImages)));
    ModelInfo info;
    info.name = "test-mlp-128-32";
    info.epochs_trained = epochs;
    session.setModel(make_model_file(net, config, info));
    return true;
}

// argmax of each row.
inline std::vector<int> argmaxRows(const Matrix& p) { return argmax_rows(p); }

}  // namespace digit::test
