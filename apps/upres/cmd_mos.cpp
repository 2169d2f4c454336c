// cmd_mos.cpp - `upres mos make|summarize`: the mean-opinion-score kit.
//
//   upres mos make --method NAME=DIR [--method NAME=DIR ...] [--reference DIR]
//                  -o page.html [--seed S] [--crop N] [--title TEXT]
//     Matches the image files of the method folders by file name (each folder
//     must hold every name; the error names the file and the folder missing
//     it), optionally cuts the centre N x N window of each, and writes one
//     self-contained HTML page of blind, randomised 1-5 rating trials
//     (apps/upres/mos.h) whose "Download CSV" button saves the ratings.
//   upres mos summarize ratings.csv [more.csv ...] [--json]
//     MOS per method with its 95% t confidence interval (metrics/mos.h),
//     highest first; the ratings of all files are pooled.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "apps/upres/cli.h"
#include "apps/upres/mos.h"
#include "engine/error.h"
#include "engine/fileio.h"
#include "engine/json.h"
#include "metrics/mos.h"

namespace upres::cli {

namespace {

namespace fs = std::filesystem;

const std::vector<OptionSpec> kMakeSpecs = {
    {"method", "", true, "NAME=DIR: a method's outputs (repeat for each method)"},
    {"reference", "", true, "folder of reference (HR) images shown beside each trial"},
    {"output", "o", true, "the HTML page to write"},
    {"seed", "", true, "seed of the trial order and the method codes (default 1)"},
    {"crop", "", true, "show only the centre N x N window of each image (default: whole images)"},
    {"title", "", true, "the page's title (default 'upres MOS')"},
    {"help", "h", false, "show this help"},
};
const std::vector<OptionSpec> kSummarizeSpecs = {
    {"json", "", false, "print one JSON object instead of the table"},
    {"help", "h", false, "show this help"},
};

const char* kUsage =
    "usage: upres mos make --method NAME=DIR [--method NAME=DIR ...] [--reference DIR] -o page.html\n"
    "                      [--seed S] [--crop N] [--title TEXT]\n"
    "       upres mos summarize ratings.csv [more.csv ...] [--json]\n";

bool is_image_file(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp" || e == ".tga";
}

std::set<std::string> image_names(const std::string& dir, const std::string& what) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(what + " '" + dir + "' is not a folder");
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && is_image_file(e.path())) names.insert(e.path().filename().string());
  return names;
}

data::Image centre_crop(const data::Image& img, int n) {
  if (n <= 0) return img;
  const int h = std::min(n, img.height), w = std::min(n, img.width);
  return data::crop(img, (img.height - h) / 2, (img.width - w) / 2, h, w);
}

int mos_make(int argc, char** argv) {
  // --method repeats, which Args (one value per name) does not keep: take them out first.
  std::vector<std::pair<std::string, std::string>> methods;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], v;
    if (a == "--method") {
      if (i + 1 >= argc) throw UsageError("option '--method' needs a value NAME=DIR");
      v = argv[++i];
    } else if (a.rfind("--method=", 0) == 0) {
      v = a.substr(9);
    } else {
      rest.push_back(argv[i]);
      continue;
    }
    const size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
      throw UsageError("--method '" + v + "': expected NAME=DIR, e.g. --method espcn=out/espcn");
    const std::string name = v.substr(0, eq);
    for (const auto& m : methods)
      if (m.first == name) throw UsageError("--method: the name '" + name + "' is given twice");
    methods.emplace_back(name, v.substr(eq + 1));
  }
  Args a(kMakeSpecs, static_cast<int>(rest.size()), rest.data(), 1);
  if (a.has("help")) {
    std::cout << kUsage << "\nWrites a self-contained HTML page of blind, randomised 1-5 rating trials.\n\n"
              << describe_options(kMakeSpecs);
    return 0;
  }
  if (methods.empty()) throw UsageError("mos make needs at least one --method NAME=DIR");
  const std::string out = a.require("output");
  mos::MosPage page;
  page.seed = static_cast<uint64_t>(a.get_int("seed", 1, 0, (1ll << 62)));
  const int crop = static_cast<int>(a.get_int("crop", 0, 1, 1 << 16));
  page.title = a.get("title", page.title);

  // The names: the union over the folders, each of which must hold them all.
  std::set<std::string> all;
  std::vector<std::set<std::string>> found;
  for (const auto& [name, dir] : methods) {
    found.push_back(image_names(dir, "--method " + name + ": the folder"));
    all.insert(found.back().begin(), found.back().end());
  }
  if (all.empty()) UPRES_FAIL("mos make: no image files (.png, .jpg, .jpeg, .bmp, .tga) in the method folders");
  for (size_t m = 0; m < methods.size(); ++m)
    for (const std::string& n : all)
      UPRES_CHECK(found[m].count(n), "mos make: method '", methods[m].first, "' has no image '", n,
                  "' (missing in the folder '", methods[m].second, "'; the other methods have it)");
  std::set<std::string> refs;
  if (a.has("reference")) {
    refs = image_names(a.get("reference"), "--reference");
    for (const std::string& n : all)
      UPRES_CHECK(refs.count(n), "mos make: the reference folder '", a.get("reference"), "' has no image '", n, "'");
  }

  page.images.assign(all.begin(), all.end());
  for (const auto& [name, dir] : methods) {
    page.methods.push_back(name);
    page.outputs.emplace_back();
    for (const std::string& n : page.images) {
      data::Image img = data::load_image((fs::path(dir) / n).string());
      page.outputs.back().push_back(centre_crop(img, crop));
    }
  }
  for (size_t i = 0; i < page.images.size(); ++i) {
    const data::Image& first = page.outputs[0][i];
    for (size_t m = 1; m < methods.size(); ++m) {
      const data::Image& o = page.outputs[m][i];
      UPRES_CHECK(o.width == first.width && o.height == first.height, "mos make: '", page.images[i], "' is ",
                  first.width, "x", first.height, " for method '", methods[0].first, "' but ", o.width, "x", o.height,
                  " for '", methods[m].first, "'; expected equal sizes");
    }
    if (a.has("reference")) {
      data::Image r = centre_crop(data::load_image((fs::path(a.get("reference")) / page.images[i]).string()), crop);
      UPRES_CHECK(r.width == first.width && r.height == first.height, "mos make: the reference '", page.images[i],
                  "' is ", r.width, "x", r.height, " but the methods' image is ", first.width, "x", first.height);
      page.reference.push_back(std::move(r));
    }
  }
  write_file_atomic(out, mos::render_mos_page(page));
  std::cerr << "mos make: " << page.images.size() * methods.size() << " trials (" << page.images.size()
            << " images x " << methods.size() << " methods) in '" << out << "'\n";
  return 0;
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

