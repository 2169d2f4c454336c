// dbpn.cpp - D-DBPN's projection units, the dense wiring between them, and its
// registry entry (defaults, tiny override, shape inference).
#include "models/dbpn.h"

#include <string>

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::models {

DbpnProjection dbpn_projection(int64_t scale) {
  switch (scale) {
    case 2: return {6, 2, 2};
    case 4: return {8, 4, 2};
    case 8: return {12, 8, 2};
    default: break;
  }
  UPRES_FAIL("dbpn: scale ", scale, " has no projection kernel; expected 2, 4 or 8");
}

DbpnConvBlock::DbpnConvBlock(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, Rng& rng,
                             bool transposed, bool activation) {
  const ConvParams p = ConvParams::make(stride, padding);
  if (transposed)
    deconv = register_module("deconv", std::make_shared<nn::ConvTranspose2d>(in, out, kernel, rng, p));
  else
    conv = register_module("conv", std::make_shared<nn::Conv2d>(in, out, kernel, rng, p));
  if (activation) act = register_module("act", std::make_shared<nn::PReLU>(1));
}

Tensor DbpnConvBlock::forward(const Tensor& x) {
  Tensor y = conv ? conv->forward(x) : deconv->forward(x);
  return act ? act->forward(y) : y;
}

namespace {
std::shared_ptr<DbpnConvBlock> reduction(int64_t nr, int64_t in_units, Rng& rng) {
  return std::make_shared<DbpnConvBlock>(in_units * nr, nr, 1, 1, 0, rng);
}
void check_input(const char* unit, const Tensor& x, int64_t channels) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == channels, "dbpn ", unit, ": input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", channels, ", H, W]");
}
}  // namespace

DbpnUpProjection::DbpnUpProjection(int64_t nr, int64_t scale, int64_t in_units, Rng& rng) {
  UPRES_CHECK(nr >= 1 && in_units >= 1, "dbpn up-projection: nr ", nr, " and in_units ", in_units,
              " must be positive");
  const DbpnProjection g = dbpn_projection(scale);
  if (in_units > 1) conv = register_module("conv", reduction(nr, in_units, rng));
  up_conv1 = register_module("up_conv1", std::make_shared<DbpnConvBlock>(nr, nr, g.kernel, g.stride, g.padding, rng, true));
  up_conv2 = register_module("up_conv2", std::make_shared<DbpnConvBlock>(nr, nr, g.kernel, g.stride, g.padding, rng));
  up_conv3 = register_module("up_conv3", std::make_shared<DbpnConvBlock>(nr, nr, g.kernel, g.stride, g.padding, rng, true));
}

Tensor DbpnUpProjection::forward(const Tensor& x) {
  const int64_t nr = up_conv2->conv->weight.size(0);
  check_input("up-projection", x, conv ? conv->conv->weight.size(1) : nr);
  Tensor l = conv ? conv->forward(x) : x;
  Tensor h0 = up_conv1->forward(l);     // LR -> HR estimate
  Tensor l0 = up_conv2->forward(h0);    // ... and back down
  Tensor h1 = up_conv3->forward(l0 - l);  // the LR residual, lifted
  return h0 + h1;
}

DbpnDownProjection::DbpnDownProjection(int64_t nr, int64_t scale, int64_t in_units, Rng& rng) {
  UPRES_CHECK(nr >= 1 && in_units >= 1, "dbpn down-projection: nr ", nr, " and in_units ", in_units,
              " must be positive");
  const DbpnProjection g = dbpn_projection(scale);
  if (in_units > 1) conv = register_module("conv", reduction(nr, in_units, rng));
  down_conv1 = register_module("down_conv1", std::make_shared<DbpnConvBlock>(nr, nr, g.kernel, g.stride, g.padding, rng));
  down_conv2 = register_module("down_conv2", std::make_shared<DbpnConvBlock>(nr, nr, g.kernel, g.stride, g.padding, rng, true));
  down_conv3 = register_module("down_conv3", std::make_shared<DbpnConvBlock>(nr, nr, g.kernel, g.stride, g.padding, rng));
}

Tensor DbpnDownProjection::forward(const Tensor& x) {
  const int64_t nr = down_conv1->conv->weight.size(0);
  check_input("down-projection", x, conv ? conv->conv->weight.size(1) : nr);
  Tensor h = conv ? conv->forward(x) : x;
  Tensor l0 = down_conv1->forward(h);     // HR -> LR estimate
  Tensor h0 = down_conv2->forward(l0);    // ... and back up
  Tensor l1 = down_conv3->forward(h0 - h);  // the HR residual, brought down
  return l0 + l1;
}

