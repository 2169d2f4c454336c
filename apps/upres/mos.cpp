// mos.cpp - the blind rating page of `upres mos make` (see mos.h).
#include "apps/upres/mos.h"

#include <cstdio>
#include <set>

#include "apps/upres/html.h"
#include "engine/error.h"
#include "engine/json.h"

namespace upres::mos {

namespace {

// splitmix64: a tiny, well-mixed 64-bit generator (Steele, Lea, Flood 2014).
struct SplitMix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n): the remainder's bias is below n / 2^64, invisible here.
  uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace

std::vector<Trial> trial_order(int images, int methods, uint64_t seed) {
  std::vector<Trial> t;
  for (int i = 0; i < images; ++i)
    for (int m = 0; m < methods; ++m) t.push_back({i, m});
  SplitMix rng{seed};
  for (size_t i = t.size(); i > 1; --i) std::swap(t[i - 1], t[rng.below(i)]);
  return t;
}

std::vector<std::string> method_codes(int methods, uint64_t seed) {
  SplitMix rng{seed ^ 0x6D6F73636F646573ull};  // "moscodes": a stream apart from the order's
  std::set<std::string> used;
  std::vector<std::string> codes;
  while (static_cast<int>(codes.size()) < methods) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06llx", static_cast<unsigned long long>(rng.next() & 0xFFFFFF));
    if (used.insert(buf).second) codes.push_back(buf);
  }
  return codes;
}

namespace {

const char* kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
#trial { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
figure { margin: 0; } figcaption { text-align: center; font-size: 0.9em; }
#trial img { image-rendering: pixelated; max-width: 45vw; }
#scores button { font-size: 1.3em; width: 2.6em; margin-right: 0.3em; }
#progress { font-weight: bold; }
)";

