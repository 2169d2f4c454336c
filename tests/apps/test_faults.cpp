// Faults around `upres`'s file writes: an output folder that cannot be written, a
// full disk (a file-size limit, `ulimit -f`, which makes write() fail with EFBIG once
// the file reaches the limit), and `upres train` killed (SIGKILL) at random moments
// while it writes a checkpoint every step. Each write must fail with a message and an
// exit code below 128 and leave the previous file intact; after any kill the
// .ckpt.safetensors present is a complete, valid checkpoint, and --resume from it
// ends with the same weights as a run that was never interrupted. Ctrl-C or SIGTERM
// during a streamed upscale leaves no temporary file and the old output.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "data/image.h"
#include "engine/safetensors.h"
#include "support/cli.h"
#include "support/tensor_files.h"
#include "support/train_folder.h"

namespace fs = std::filesystem;
using upres::data::Image;
using upres::testing::CliRun;
using upres::testing::expect_same_tensors;
using upres::testing::run_upres;

namespace {

const std::string kModel = std::string(UPRES_SOURCE_DIR) + "/models/zoo/espcn_x2.safetensors";
const std::string kOld = "previous output, must survive";

fs::path scratch(const std::string& name) { return upres::testing::scratch_dir("faults", name); }
void write_bytes(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary);
  f << s;
}

// Noisy content, so that the PNG does not compress to almost nothing.
Image noisy(int w, int h, int seed) {
  Image img(w, h, 3);
  std::mt19937 gen(seed);
  for (float& v : img.pixels) v = static_cast<float>(gen() % 256) / 255.0f;
  return img;
}

// Runs `upres ARGS` under a shell with `ulimit -f BLOCKS` (512-byte blocks).
CliRun run_limited(int blocks, const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd = "ulimit -f " + std::to_string(blocks) + " && \"" + std::string(UPRES_CLI) + "\" " + args +
                          " > " + upres::testing::quoted(out) + " 2> " + upres::testing::quoted(err);
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  r.out = upres::testing::slurp(out);
  r.err = upres::testing::slurp(err);
  return r;
}

void expect_no_temporaries(const fs::path& d) {
  for (auto& e : fs::recursive_directory_iterator(d))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "left behind: " << e.path();
}

// Starts args[0] with the rest as its arguments, stdout and stderr to /dev/null; the pid (-1 on failure).
pid_t spawn_quiet(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

using upres::testing::make_training_folder;

}  // namespace

TEST(Faults, UnwritableOutputFolderFailsWithAMessage) {
  fs::path d = scratch("unwritable");
  upres::data::save_png(noisy(9, 7, 3), (d / "in.png").string());
  write_bytes(d / "file", "a file where a folder should be");
  std::vector<std::string> outs = {(d / "file" / "out.png").string(),  // parent is a file: ENOTDIR
                                   "/proc/upres_out.png"};              // procfs: no new files, even for root
  if (::geteuid() != 0) {  // permissions bind only non-root users
    fs::create_directories(d / "ro");
    fs::permissions(d / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    outs.push_back((d / "ro" / "out.png").string());
  }
  for (const std::string& out : outs) {
    SCOPED_TRACE(out);
    CliRun r = run_upres("upscale -m " + upres::testing::quoted(kModel) + " -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(out), d);
    EXPECT_GE(r.code, 1) << r.err;
    EXPECT_LT(r.code, 128) << r.err;
    EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("out.png"), std::string::npos) << r.err;
  }
  if (fs::exists(d / "ro")) fs::permissions(d / "ro", fs::perms::owner_all);
  expect_no_temporaries(d);
  fs::remove_all(d);
}

TEST(Faults, FullDiskKeepsTheOldOutputAndExitsWithAMessage) {
  fs::path d = scratch("full_disk");
  upres::data::save_png(noisy(64, 64, 4), (d / "in.png").string());  // x2: ~50 KB of PNG
  write_bytes(d / "out.png", kOld);
  CliRun r = run_limited(16, "upscale -m " + upres::testing::quoted(kModel) + " -i " + upres::testing::quoted(d / "in.png") + " -o " + upres::testing::quoted(d / "out.png"), d);
  EXPECT_EQ(r.code, 1) << "a signal (SIGXFSZ) or a crash instead of an error: " << r.code << "\n" << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("too large"), std::string::npos) << r.err;  // strerror(EFBIG)
  EXPECT_EQ(upres::testing::slurp(d / "out.png"), kOld);
  expect_no_temporaries(d);

  // Training under the same limit: the model file does not fit, the run reports it.
  make_training_folder(d / "hr");
  write_bytes(d / "m.safetensors", kOld);
  r = run_limited(1, "train --train " + upres::testing::quoted(d / "hr") +
                         " --arch espcn -s 2 --batch 2 --patch 8 --threads 1 --steps 2 --save-every 1 -o " +
                         upres::testing::quoted(d / "m.safetensors"),
                  d);
  EXPECT_GE(r.code, 1) << r.err;
  EXPECT_LT(r.code, 128) << r.err;
  EXPECT_NE(r.err.find("too large"), std::string::npos) << r.err;
  EXPECT_EQ(upres::testing::slurp(d / "m.safetensors"), kOld);
  expect_no_temporaries(d);
  fs::remove_all(d);
}