Dbpn::Dbpn(const DbpnConfig& cfg, Rng& rng) : cfg_(cfg) {
  UPRES_CHECK(cfg.channels >= 1 && cfg.n0 >= 1 && cfg.nr >= 1 && cfg.stages >= 1, "dbpn: channels ",
              cfg.channels, ", n0 ", cfg.n0, ", nr ", cfg.nr, ", stages ", cfg.stages, " must all be positive");
  dbpn_projection(cfg.scale);  // checks the scale
  feat0 = register_module("feat0", std::make_shared<DbpnConvBlock>(cfg.channels, cfg.n0, 3, 1, 1, rng));
  feat1 = register_module("feat1", std::make_shared<DbpnConvBlock>(cfg.n0, cfg.nr, 1, 1, 0, rng));
  // Registered in the authors' order: up1, down1, up2, down2, ..., upT.
  for (int64_t t = 1; t <= cfg.stages; ++t) {
    const int64_t up_in = t >= 3 ? t - 1 : 1;  // up_t sees L_1 .. L_{t-1}; up1 sees L0
    ups.push_back(register_module("up" + std::to_string(t),
                                  std::make_shared<DbpnUpProjection>(cfg.nr, cfg.scale, up_in, rng)));
    if (t < cfg.stages)  // down_t sees H_1 .. H_t
      downs.push_back(register_module("down" + std::to_string(t),
                                      std::make_shared<DbpnDownProjection>(cfg.nr, cfg.scale, t, rng)));
  }
  output_conv = register_module("output_conv", std::make_shared<DbpnConvBlock>(cfg.stages * cfg.nr, cfg.channels, 3,
                                                                               1, 1, rng, false, false));
}

Tensor Dbpn::forward(const Tensor& x) {
  UPRES_CHECK(x.defined() && x.dim() == 4 && x.size(1) == cfg_.channels, "dbpn: input ",
              x.defined() ? x.describe() : std::string("(undefined)"), ", expected [N, ", cfg_.channels,
              ", H, W]");
  Tensor l = feat1->forward(feat0->forward(x));  // L0
  std::vector<Tensor> hs, ls;                     // newest first, as the authors concatenate
  for (int64_t t = 0; t < cfg_.stages; ++t) {
    Tensor up_in = t == 0 ? l : ls.size() == 1 ? ls[0] : concat(ls);
    hs.insert(hs.begin(), ups[t]->forward(up_in));
    if (t + 1 < cfg_.stages) {
      Tensor down_in = hs.size() == 1 ? hs[0] : concat(hs);
      ls.insert(ls.begin(), downs[t]->forward(down_in));
    }
  }
  return output_conv->forward(hs.size() == 1 ? hs[0] : concat(hs));
}

Hyper Dbpn::hyper() const {
  return {{"scale", std::to_string(cfg_.scale)},
          {"channels", std::to_string(cfg_.channels)},
          {"n0", std::to_string(cfg_.n0)},
          {"nr", std::to_string(cfg_.nr)},
          {"stages", std::to_string(cfg_.stages)}};
}

ArchSpec dbpn_arch() {
  ArchSpec a;
  a.name = "dbpn";
  a.family = "iterative up-and-down";
  a.reference = "Haris, Shakhnarovich and Ukita, Deep Back-Projection Networks for Super-Resolution, CVPR 2018";
  a.summary = "D-DBPN: alternating up- and down-projection units with dense connections (T = 7)";
  a.defaults = {{"scale", "2"}, {"channels", "3"}, {"n0", "256"}, {"nr", "64"}, {"stages", "7"}};
  a.tiny = {{"n0", "8"}, {"nr", "4"}, {"stages", "3"}};
  a.scales = {2, 4, 8};
  a.build = [](const Hyper& h, Rng& rng) -> std::shared_ptr<SRNetwork> {
    DbpnConfig c;
    c.scale = hyper_int(h, "dbpn", "scale", 2, 8);
    c.channels = hyper_int(h, "dbpn", "channels", 1, 4);
    c.n0 = hyper_int(h, "dbpn", "n0", 1, 4096);
    c.nr = hyper_int(h, "dbpn", "nr", 1, 4096);
    c.stages = hyper_int(h, "dbpn", "stages", 1, 64);
    return std::make_shared<Dbpn>(c, rng);
  };
  a.infer = [](const ShapeMap& s) {
    Hyper h;
    auto f0 = s.find("feat0.conv.weight"), f1 = s.find("feat1.conv.weight");
    if (f0 != s.end() && f0->second.size() == 4) {
      h["n0"] = std::to_string(f0->second[0]);
      h["channels"] = std::to_string(f0->second[1]);
    }
    if (f1 != s.end() && f1->second.size() == 4) h["nr"] = std::to_string(f1->second[0]);
    int64_t stages = 0;
    while (s.count("up" + std::to_string(stages + 1) + ".up_conv1.deconv.weight")) ++stages;
    if (stages > 0) h["stages"] = std::to_string(stages);
    auto d = s.find("up1.up_conv1.deconv.weight");
    if (d != s.end() && d->second.size() == 4)
      for (int64_t scale : {2, 4, 8})
        if (dbpn_projection(scale).kernel == d->second[2]) h["scale"] = std::to_string(scale);
    return h;
  };
  return a;
}

}  // namespace upres::models
