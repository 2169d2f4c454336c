// Tests of engine/fileio.h: capped reads and atomic writes that leave the old
// file intact (and no temporary file behind) when anything fails.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/fileio.h"
#include "support/temp_dir.h"

using namespace upres;
using upres::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void put(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The message of the upres::Error that f() throws ("" if none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ReadFile, ReadsWholeFile) {
  TempDir dir;
  std::string bytes("a\0b\xff\n", 5);
  put(dir.file("x.bin"), bytes);
  EXPECT_EQ(read_file(dir.file("x.bin")), bytes);
  put(dir.file("empty"), "");
  EXPECT_EQ(read_file(dir.file("empty")), "");
}

TEST(ReadFile, ErrorsNameTheFile) {
  TempDir dir;
  put(dir.file("big.bin"), std::string(100, 'x'));
  std::string msg = error_of([&] { read_file(dir.file("big.bin"), 99); });
  EXPECT_NE(msg.find(dir.file("big.bin")), std::string::npos) << msg;
  EXPECT_NE(msg.find("100 bytes, over the limit of 99"), std::string::npos) << msg;
  EXPECT_EQ(read_file(dir.file("big.bin"), 100).size(), 100u);

  msg = error_of([&] { read_file(dir.file("missing.bin")); });
  EXPECT_NE(msg.find(dir.file("missing.bin")), std::string::npos) << msg;
  EXPECT_NE(msg.find("No such file or directory"), std::string::npos) << msg;

  msg = error_of([&] { read_file(dir.path()); });
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;

  // A FIFO is rejected without blocking in open().
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  msg = error_of([&] { read_file(dir.file("fifo")); });
  EXPECT_NE(msg.find("not a regular file"), std::string::npos) << msg;
}

TEST(InputFile, ReadAtPastTheEndThrows) {
  TempDir dir;
  put(dir.file("f"), "0123456789");
  InputFile f(dir.file("f"));
  EXPECT_EQ(f.size(), 10u);
  char buf[4];
  f.read_at(6, buf, 4);
  EXPECT_EQ(std::string(buf, 4), "6789");
  std::string msg = error_of([&] { f.read_at(8, buf, 4); });
  EXPECT_NE(msg.find("unexpected end of"), std::string::npos) << msg;
  EXPECT_NE(msg.find(dir.file("f")), std::string::npos) << msg;
}

TEST(WriteFileAtomic, CreatesAndReplaces) {
  TempDir dir;
  std::string target = dir.file("out.bin");
  write_file_atomic(target, "first");
  EXPECT_EQ(slurp(target), "first");
  write_file_atomic(target, std::string("sec\0ond", 7));
  EXPECT_EQ(slurp(target), std::string("sec\0ond", 7));
  write_file_atomic(target, "");
  EXPECT_EQ(slurp(target), "");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"out.bin"});  // no temporary left behind
}

TEST(WriteFileAtomic, TargetIsADirectory) {
  TempDir dir;
  fs::create_directory(dir.file("sub"));
  put(dir.file("sub/keep.txt"), "precious");
  std::string msg = error_of([&] { write_file_atomic(dir.file("sub"), "data"); });
  EXPECT_NE(msg.find(dir.file("sub")), std::string::npos) << msg;
  EXPECT_NE(msg.find("Is a directory"), std::string::npos) << msg;
  EXPECT_EQ(slurp(dir.file("sub/keep.txt")), "precious");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"sub"});

  msg = error_of([&] { write_file_atomic(dir.file("sub") + "/", "data"); });
  EXPECT_NE(msg.find("names a directory"), std::string::npos) << msg;
}

TEST(WriteFileAtomic, MissingDirectory) {
  TempDir dir;
  std::string target = dir.file("no/such/dir/out.bin");
  std::string msg = error_of([&] { write_file_atomic(target, "data"); });
  EXPECT_NE(msg.find(target), std::string::npos) << msg;
  EXPECT_NE(msg.find("No such file or directory"), std::string::npos) << msg;
  EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(WriteFileAtomic, DirectoryNotWritable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir dir;
  fs::create_directory(dir.file("ro"));
  put(dir.file("ro/out.bin"), "old");
  ::chmod(dir.file("ro").c_str(), 0555);
  std::string msg = error_of([&] { write_file_atomic(dir.file("ro/out.bin"), "new"); });
  ::chmod(dir.file("ro").c_str(), 0755);
  EXPECT_NE(msg.find(dir.file("ro/out.bin")), std::string::npos) << msg;
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
  EXPECT_EQ(slurp(dir.file("ro/out.bin")), "old");
  EXPECT_EQ(listing(dir.file("ro")), std::vector<std::string>{"out.bin"});
}

// A write that fails half way (here: the file size limit, EFBIG - the same
// path as a full disk) must leave the old file as it was and remove the temporary.
TEST(WriteFileAtomic, FailedWriteKeepsOldFile) {
  TempDir dir;
  std::string target = dir.file("model.safetensors");
  put(target, "old checkpoint");

  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct sigaction ignore {}, old_action {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &old_action), 0);  // get EFBIG instead of a signal
  struct rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);

  std::string msg = error_of([&] { write_file_atomic(target, std::string(100000, 'n')); });

  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::sigaction(SIGXFSZ, &old_action, nullptr);

  EXPECT_NE(msg.find(target), std::string::npos) << msg;
  EXPECT_NE(msg.find("File too large"), std::string::npos) << msg;
  EXPECT_EQ(slurp(target), "old checkpoint");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"model.safetensors"});
}
