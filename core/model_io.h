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
// Saving writes a temporary file, flushes it and renames it over <path>, so a crash never leaves
// a half-written model (file_io.h: write_file_atomically, which also refuses to replace a device,
// a FIFO or a folder, writes through symbolic links and removes temporaries of killed saves).
// Loading treats the file as hostile: the checksum guards against accidents only, so the whole
// architecture is validated (every size positive and bounded, the parameter count it implies
// computed with overflow checks and compared with the file's) before anything is allocated, and
// non-finite weights are refused with the layer they are in.
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
    std::string source;  // the path load_model read it from (empty for a model made in memory), for messages
};

// Throws FileError naming the path and the cause (also for non-finite weights: never saved).
void save_model(const std::string& path, const ModelFile& model);
// Throws FileError naming the path, the byte offset and what was expected; an allocation that
// still fails is a FileError too, never a bare std::bad_alloc.
ModelFile load_model(const std::string& path);

// Convenience: the network's current weights with its spec.
ModelFile make_model_file(const Network& net, const TrainConfig& training, const ModelInfo& info);
// The architecture, training settings and info of a model as the file's text header, without
// weights (e.g. for the app to remember the network being edited), and back. parse_model_setup
// throws FileError (path "setup") for text it cannot read.
std::string model_setup_text(const ModelFile& model);
ModelFile parse_model_setup(const std::string& text);

// Builds a network from a loaded file and copies its weights in. Throws FileError naming
// model.source (or the model's name) when it cannot be built, also for lack of memory.
std::unique_ptr<Network> network_from_file(const ModelFile& model);

}  // namespace digit
