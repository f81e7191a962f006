#pragma once
// A training history as CSV, for spreadsheets and plotting scripts: digit-cli train --history and
// the Train page's export.
//
// One header line, then one row per batch and one per epoch, in the order they happened (an
// epoch's row after its batches). Columns:
//   kind        "batch" or "epoch"
//   epoch       1-based
//   batch       1-based within the epoch (empty on epoch rows)
//   loss, accuracy                  the batch's, or the epoch's mean over its batches (as Keras)
//   val_loss, val_accuracy          epoch rows with validation data only (empty otherwise)
//   smoothed_loss, smoothed_accuracy  batch rows only: the curve the Train page draws
// Numbers are written with "." as decimal separator and enough digits to read back the double.
#include "trainer.h"

#include <string>

namespace digit {

inline constexpr const char* kHistoryCsvHeader =
    "kind,epoch,batch,loss,accuracy,val_loss,val_accuracy,smoothed_loss,smoothed_accuracy";

std::string history_csv(const History& history);

// Writes history_csv(history) to path atomically (a temporary file renamed into place), so a
// failed write leaves no half-written file. Throws FileError naming the path and the cause.
void save_history_csv(const std::string& path, const History& history);

// Reads such a CSV back (digit-cli report --history): the epoch and batch rows with their numbers
// (epoch and batch 0-based again, batches_per_epoch counted). Stop reason and timings are not in
// the file: they come back as Completed and 0. Throws FileError naming `path` and the byte offset
// of the first line it cannot read (wrong header, unknown kind, a number that is not one).
History parse_history_csv(const std::string& text, const std::string& path);
History load_history_csv(const std::string& path);

}  // namespace digit