json::Value json_number(double v) { return std::isfinite(v) ? json::Value(v) : json::Value(nullptr); }

int mos_summarize(int argc, char** argv) {
  std::vector<char*> rest{argv[0]};
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.size() > 1 && a[0] == '-') rest.push_back(argv[i]);
    else files.push_back(a);
  }
  Args a(kSummarizeSpecs, static_cast<int>(rest.size()), rest.data(), 1);
  if (a.has("help")) {
    std::cout << kUsage << "\nMOS per method with its 95% confidence interval (Student's t), highest first.\n\n"
              << describe_options(kSummarizeSpecs);
    return 0;
  }
  if (files.empty()) throw UsageError("mos summarize needs at least one ratings CSV file");
  std::vector<metrics::Rating> ratings;
  for (const std::string& f : files) {
    std::vector<metrics::Rating> r = metrics::parse_ratings_csv(read_file(f, 256ull << 20), f);
    ratings.insert(ratings.end(), r.begin(), r.end());
  }
  UPRES_CHECK(!ratings.empty(), "mos summarize: the files hold no ratings");
  const std::vector<metrics::MethodMos> mos = metrics::mean_opinion_scores(ratings);
  if (a.has("json")) {
    json::Value o = json::Value::object(), list = json::Value::array();
    for (const metrics::MethodMos& m : mos) {
      json::Value e = json::Value::object();
      e.set("method", m.method);
      e.set("n", m.n);
      e.set("mos", m.mos);
      e.set("sd", json_number(m.sd));
      e.set("ci_low", json_number(m.ci_low));
      e.set("ci_high", json_number(m.ci_high));
      e.set("half_width", json_number(m.half_width));
      list.push_back(std::move(e));
    }
    o.set("ratings", static_cast<int64_t>(ratings.size()));
    o.set("methods", std::move(list));
    std::cout << json::dump(o) << "\n";
    return 0;
  }
  size_t width = 6;
  for (const metrics::MethodMos& m : mos) width = std::max(width, m.method.size());
  auto pad = [](std::string s, size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); };
  std::cout << pad("method", width + 2) << pad("n", 7) << pad("MOS", 7) << "95% CI\n";
  for (const metrics::MethodMos& m : mos)
    std::cout << pad(m.method, width + 2) << pad(std::to_string(m.n), 7) << pad(fixed(m.mos, 3), 7)
              << (std::isfinite(m.half_width) ? "[" + fixed(m.ci_low, 3) + ", " + fixed(m.ci_high, 3) + "] +-" +
                                                    fixed(m.half_width, 3)
                                              : std::string("n/a (one rating)"))
              << "\n";
  return 0;
}

}  // namespace

int cmd_mos(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    (argc < 2 ? std::cerr : std::cout) << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  if (sub == "make") return mos_make(argc - 1, argv + 1);
  if (sub == "summarize") return mos_summarize(argc - 1, argv + 1);
  throw UsageError("mos: unknown subcommand '" + sub + "' (expected make or summarize)");
}

}  // namespace upres::cli
