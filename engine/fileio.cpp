// fileio.cpp - POSIX implementation of engine/fileio.h (open/pread/write/fsync/rename).
#include "engine/fileio.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "engine/error.h"

namespace upres {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

// The directory part of a path ("a/b/c" -> "a/b", "c" -> ".", "/c" -> "/").
std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

// ---- reading ---------------------------------------------------------------------------

InputFile::InputFile(const std::string& path) : path_(path) {
  do {
    // O_NONBLOCK: opening a FIFO must not hang before we can reject it below.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  } while (fd_ < 0 && errno == EINTR);
  if (fd_ < 0) UPRES_FAIL("cannot open '", path, "' for reading: ", errno_text(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    int err = errno;
    ::close(fd_);
    UPRES_FAIL("cannot stat '", path, "': ", errno_text(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    UPRES_FAIL("cannot read '", path, "': ", S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
}

InputFile::InputFile(InputFile&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_), size_(o.size_) {
  o.fd_ = -1;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void InputFile::read_at(std::uint64_t offset, void* dst, std::size_t n) const {
  auto* p = static_cast<char*>(dst);
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, p + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      UPRES_FAIL("error reading '", path_, "' at byte ", offset + done, ": ", errno_text(errno));
    }
    if (r == 0)
      UPRES_FAIL("unexpected end of '", path_, "': wanted ", n, " bytes at byte ", offset, ", the file ends after ",
                 offset + done, " (truncated, or changed while reading)");
    done += static_cast<std::size_t>(r);
  }
}

std::string read_file(const std::string& path, std::uint64_t max_bytes) {
  InputFile f(path);
  UPRES_CHECK(f.size() <= max_bytes, "cannot read '", path, "': it is ", f.size(), " bytes, over the limit of ",
              max_bytes, " bytes");
  std::string out(static_cast<std::size_t>(f.size()), '\0');
  f.read_at(0, out.data(), out.size());
  return out;
}

// ---- atomic writing --------------------------------------------------------------------

AtomicFile::AtomicFile(const std::string& path) : path_(path) {
  UPRES_CHECK(!path.empty(), "AtomicFile: empty path");
  UPRES_CHECK(path.back() != '/', "cannot write '", path, "': the path names a directory");
  static std::atomic<unsigned> counter{0};
  tmp_ = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  do {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  } while (fd_ < 0 && errno == EINTR);
  if (fd_ < 0)
    UPRES_FAIL("cannot write '", path, "': creating the temporary file '", tmp_, "' failed: ", errno_text(errno));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::write(const void* data, std::size_t n) {
  UPRES_CHECK(fd_ >= 0 && !committed_, "cannot write '", path_, "': the file is already committed");
  const char* p = static_cast<const char*>(data);
  std::size_t done = 0;
  while (done < n) {
    ssize_t w = ::write(fd_, p + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      UPRES_FAIL("cannot write '", path_, "': writing the temporary file failed after ", written_ + done,
                 " bytes: ", errno_text(errno));
    }
    done += static_cast<std::size_t>(w);
  }
  written_ += n;
}

void AtomicFile::commit() {
  UPRES_CHECK(fd_ >= 0 && !committed_, "cannot write '", path_, "': the file is already committed");
  if (::fsync(fd_) != 0)
    UPRES_FAIL("cannot write '", path_, "': fsync of the temporary file failed: ", errno_text(errno));
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0)  // NFS and some filesystems report write errors only here
    UPRES_FAIL("cannot write '", path_, "': closing the temporary file failed: ", errno_text(errno));
  if (::rename(tmp_.c_str(), path_.c_str()) != 0)
    UPRES_FAIL("cannot write '", path_, "': renaming the temporary file over it failed: ", errno_text(errno));
  committed_ = true;  // it is the target now

  // Make the rename itself durable. Best effort: some filesystems refuse fsync on directories.
  int dfd = ::open(parent_dir(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  AtomicFile f(path);
  f.write(bytes.data(), bytes.size());
  f.commit();
}

}  // namespace upres
