// mos.cpp - Student's t quantile, the ratings CSV and MOS with confidence
// intervals (see mos.h).
#include "metrics/mos.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/error.h"

namespace upres::metrics {

namespace {

// Continued fraction of the incomplete beta function (modified Lentz method):
//   I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * 1 / (1 + d1 / (1 + d2 / (1 + ...)))
// with d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)), d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)).
// It converges fast for x < (a+1)/(a+b+2); above, I_x(a,b) = 1 - I_{1-x}(b,a).
double beta_continued_fraction(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::abs(d) < tiny) d = tiny;
  d = 1 / d;
  double f = d;
  for (int m = 1; m <= 1000; ++m) {
    for (int odd = 0; odd < 2; ++odd) {
      const double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                             : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
      d = 1 + num * d;
      if (std::abs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (std::abs(c) < tiny) c = tiny;
      d = 1 / d;
      f *= c * d;
      if (odd && std::abs(c * d - 1) < 1e-15) return f;
    }
  }
  return f;
}

double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * beta_continued_fraction(b, a, 1 - x) / b;
}

}  // namespace

double student_t_cdf(double t, double df) {
  UPRES_CHECK(df > 0, "student_t_cdf: degrees of freedom must be positive, got ", df);
  if (std::isnan(t)) return t;
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  const double tail = 0.5 * regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

// Bisection: the CDF is increasing, so halve a bracket [lo, hi] that holds the
// answer; 200 halvings of the doubled bracket reach double precision.
double student_t_quantile(double p, double df) {
  UPRES_CHECK(p > 0 && p < 1, "student_t_quantile: p must lie in (0, 1), got ", p);
  UPRES_CHECK(df > 0, "student_t_quantile: degrees of freedom must be positive, got ", df);
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  if (p == 0.5) return 0;
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, df) < p && hi < 1e300) lo = hi, hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

namespace {

// One CSV line into fields: commas separate, a field in double quotes may hold
// commas, and "" inside it is one quote. Returns false on an unclosed quote.
bool split_csv(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"' && cur.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(cur);
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  fields.push_back(cur);
  return !quoted;
}

}  // namespace

std::vector<Rating> parse_ratings_csv(const std::string& text, const std::string& name) {
  static const std::vector<std::string> kColumns = {"rater", "image", "method", "score", "trial", "time_ms"};
  std::map<std::string, std::string> codes;
  struct Raw {
    Rating r;
    int line;
  };
  std::vector<Raw> raw;
  bool header_seen = false;
  std::vector<std::string> f;
  size_t pos = 0;
  for (int line_no = 1; pos < text.size(); ++line_no) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("#code,", 0) == 0) {
        UPRES_CHECK(split_csv(line, f) && f.size() == 3 && !f[1].empty() && !f[2].empty(), name, " line ", line_no,
                    ": a code line must be '#code,CODE,METHOD', got '", line, "'");
        UPRES_CHECK(!codes.count(f[1]) || codes[f[1]] == f[2], name, " line ", line_no, ": the code '", f[1],
                    "' is declared twice, as '", codes[f[1]], "' and '", f[2], "'");
        codes[f[1]] = f[2];
      }
      continue;
    }
    UPRES_CHECK(split_csv(line, f), name, " line ", line_no, ": a quoted field is not closed");
    if (!header_seen) {
      UPRES_CHECK(f == kColumns, name, " line ", line_no, ": expected the header 'rater,image,method,score,trial,time_ms', got '",
                  line, "'");
      header_seen = true;
      continue;
    }
    UPRES_CHECK(f.size() == kColumns.size(), name, " line ", line_no, ": expected 6 fields (", "rater,image,method,score,trial,time_ms), got ",
                f.size());
    Raw x{{}, line_no};
    x.r.rater = f[0], x.r.image = f[1], x.r.method = f[2];
    UPRES_CHECK(!x.r.method.empty(), name, " line ", line_no, ": the method field is empty");
    char* e = nullptr;
    const long score = std::strtol(f[3].c_str(), &e, 10);
    UPRES_CHECK(!f[3].empty() && *e == '\0' && score >= 1 && score <= 5, name, " line ", line_no, ": score '", f[3],
                "' is not an integer 1 to 5");
    x.r.score = static_cast<int>(score);
    if (!f[4].empty()) {
      x.r.trial = std::strtoll(f[4].c_str(), &e, 10);
      UPRES_CHECK(*e == '\0', name, " line ", line_no, ": trial '", f[4], "' is not an integer");
    }
    if (!f[5].empty()) {
      x.r.time_ms = std::strtod(f[5].c_str(), &e);
      UPRES_CHECK(*e == '\0' && std::isfinite(x.r.time_ms), name, " line ", line_no, ": time_ms '", f[5],
                  "' is not a number");
    }
    raw.push_back(x);
  }
  UPRES_CHECK(header_seen, name, ": no header line 'rater,image,method,score,trial,time_ms' (is it a ratings file?)");
  std::vector<Rating> out;
  out.reserve(raw.size());
  for (Raw& x : raw) {
    auto it = codes.find(x.r.method);
    if (it != codes.end()) x.r.method = it->second;
    out.push_back(std::move(x.r));
  }
  return out;
}

// Two passes per method (mean, then squared deviations) for a stable sd.
std::vector<MethodMos> mean_opinion_scores(const std::vector<Rating>& ratings) {
  std::map<std::string, std::vector<int>> by_method;
  for (const Rating& r : ratings) by_method[r.method].push_back(r.score);
  std::vector<MethodMos> out;
  for (const auto& [method, scores] : by_method) {
    MethodMos m;
    m.method = method;
    m.n = static_cast<int64_t>(scores.size());
    double sum = 0;
    for (int s : scores) sum += s;
    m.mos = sum / m.n;
    double ss = 0;
    for (int s : scores) ss += (s - m.mos) * (s - m.mos);
    if (m.n >= 2) {
      m.sd = std::sqrt(ss / (m.n - 1));
      m.half_width = student_t_quantile(0.975, static_cast<double>(m.n - 1)) * m.sd / std::sqrt(double(m.n));
    } else {
      m.sd = m.half_width = std::numeric_limits<double>::quiet_NaN();
    }
    m.ci_low = m.mos - m.half_width, m.ci_high = m.mos + m.half_width;
    out.push_back(m);
  }
  std::stable_sort(out.begin(), out.end(), [](const MethodMos& a, const MethodMos& b) { return a.mos > b.mos; });
  return out;
}

}  // namespace upres::metrics
