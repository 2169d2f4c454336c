// degrade_parse.cpp - the pipeline string parser (grammar in degrade.h).
//
// Every token keeps its character offset into the original string, so an error
// can say exactly where the string went wrong:
//   pipeline "blur:sigma=1.2,resize:bicubc": token 'bicubc' at position 22: unknown
//   resize kernel; expected bicubic, bilinear or nearest
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "data/degrade.h"
#include "engine/error.h"

namespace upres::data {

namespace {

struct Token {
  std::string text;
  size_t pos = 0;  // offset of text[0] in the spec
};

struct Arg {
  Token key;    // empty text for a positional argument
  Token value;
};

struct RawStep {
  Token name;
  std::vector<Arg> args;
  size_t begin = 0, end = 0;  // the step's span in the spec
};

const char* const kStepNames[] = {"blur", "resize", "noise", "jpeg", "quantize"};

bool is_step_name(const std::string& s) {
  for (const char* n : kStepNames)
    if (s == n) return true;
  return false;
}

[[noreturn]] void fail(const std::string& spec, const Token& t, const std::string& what) {
  UPRES_FAIL("pipeline \"", spec, "\": token '", t.text, "' at position ", t.pos, ": ", what);
}

// [begin, end) trimmed of spaces, as a token.
Token trimmed(const std::string& spec, size_t begin, size_t end) {
  while (begin < end && std::isspace(static_cast<unsigned char>(spec[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(spec[end - 1]))) --end;
  return Token{spec.substr(begin, end - begin), begin};
}

// Splits [begin, end) at `sep`, keeping offsets.
std::vector<Token> split(const std::string& spec, size_t begin, size_t end, char sep) {
  std::vector<Token> out;
  size_t start = begin;
  for (size_t i = begin; i <= end; ++i)
    if (i == end || spec[i] == sep) {
      out.push_back(trimmed(spec, start, i));
      start = i + 1;
    }
  return out;
}

Arg parse_arg(const std::string& spec, const Token& t) {
  if (t.text.empty()) fail(spec, t, "empty argument; expected VALUE or KEY=VALUE after ':'");
  const size_t eq = t.text.find('=');
  if (eq == std::string::npos) return Arg{Token{"", t.pos}, t};
  Arg a{trimmed(spec, t.pos, t.pos + eq), trimmed(spec, t.pos + eq + 1, t.pos + t.text.size())};
  if (a.key.text.empty()) fail(spec, t, "missing key before '='; expected KEY=VALUE");
  if (a.value.text.empty()) fail(spec, t, "missing value after '='; expected KEY=VALUE");
  return a;
}

double number(const std::string& spec, const Token& t, const char* what, double lo, double hi) {
  errno = 0;
  char* endp = nullptr;
  const double v = std::strtod(t.text.c_str(), &endp);
  if (t.text.empty() || *endp != '\0' || errno != 0 || !std::isfinite(v))
    fail(spec, t, std::string("not a number; expected ") + what);
  if (v < lo || v > hi) fail(spec, t, detail::str("out of range; expected ", what, " in [", lo, ", ", hi, "]"));
  return v;
}

int integer(const std::string& spec, const Token& t, const char* what, int lo, int hi) {
  const double v = number(spec, t, what, lo, hi);
  if (v != std::floor(v)) fail(spec, t, std::string("not an integer; expected ") + what);
  return static_cast<int>(v);
}

// The arguments of one step: which keys it accepts and which key a positional
// argument stands for (by order).
struct ArgReader {
  const std::string& spec;
  const RawStep& step;
  std::vector<std::string> positional;  // names of positional slots, in order
  std::vector<std::string> keys;        // every accepted key

  // (key, value) pairs with positional ones named; checks unknown and repeated keys.
  std::vector<std::pair<std::string, Token>> read() const {
    std::vector<std::pair<std::string, Token>> out;
    size_t next_pos = 0;
    for (const Arg& a : step.args) {
      std::string key = a.key.text;
      if (key.empty()) {
        if (next_pos >= positional.size())
          fail(spec, a.value,
               detail::str("unexpected argument to '", step.name.text, "'; expected ", expected_keys()));
        key = positional[next_pos++];
      } else {
        bool known = false;
        for (const std::string& k : keys) known = known || k == key;
        if (!known) fail(spec, a.key, detail::str("unknown key for '", step.name.text, "'; expected ", expected_keys()));
      }
      for (const auto& kv : out)
        if (kv.first == key) fail(spec, a.key.text.empty() ? a.value : a.key, "'" + key + "' given twice");
      out.emplace_back(key, a.value);
    }
    return out;
  }
  std::string expected_keys() const {
    std::string s;
    for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + keys[i] + "=...";
    return keys.empty() ? "no arguments" : s;
  }
};

DegradeStep make_step(const std::string& spec, const RawStep& raw) {
  DegradeStep st;
  st.text = spec.substr(raw.begin, raw.end - raw.begin);
  const std::string& name = raw.name.text;
  if (name == "blur") {
    st.kind = DegradeStep::Kind::blur;
    ArgReader r{spec, raw, {"sigma"}, {"sigma", "sigma_x", "sigma_y", "theta", "size"}};
    double sigma = 0, sx = 0, sy = 0;
    for (auto& [k, v] : r.read()) {
      if (k == "sigma") sigma = number(spec, v, "a blur sigma in pixels", 1e-3, 50);
      if (k == "sigma_x") sx = number(spec, v, "sigma_x in pixels", 1e-3, 50);
      if (k == "sigma_y") sy = number(spec, v, "sigma_y in pixels", 1e-3, 50);
      if (k == "theta") st.theta_deg = number(spec, v, "theta in degrees", -360, 360);
      if (k == "size") {
        st.kernel_size = integer(spec, v, "an odd kernel size", 1, 301);
        if (st.kernel_size % 2 == 0) fail(spec, v, "even kernel size; expected an odd size");
      }
    }
    if (sigma > 0 && (sx > 0 || sy > 0))
      fail(spec, raw.name, "both sigma and sigma_x/sigma_y given; expected one or the other");
    if (sigma > 0) sx = sy = sigma;
    if (sx == 0 && sy == 0) fail(spec, raw.name, "blur needs a width; expected blur:sigma=S or blur:sigma_x=A:sigma_y=B");
    st.sigma_x = sx > 0 ? sx : sy;
    st.sigma_y = sy > 0 ? sy : sx;
  } else if (name == "resize") {
    st.kind = DegradeStep::Kind::resize;
    ArgReader r{spec, raw, {"kernel"}, {"kernel"}};
    for (auto& [k, v] : r.read()) {
      const std::string& n = v.text;
      if (n == "bicubic" || n == "cubic") st.resize_kernel = ResizeKernel::bicubic;
      else if (n == "bilinear" || n == "linear") st.resize_kernel = ResizeKernel::bilinear;
      else if (n == "nearest" || n == "box") st.resize_kernel = ResizeKernel::nearest;
      else fail(spec, v, "unknown resize kernel; expected bicubic, bilinear or nearest");
    }
  } else if (name == "noise") {
    if (raw.args.empty() || !raw.args[0].key.text.empty())
      fail(spec, raw.name, "noise needs a type first; expected noise:gauss:SIGMA or noise:poisson");
    const Token& type = raw.args[0].value;
    RawStep rest = raw;
    rest.args.erase(rest.args.begin());
    if (type.text == "gauss" || type.text == "gaussian") {
      st.kind = DegradeStep::Kind::gauss_noise;
      bool have = false;
      for (auto& [k, v] : ArgReader{spec, rest, {"sigma"}, {"sigma"}}.read())
        st.noise_sigma = number(spec, v, "a noise sigma in 8-bit units", 0, 255), have = true;
      if (!have) fail(spec, type, "Gaussian noise needs a sigma; expected noise:gauss:SIGMA (8-bit units)");
    } else if (type.text == "poisson") {
      st.kind = DegradeStep::Kind::poisson_noise;
      for (auto& [k, v] : ArgReader{spec, rest, {"peak"}, {"peak"}}.read())
        st.poisson_peak = number(spec, v, "a Poisson peak (photons at white)", 1e-3, 1e6);
    } else {
      fail(spec, type, "unknown noise type; expected gauss or poisson");
    }
  } else if (name == "jpeg") {
    st.kind = DegradeStep::Kind::jpeg;
    for (auto& [k, v] : ArgReader{spec, raw, {"q"}, {"q", "quality"}}.read())
      st.quality = integer(spec, v, "a JPEG quality", 1, 100);
  } else if (name == "quantize") {
    st.kind = DegradeStep::Kind::quantize;
    bool have = false;
    for (auto& [k, v] : ArgReader{spec, raw, {"bits"}, {"bits"}}.read())
      st.bits = integer(spec, v, "a number of bits", 1, 8), have = true;
    if (!have) fail(spec, raw.name, "quantize needs a bit depth; expected quantize:bits=B");
  } else {
    fail(spec, raw.name, "unknown step; expected blur, resize, noise, jpeg or quantize");
  }
  return st;
}

}  // namespace

const char* default_degrade_pipeline() { return "resize:bicubic"; }

DegradePipeline parse_degrade_pipeline(const std::string& spec) {
  if (trimmed(spec, 0, spec.size()).text.empty())
    UPRES_FAIL("pipeline \"", spec, "\" is empty; expected steps such as \"", default_degrade_pipeline(), "\"");
  std::vector<RawStep> raws;
  for (const Token& piece : split(spec, 0, spec.size(), ',')) {
    if (piece.text.empty()) fail(spec, piece, "empty step (two commas, or a comma at an end); expected a step");
    const size_t colon = piece.text.find(':'), eq = piece.text.find('=');
    // "KEY=VALUE" with no ':' before the '=' and KEY not a step: continues the previous step.
    if (eq != std::string::npos && (colon == std::string::npos || eq < colon) &&
        !is_step_name(trimmed(spec, piece.pos, piece.pos + eq).text)) {
      if (raws.empty()) fail(spec, piece, "an argument before any step; expected a step name first");
      for (const Token& t : split(spec, piece.pos, piece.pos + piece.text.size(), ':'))
        raws.back().args.push_back(parse_arg(spec, t));
      raws.back().end = piece.pos + piece.text.size();
      continue;
    }
    std::vector<Token> parts = split(spec, piece.pos, piece.pos + piece.text.size(), ':');
    RawStep raw;
    raw.name = parts[0];
    raw.begin = piece.pos;
    raw.end = piece.pos + piece.text.size();
    if (raw.name.text.empty()) fail(spec, piece, "missing step name; expected blur, resize, noise, jpeg or quantize");
    for (size_t i = 1; i < parts.size(); ++i) raw.args.push_back(parse_arg(spec, parts[i]));
    raws.push_back(raw);
  }
  DegradePipeline p;
  int resizes = 0;
  for (const RawStep& raw : raws) {
    p.steps.push_back(make_step(spec, raw));
    if (p.steps.back().kind == DegradeStep::Kind::resize && ++resizes > 1)
      fail(spec, raw.name, "a second resize step; expected at most one (it downscales by the scale)");
  }
  return p;
}

}  // namespace upres::data
