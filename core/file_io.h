#pragma once
// Files that come from outside the program or replace one on disk. Every failure is a FileError
// that names the path and the real cause (missing, permission denied, a folder, a named pipe, a
// full disk), never a generic one, and nothing is ever left half-written.
#include <cstdint>
#include <string>

namespace digit {

// Why a file could not be read, as a code the callers word (the core in English, the app in the
// reader's language).
enum class ReadProblem { None, NotFound, PermissionDenied, IsFolder, NotRegular, TooLarge, ReadError };

struct FileBytes {
    std::string bytes;                        // the content when problem == None
    ReadProblem problem = ReadProblem::None;
    std::string detail;                       // NotRegular: what it is ("a named pipe (FIFO)"); otherwise strerror
    std::uint64_t size = 0;                   // TooLarge: the file's size
};

// read_regular_file without exceptions: the same checks, the outcome as a code.
FileBytes try_read_regular_file(const std::string& path, std::uint64_t max_bytes);

// Throws FileError unless `path` names a regular file (after symbolic links) that this process
// may read: "no such file", "permission denied", "is a folder", "is a named pipe (FIFO)", ...
// Nothing is opened in a way that could block, so a FIFO given as a file cannot hang the program.
// `expected` completes the message for a wrong type: "a model file", "an IDX file".
void check_readable_file(const std::string& path, const char* expected);

// The whole content of a regular file of at most max_bytes (checked before anything is
// allocated). Throws FileError as check_readable_file does, and for a larger file or a read error.
std::string read_regular_file(const std::string& path, std::uint64_t max_bytes, const char* expected);

// Replaces the file at `path` with `bytes` atomically: a temporary file next to the target
// (`<name>.tmp-XXXXXX`, unique, created with the user's umask, or the old file's mode when there
// is one) is written, flushed to disk and renamed over the target, so the target is always
// either the old file or the complete new one, whatever happens (a kill, a full disk).
//   - Only regular files are replaced: a device (/dev/full), a FIFO, a socket or a folder at
//     `path` is refused, never swapped for a regular file.
//   - A symbolic link is written through: its target is replaced and the link stays a link. A
//     link to nothing is refused.
//   - The writer holds an flock() on its temporary file until the rename. A temporary left by a
//     killed writer (its lock went with it) is removed by the next save to the same target.
// Throws FileError naming the path and the cause; the old file is then unchanged.
void write_file_atomically(const std::string& path, const std::string& bytes);

// Checks, before long work whose result will go to `path`, that write_file_atomically could
// write it: the name is not empty, its folder exists and takes a new file (a temporary one is
// created and removed), and whatever is at `path` is a regular file. Throws FileError.
void check_writable_target(const std::string& path);

}  // namespace digit
