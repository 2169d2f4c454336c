// fileio.h - reading files with a size cap, and atomic writes.
//
// Reading: a file read from disk may be anything - a directory, a device, a
// 40 GB download that was mistaken for a config. read_file() refuses files over
// a cap before allocating, and every error names the file and the OS reason.
// InputFile gives random access (pread) for formats such as safetensors that
// need the header first and then copy each tensor straight into its storage.
//
// Atomic writes: a checkpoint written while the machine crashes, the disk
// fills or the job is killed must not destroy the previous checkpoint. POSIX
// rename() within one filesystem replaces the target atomically, so
//   1. write the bytes to a temporary file in the target's directory
//      ("<name>.tmp-<pid>-<n>", O_EXCL so nothing else is clobbered),
//   2. fsync it (the data is on disk before the name points at it),
//   3. rename it over the target, then fsync the directory (the new name is
//      durable).
// Any failure before step 3 leaves the target untouched and removes the
// temporary file. The new file gets mode 0666 minus the umask (as fopen); if
// the target is a symbolic link, the link itself is replaced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace upres {

// Default cap of read_file: 1 GiB.
constexpr std::uint64_t kDefaultReadCap = std::uint64_t(1) << 30;

// The whole content of a regular file. Throws upres::Error naming the path when
// it cannot be opened or read, is not a regular file, or is larger than max_bytes.
std::string read_file(const std::string& path, std::uint64_t max_bytes = kDefaultReadCap);

// Writes `bytes` to `path` atomically (see above). Throws upres::Error naming
// the path and the errno text; on failure the old content of `path`, if any, is intact.
void write_file_atomic(const std::string& path, std::string_view bytes);

// The same, for a file written piece by piece (an image too large to encode in
// memory, data/png_writer.h): write() appends to the temporary file, commit()
// does steps 2 and 3. Destroyed without commit() - an exception while the
// content was being made, say - it removes the temporary file, and `path`
// keeps its old content. Neither copied nor moved: one object, one temporary file.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);  // creates the temporary file; throws naming `path`
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& path() const { return path_; }  // the target
  void write(const void* data, std::size_t n);  // throws naming `path` and the errno text
  void commit();                                 // fsync, close, rename over `path`

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
  std::uint64_t written_ = 0;  // for the error message of a failed write
};

// A regular file opened for random-access reading. Move-only.
class InputFile {
 public:
  explicit InputFile(const std::string& path);  // throws, naming the path
  ~InputFile();
  InputFile(InputFile&& o) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }  // at open time
  // Reads exactly n bytes at `offset`; throws (naming the path) on error or a short read.
  void read_at(std::uint64_t offset, void* dst, std::size_t n) const;

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace upres
