// mos.h - mean opinion score (MOS): the subjective metric of super-resolution
// papers. Raters score each (image, method) pair from 1 (bad) to 5 (excellent);
// a method's MOS is the mean of its scores, reported with a 95% confidence
// interval from Student's t distribution:
//     MOS +- t_{0.975, n-1} * sd / sqrt(n),   sd the sample standard deviation
// (n - 1 in the denominator). With n = 1 there is no spread estimate: the
// interval is unknown (NaN).
//
// The ratings come as CSV (written by the page of `upres mos make`): a header
//     rater,image,method,score,trial,time_ms
// then one row per rating. Lines starting with '#' are comments, except
//     #code,CODE,METHOD
// which declares that the opaque CODE in the method column means METHOD (the
// page hides which method made an image; its export appends this table so the
// summary can name them). Fields may be quoted ("a,b" and "" for a quote).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace upres::metrics {

// Student's t distribution with `df` > 0 degrees of freedom (df may be fractional).
// CDF via the regularised incomplete beta function:
//   P(T <= t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2   for t >= 0, symmetric below.
double student_t_cdf(double t, double df);
// The quantile: the t with student_t_cdf(t, df) = p, for p in (0, 1); found by
// bisection on the CDF to ~1e-12 relative (t_{0.975,1} = 12.7062, t_{0.975,9} = 2.2622).
double student_t_quantile(double p, double df);

struct Rating {
  std::string rater, image, method;  // method: decoded (a code table's name, else the cell)
  int score = 0;                     // 1..5
  int64_t trial = 0;
  double time_ms = 0;
};

// Parses one ratings file's text; `name` (the file name) is used in errors,
// which name the line: "ratings.csv line 7: score '6' is not an integer 1 to 5".
std::vector<Rating> parse_ratings_csv(const std::string& text, const std::string& name);

struct MethodMos {
  std::string method;
  int64_t n = 0;
  double mos = 0, sd = 0;
  double half_width = 0;         // t_{0.975, n-1} * sd / sqrt(n); NaN when n < 2
  double ci_low = 0, ci_high = 0;  // mos -+ half_width
};

// MOS per method, sorted by MOS, highest first (ties: by name).
std::vector<MethodMos> mean_opinion_scores(const std::vector<Rating>& ratings);

}  // namespace upres::metrics