// SIGKILL at random moments of a run that writes its checkpoint every step: whatever
// .ckpt.safetensors is left must parse, and resuming from it must end bit-identical to
// an uninterrupted run (batches are a function of (seed, step)).
TEST(Faults, KilledWhileCheckpointingResumesToTheSameWeights) {
  fs::path d = scratch("kill");
  make_training_folder(d / "hr");
  const int steps = 40;
  const std::vector<std::string> common = {"train",   "--train", (d / "hr").string(), "--arch", "espcn", "-s", "2",
                                           "--hp",    "features=8,features2=4",       "--batch", "3",   "--patch",
                                           "8",       "--threads", "1",               "--seed", "7",     "--steps",
                                           std::to_string(steps), "--save-every",    "1",      "--log-every", "1000"};
  auto cmdline = [&](const std::vector<std::string>& extra) {
    std::string s;
    for (const auto& a : common) s += upres::testing::quoted(a) + " ";
    for (const auto& a : extra) s += upres::testing::quoted(a) + " ";
    return s;
  };
  CliRun full = run_upres(cmdline({"-o", (d / "full.safetensors").string()}), d);
  ASSERT_EQ(full.code, 0) << full.err;

  const fs::path ckpt = d / "cut.ckpt.safetensors";
  std::mt19937 gen(12345);
  int kills = 0, found = 0;
  std::string history;  // how each round ended, for the failure message
  bool finished = false;
  for (int round = 0; round < 5; ++round) {
    const bool had_ckpt = fs::exists(ckpt);
    const auto before = had_ckpt ? fs::last_write_time(ckpt) : fs::file_time_type{};
    std::vector<std::string> args = common;
    if (fs::exists(ckpt)) args.insert(args.end(), {"--resume", ckpt.string()});
    args.insert(args.end(), {"-o", (d / "cut.safetensors").string()});
    args.insert(args.begin(), UPRES_CLI);
    const pid_t pid = spawn_quiet(args);
    ASSERT_GE(pid, 0);
    // Wait until this run has written a new checkpoint (so each round makes progress),
    // then kill it a random few milliseconds later: during a step or a checkpoint write.
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!exited && std::chrono::steady_clock::now() < deadline) {
      std::error_code ec;
      auto t = fs::last_write_time(ckpt, ec);
      if (!ec && (!had_ckpt || t != before)) break;
      exited = ::waitpid(pid, &status, WNOHANG) == pid;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (!exited) {
      // 0..3 ms: about one step and its checkpoint write here (a busy machine only slows
      // the run, so the kill still lands before its end: 40 steps, one new one awaited).
      std::this_thread::sleep_for(std::chrono::microseconds(gen() % 3000));
      if (::waitpid(pid, &status, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ++kills;
      }
    }
    history += " round " + std::to_string(round) + ": " +
               (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                    : "exit " + std::to_string(WEXITSTATUS(status)));
    if (fs::exists(ckpt)) {
      ++found;
      upres::SafetensorsData st = upres::read_safetensors(ckpt.string());  // throws if torn
      EXPECT_TRUE(st.metadata.count("train.step")) << "round " << round;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {  // the run finished before the kill
      finished = true;
      break;
    }
  }
  EXPECT_GT(kills, 0) << "every run ended before it was killed; the test proves nothing:" << history;
  EXPECT_GT(found, 0) << "no checkpoint was ever written before a kill; the test proves nothing";
  // Finish from whatever checkpoint survived (or from scratch), then compare.
  if (!finished) {
    std::vector<std::string> extra;
    if (fs::exists(ckpt)) extra = {"--resume", ckpt.string()};
    extra.insert(extra.end(), {"-o", (d / "cut.safetensors").string()});
    CliRun last = run_upres(cmdline(extra), d);
    ASSERT_EQ(last.code, 0) << last.err;
  }
  expect_same_tensors(d / "full.safetensors", d / "cut.safetensors");
  expect_same_tensors(d / "full.ckpt.safetensors", ckpt);
  expect_no_temporaries(d / "hr");
  RecordProperty("kills", kills);
  fs::remove_all(d);
}

// Ctrl-C (or SIGTERM) while `upres upscale` streams a PNG: it stops at the next band,
// removes its temporary file, keeps the old output and exits 130. The signal is sent
// once the temporary file exists (the writing has begun); the run takes seconds
// (x8 ensemble over six bands), the signal arrives within milliseconds of the file.
TEST(Faults, InterruptedUpscaleLeavesNoTemporaryAndTheOldOutput) {
  for (int sig : {SIGINT, SIGTERM}) {
    fs::path d = scratch(sig == SIGINT ? "sigint" : "sigterm");
    Image img(200, 1400, 1);
    std::mt19937 gen(5);
    for (float& v : img.pixels) v = static_cast<float>(gen() % 256) / 255.0f;
    upres::data::save_png(img, (d / "in.png").string());
    write_bytes(d / "out.png", kOld);
    const std::string exe = UPRES_CLI, in = (d / "in.png").string(), out = (d / "out.png").string();
    const pid_t pid =
        spawn_quiet({exe, "upscale", "-i", in, "-o", out, "-m", kModel, "--ensemble", "--threads", "1"});
    ASSERT_GE(pid, 0);
    int status = 0;
    bool exited = false, started = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!started && !exited && std::chrono::steady_clock::now() < deadline) {
      for (auto& e : fs::directory_iterator(d))
        started = started || e.path().filename().string().find(".tmp-") != std::string::npos;
      if (!started) {
        exited = ::waitpid(pid, &status, WNOHANG) == pid;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    }
    ASSERT_TRUE(started) << "the upscale never began writing";
    ::kill(pid, sig);
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    EXPECT_EQ(WEXITSTATUS(status), 130) << "0 would mean the run ended before the signal: make it longer";
    std::ifstream f(out, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(f), {}), kOld);
    expect_no_temporaries(d);
    fs::remove_all(d);
  }
}
