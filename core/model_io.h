#pragma once
// Model files (.dsm): architecture, weights, training settings and the preprocessing the model
// expects, in one versioned binary format with a CRC-32 of everything before it.
//
// Layout (little-endian):
//   0   8 bytes  magic "DGTMODEL"
//   8   u32      format version (kModelFormatVersion)
//   12  u32      header length H
//   16  H bytes  header: UTF-8 text, one "key = value" per line (architecture, training, metadata)
//   ..  u64      parameter count N
//   ..  N * f32  parameters, in the network's flat order
//   ..  u32      CRC-32 (zlib) of every byte before it
// Saving writes <path>.tmp, flushes it and renames it over <path>, so a crash never leaves a
// half-written model.
#include "layer_spec.h"
#include "network.h"
#include "train_config.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace digit {

inline constexpr std::uint32_t kModelFormatVersion = 1;

struct ModelInfo {
    std::string name;          // e.g. the preset's name
    std::string preprocessing = "mnist-20x20-com";  // what preprocess_digit produces; inputs scaled to [0, 1]
    double test_accuracy = -1;  // -1: not evaluated
    double test_loss = -1;
    int epochs_trained = 0;
    std::string created;       // ISO 8601 time, set by save_model if empty
};

struct ModelFile {
    ModelSpec spec;
    TrainConfig training;
    ModelInfo info;
    std::vector<float> parameters;
};

void save_model(const std::string& path, const ModelFile& model);
ModelFile load_model(const std::string& path);  // throws FileError

// Convenience: the network's current weights with its spec.
ModelFile make_model_file(const Network& net, const TrainConfig& training, const ModelInfo& info);
// The architecture, training settings and info of a model as the file's text header, without
// weights (e.g. for the app to remember the network being edited), and back. parse_model_setup
// throws FileError (path "setup") for text it cannot read.
std::string model_setup_text(const ModelFile& model);
ModelFile parse_model_setup(const std::string& text);

// Builds a network from a loaded file and copies its weights in.
std::unique_ptr<Network> network_from_file(const ModelFile& model);

}  // namespace digit