// The session: show trial `at`, record a score with its time, export CSV.
const char* kScript = R"(
(function () {
  var D = JSON.parse(document.getElementById('mos-data').textContent);
  var stage = document.getElementById('stage'), progress = document.getElementById('progress');
  var results = [], at = 0, shownAt = 0;

  function figure(src, caption) {
    var f = document.createElement('figure'), img = document.createElement('img'), c = document.createElement('figcaption');
    img.src = src;
    img.alt = caption;
    c.textContent = caption;
    f.appendChild(img);
    f.appendChild(c);
    return f;
  }
  function show() {
    progress.textContent = Math.min(at + 1, D.trials.length) + ' / ' + D.trials.length + ' (rated ' + results.length + ')';
    if (at >= D.trials.length) {
      var done = document.createElement('p');
      done.id = 'done';
      done.textContent = 'All ' + D.trials.length + ' trials are rated: enter your rater id and press Download CSV.';
      stage.replaceChildren(done);
      return;
    }
    var t = D.trials[at], box = document.createElement('div');
    box.id = 'trial';
    if (D.refs.length) box.appendChild(figure(D.refs[t.image], 'reference'));
    box.appendChild(figure(D.srcs[t.src], 'rate this image (1 bad ... 5 excellent)'));
    stage.replaceChildren(box);
    shownAt = performance.now();
  }
  function rate(score) {
    if (at >= D.trials.length) return;
    var t = D.trials[at];
    results.push({image: D.images[t.image], code: t.code, score: score, trial: at + 1,
                  time: Math.round(performance.now() - shownAt)});
    at += 1;
    show();
  }
  // RFC 4180 quoting; a leading '#' is quoted too, so no row reads as a comment.
  function field(v) {
    var s = String(v);
    return /[",\r\n]|^#/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csv() {
    var rater = document.getElementById('rater').value.trim() || 'anonymous';
    var lines = D.codes.map(function (c) { return '#code,' + field(c[0]) + ',' + field(c[1]); });
    lines.push('rater,image,method,score,trial,time_ms');
    results.forEach(function (r) {
      lines.push([rater, r.image, r.code, r.score, r.trial, r.time].map(field).join(','));
    });
    return lines.join('\n') + '\n';
  }
  document.getElementById('download').addEventListener('click', function () {
    var blob = new Blob([csv()], {type: 'text/csv'});
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'ratings-' + (document.getElementById('rater').value.trim() || 'anonymous') + '.csv';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  document.querySelectorAll('#scores button').forEach(function (b) {
    b.addEventListener('click', function () { rate(Number(b.dataset.score)); });
  });
  document.addEventListener('keydown', function (e) {
    if (e.target.tagName === 'INPUT') return;
    if (e.key >= '1' && e.key <= '5') rate(Number(e.key));
  });
  show();
})();
)";

}  // namespace

std::string render_mos_page(const MosPage& p) {
  const int M = static_cast<int>(p.methods.size()), N = static_cast<int>(p.images.size());
  UPRES_CHECK(M > 0 && N > 0, "mos page: needs at least one method and one image, got ", M, " methods and ", N,
              " images");
  UPRES_CHECK(static_cast<int>(p.outputs.size()) == M, "mos page: ", M, " methods but ", p.outputs.size(),
              " lists of outputs");
  UPRES_CHECK(p.reference.empty() || static_cast<int>(p.reference.size()) == N, "mos page: ", N, " images but ",
              p.reference.size(), " references");
  for (int m = 0; m < M; ++m)
    UPRES_CHECK(static_cast<int>(p.outputs[m].size()) == N, "mos page: method '", p.methods[m], "' has ",
                p.outputs[m].size(), " images, expected ", N);

  const std::vector<std::string> codes = method_codes(M, p.seed);
  json::Value d = json::Value::object();
  json::Value names = json::Value::array(), srcs = json::Value::array(), refs = json::Value::array(),
              key = json::Value::array(), trials = json::Value::array();
  for (const std::string& n : p.images) names.push_back(n);
  for (int m = 0; m < M; ++m) {
    for (int i = 0; i < N; ++i) srcs.push_back(html::png_data_uri(p.outputs[m][i]));  // src index m * N + i
    key.push_back(json::Value::array({codes[m], p.methods[m]}));
  }
  for (const data::Image& r : p.reference) refs.push_back(html::png_data_uri(r));
  for (const Trial& t : trial_order(N, M, p.seed)) {
    json::Value o = json::Value::object();
    o.set("image", t.image);
    o.set("code", codes[t.method]);
    o.set("src", t.method * N + t.image);
    trials.push_back(std::move(o));
  }
  d.set("images", std::move(names));
  d.set("codes", std::move(key));
  d.set("trials", std::move(trials));
  d.set("srcs", std::move(srcs));
  d.set("refs", std::move(refs));
  // Inside <script>, "</script>" in a name would end the block: '<' is only ever
  // inside JSON strings, where \u003c means the same character.
  std::string data_json;
  for (char c : json::dump(d)) data_json += c == '<' ? std::string("\\u003c") : std::string(1, c);

  std::string o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                  html::escape(p.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  o += "<h1>" + html::escape(p.title) + "</h1>\n";
  o += "<p>Rate each image from 1 (bad) to 5 (excellent)" +
       std::string(p.reference.empty() ? "" : ", judged against the reference beside it") +
       ". Press a button or the keys 1-5. The method is hidden and the order is random.</p>\n";
  o += "<p>Rater id <input id=\"rater\" type=\"text\" size=\"16\"> <button id=\"download\">Download CSV</button> "
       "<span id=\"progress\"></span></p>\n";
  o += "<div id=\"scores\">";
  for (int s = 1; s <= 5; ++s)
    o += "<button data-score=\"" + std::to_string(s) + "\">" + std::to_string(s) + "</button>";
  o += "</div>\n<div id=\"stage\"></div>\n";
  o += "<script type=\"application/json\" id=\"mos-data\">" + data_json + "</script>\n";
  o += std::string("<script>") + kScript + "</script>\n</body>\n</html>\n";
  return o;
}

}  // namespace upres::mos
