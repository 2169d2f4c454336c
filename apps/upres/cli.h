// cli.h - what the commands of the `upres` tool share: a tiny option parser,
// the usage-error type (exit code 2), and finding and loading model files.
//
// Exit codes: 0 success; 1 a runtime failure (a file missing, unreadable or
// corrupt, a model that does not fit); 2 a usage error (unknown option, bad
// value). Every message goes to stderr and names the file or value at fault.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/image.h"
#include "engine/module.h"
#include "engine/safetensors.h"
#include "inference/upscale.h"
#include "models/network.h"

namespace upres::cli {

// A mistake in the command line; main() prints it and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Options of one command: "--name VALUE" / "-n VALUE", or flags without a value.
struct OptionSpec {
  std::string name;        // long name without dashes: "input"
  std::string short_name;  // one letter without dash, or ""
  bool takes_value = true;
  std::string help;        // one line for --help
};

class Args {
 public:
  // Parses argv[first..argc); throws UsageError on an unknown option, a missing
  // value or a stray positional argument.
  Args(const std::vector<OptionSpec>& specs, int argc, char** argv, int first);
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::string require(const std::string& name) const;  // throws UsageError if absent
  // Numeric values, checked to lie in [lo, hi]; throws UsageError naming the option.
  long long get_int(const std::string& name, long long fallback, long long lo, long long hi) const;
  double get_double(const std::string& name, double fallback, double lo, double hi) const;

 private:
  std::map<std::string, std::string> values_;
};

// "  -i, --input VALUE   help" lines for the command's --help.
std::string describe_options(const std::vector<OptionSpec>& specs);

// A network read from a safetensors file, ready for inference.
struct LoadedModel {
  std::shared_ptr<models::SRNetwork> net;
  std::string arch;
  int64_t scale = 0, channels = 0;
  Metadata metadata;
  Device device = Device::cpu;  // where the weights live and the network runs (move_model)
};
// Reads the file, builds the architecture its metadata names ("arch"), or
// `arch` when given (files without upres metadata: hyperparameters are read off
// the tensors' shapes, models/load.h), and loads the weights strictly. Throws
// upres::Error naming the file and the problem.
LoadedModel load_model(const std::string& path, const std::string& arch = "");

// Models shipped as <name>_x<scale>.safetensors in the model folders (searched as
// inference/zoo.h describes), in model_zoo.cpp.
struct ShippedModel {
  std::string name;  // "espcn"
  int64_t scale = 0;
  std::string path;
};
std::vector<ShippedModel> shipped_models();  // every one found, first folder first
// `upres upscale -m NAME`: the file for a name and scale (scale 0: 2 if shipped,
// else the smallest). Throws UsageError listing what is shipped.
ShippedModel shipped_model(const std::string& name, int64_t scale);
// No -m: the best architecture shipped for the scale (model_zoo.cpp's ranking).
ShippedModel best_shipped_model(int64_t scale);

// The --device option (default "cpu"), in device_option.cpp. Throws UsageError for
// a value that names no device, upres::Error for one this process cannot use
// (cuda without a GPU); both name the value.
Device device_option(const Args& a);
// Moves the weights to `d` (Module::to); super_resolve then runs the network there.
void move_model(LoadedModel& m, Device d);

// Enlarge an image by the model's scale: inference::upscale (inference/upscale.h:
// luma models on Y with Cb, Cr and alpha by MATLAB-style bicubic, RGB models on
// RGB, tiling, self-ensemble) with the network on m.device (opt.device is set
// from it). Inference runs without autograd.
data::Image super_resolve(const LoadedModel& m, const data::Image& img, inference::UpscaleOptions opt = {});
// Every plane enlarged with the engine's bicubic upsampling (PyTorch's, a = -0.75), unclamped.
data::Image bicubic_upscale(const data::Image& img, int64_t scale);

// Commands. Each returns the process exit code.
int cmd_upscale(int argc, char** argv);  // argv[0] is "upscale"
int cmd_train(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_metrics(int argc, char** argv);  // apps/upres/cmd_metrics.cpp
int cmd_degrade(int argc, char** argv);  // apps/upres/cmd_degrade.cpp
int cmd_mos(int argc, char** argv);      // apps/upres/cmd_mos.cpp: make, summarize
int cmd_bench(int argc, char** argv);    // apps/upres/cmd_bench.cpp: timing, FLOPs, peak memory

}  // namespace upres::cli
