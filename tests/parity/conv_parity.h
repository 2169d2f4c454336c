// conv_parity.h - the convolution kernels of a GPU backend (simt or cuda) against the cpu ones,
// shared by tests/parity (simt, every scheduling order) and tests/gpu (cuda, label gpu).
//
// A table of small odd shapes covers kernel 1/3/5 (and 3x5), stride 1/2, padding 0/1/2,
// dilation 1/2, groups 1/3/13 (depthwise), 1 and 13 channels, batch 2, a Cout above one
// 64-row tile, a transposed-convolution geometry with output_padding (input rows no window
// reads), and enough pixels for several split-K slices of backward_weight. Each case runs
// every kernel: forward (implicit GEMM and im2col + cuBLAS), backward_data, backward_weight,
// backward_bias, channel_bias_add.
//
// Tolerance: relative error below 1e-5, measured as |got - cpu| <= 1e-5 * max(|cpu|, rms),
// rms being the root mean square of the cpu output: the sums run in a different order
// (and, on the GPU, with FMA contraction), so an output that cancels to near 0 is judged
// against the size of its neighbours rather than its own. channel_bias_add is exact.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "kernels/cpu/conv.h"
#include "parity/parity.h"

namespace upres::testing::parity {

struct ConvKernels {
  decltype(&cpu::conv2d_forward) forward;
  decltype(&cpu::conv2d_forward_gemm) forward_gemm;
  decltype(&cpu::conv2d_backward_data) backward_data;
  decltype(&cpu::conv2d_backward_weight) backward_weight;
  decltype(&cpu::conv2d_backward_bias) backward_bias;
  decltype(&cpu::channel_bias_add) channel_bias_add;
  decltype(&cpu::channel_sum) channel_sum;
};

#define UPRES_CONV_KERNELS(ns)                                                                \
  ::upres::testing::parity::ConvKernels {                                                     \
    &ns::conv2d_forward, &ns::conv2d_forward_gemm, &ns::conv2d_backward_data,                 \
        &ns::conv2d_backward_weight, &ns::conv2d_backward_bias, &ns::channel_bias_add,        \
        &ns::channel_sum                                                                      \
  }

// One row of the table; output_padding > 0 makes it the geometry of a conv_transpose2d
// (H, W computed from Hout, Wout as the engine does), otherwise Hout, Wout come from H, W.
struct ConvCase {
  int64_t N, Cin, H, W, Cout, KH, KW, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups;
  int64_t output_padding = 0;

  kern::ConvShape shape() const {
    kern::ConvShape s;
    s.N = N, s.Cin = Cin, s.H = H, s.W = W, s.Cout = Cout, s.KH = KH, s.KW = KW;
    s.stride_h = stride_h, s.stride_w = stride_w, s.pad_h = pad_h, s.pad_w = pad_w;
    s.dilation_h = dil_h, s.dilation_w = dil_w, s.groups = groups;
    if (output_padding == 0) {
      s.set_output_size();
    } else {  // H, W given are the transposed op's input, i.e. this conv's Hout, Wout
      s.Hout = H, s.Wout = W;
      s.H = (H - 1) * stride_h - 2 * pad_h + dil_h * (KH - 1) + output_padding + 1;
      s.W = (W - 1) * stride_w - 2 * pad_w + dil_w * (KW - 1) + output_padding + 1;
    }
    return s;
  }
};

inline std::string describe(const kern::ConvShape& s) {
  auto str = [](int64_t v) { return std::to_string(v); };
  return "x [" + str(s.N) + ", " + str(s.Cin) + ", " + str(s.H) + ", " + str(s.W) + "] w [" +
         str(s.Cout) + ", " + str(s.Cin / s.groups) + ", " + str(s.KH) + ", " + str(s.KW) +
         "] stride (" + str(s.stride_h) + ", " + str(s.stride_w) + ") pad (" + str(s.pad_h) + ", " +
         str(s.pad_w) + ") dil (" + str(s.dilation_h) + ", " + str(s.dilation_w) + ") groups " +
         str(s.groups) + " -> [" + str(s.Hout) + ", " + str(s.Wout) + "]";
}

inline const std::vector<ConvCase>& conv_cases() {
  //  N  Cin  H  W  Cout KH KW  sh sw ph pw dh dw  g   (output_padding)
  static const std::vector<ConvCase> cases = {
      {2, 13, 7, 9, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1},      // 3x3 same, 13 channels, batch 2
      {1, 1, 7, 9, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1},        // one channel, no padding
      {2, 13, 7, 9, 13, 3, 3, 2, 2, 1, 1, 1, 1, 13},     // depthwise, stride 2
      {1, 3, 9, 7, 5, 5, 5, 1, 1, 2, 2, 1, 1, 1},        // 5x5, pad 2
      {2, 6, 7, 9, 9, 3, 3, 2, 2, 2, 2, 2, 2, 3},        // groups 3, stride 2, pad 2, dilation 2
      {1, 13, 5, 3, 7, 1, 1, 1, 1, 0, 0, 1, 1, 1},       // pointwise 1x1 (no im2col in the gemm path)
      {2, 5, 7, 9, 5, 1, 1, 2, 2, 1, 1, 1, 1, 1},        // 1x1 with stride and padding
      {1, 4, 9, 9, 6, 3, 5, 2, 1, 1, 2, 1, 2, 2},        // 3x5, mixed stride/pad/dilation, groups 2
      {1, 3, 7, 9, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1},       // Cout 70: two row tiles
      {2, 13, 7, 9, 13, 5, 5, 1, 1, 2, 2, 2, 2, 1},      // 5x5 dilation 2
      {2, 3, 16, 17, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1},      // 544 pixels: 9 split-K slices
      {2, 13, 4, 5, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},    // transposed geometry, output_padding 1
      {1, 6, 3, 4, 3, 3, 3, 2, 2, 0, 0, 2, 2, 3, 1},     // transposed, dilation 2, groups 3
  };
  return cases;
}

inline void expect_conv_close(const std::vector<float>& got, const std::vector<float>& want,
                              const std::string& what) {
  double sq = 0;
  for (float v : want) sq += double(v) * v;
  const double rms = want.empty() ? 0.0 : std::sqrt(sq / want.size());
  ASSERT_EQ(got.size(), want.size()) << what;
  int reported = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double scale = std::max(std::fabs(double(want[i])), rms);
    if (!(std::fabs(double(got[i]) - want[i]) <= 1e-5 * scale) && reported++ < 5)
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", cpu gives " << want[i]
                    << " (rms " << rms << ")";
  }
}

// Larger layers for the real GPU only (too slow for the emulator): many 64 x 64 tiles in both
// directions, partial edge tiles, a long split-K depth (16640 pixels), a 5x5 stride-2 layer,
// a dilated depthwise one. Checked once on simt too (forward order, 2 OS threads: passed at the
// stated tolerance, 32 s under AddressSanitizer - too slow to keep in the simt suite).
inline const std::vector<ConvCase>& conv_cases_large() {
  static const std::vector<ConvCase> cases = {
      {2, 64, 32, 33, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1},
      {1, 32, 40, 41, 96, 5, 5, 2, 2, 2, 2, 1, 1, 1},
      {4, 3, 64, 65, 67, 3, 3, 1, 1, 1, 1, 1, 1, 1},
      {2, 48, 19, 23, 48, 3, 3, 1, 1, 2, 2, 2, 2, 48},
  };
  return cases;
}

inline void check_conv(const Backend& b, const ConvKernels& k,
                       const std::vector<ConvCase>& cases = conv_cases()) {
  int seed = 20;
  for (const ConvCase& c : cases) {
    const kern::ConvShape s = c.shape();
    const int64_t nx = s.N * s.Cin * s.H * s.W, ny = s.N * s.Cout * s.Hout * s.Wout;
    const int64_t nw = s.Cout * s.patch_size();
    const auto x = random_values(nx, seed++), w = random_values(nw, seed++);
    const auto bias = random_values(s.Cout, seed++), dy = random_values(ny, seed++);
    std::vector<float> y(ny), dx(nx), dw(nw), db(s.Cout), x_plus_bias = x;
    const kern::Context& cc = cpu_ctx();
    cpu::conv2d_forward(cc, s, x.data(), w.data(), bias.data(), y.data());
    cpu::conv2d_backward_data(cc, s, dy.data(), w.data(), dx.data());
    cpu::conv2d_backward_weight(cc, s, x.data(), dy.data(), dw.data());
    cpu::conv2d_backward_bias(cc, s, dy.data(), db.data());
    // channel_bias_add over x's channels (Cin of them), as conv_transpose2d uses it.
    const auto cbias = random_values(s.Cin, seed++);
    cpu::channel_bias_add(cc, s.N, s.Cin, s.H * s.W, cbias.data(), x_plus_bias.data());
    const std::string shape = describe(s);
    for_each_order(b, [&](const std::string& order) {
      const std::string what = shape + " " + order;
      Tensor tx = on(b, x), tw = on(b, w), tb = on(b, bias), tdy = on(b, dy);
      Tensor ty = empty_on(b, ny), ty2 = empty_on(b, ny), tdx = empty_on(b, nx);
      Tensor tdw = empty_on(b, nw), tdb = empty_on(b, s.Cout);
      k.forward(ctx(b), s, tx.data(), tw.data(), tb.data(), ty.data());
      expect_conv_close(ty.to_vector(), y, "conv2d_forward (implicit GEMM) " + what);
      k.forward_gemm(ctx(b), s, tx.data(), tw.data(), tb.data(), ty2.data());
      expect_conv_close(ty2.to_vector(), y, "conv2d_forward_gemm (im2col + cuBLAS) " + what);
      k.backward_data(ctx(b), s, tdy.data(), tw.data(), tdx.data());
      expect_conv_close(tdx.to_vector(), dx, "conv2d_backward_data " + what);
      k.backward_weight(ctx(b), s, tx.data(), tdy.data(), tdw.data());
      expect_conv_close(tdw.to_vector(), dw, "conv2d_backward_weight " + what);
      k.backward_bias(ctx(b), s, tdy.data(), tdb.data());
      expect_conv_close(tdb.to_vector(), db, "conv2d_backward_bias " + what);
      Tensor txb = on(b, x), tcb = on(b, cbias);
      k.channel_bias_add(ctx(b), s.N, s.Cin, s.H * s.W, tcb.data(), txb.data());
      expect_match(txb.to_vector(), x_plus_bias, 0, 0, "channel_bias_add " + what);
    });
  }
}

// Without bias, the forward leaves no trace of one (bias = null is a separate branch).
inline void check_conv_no_bias(const Backend& b, const ConvKernels& k) {
  const kern::ConvShape s = conv_cases()[4].shape();
  const int64_t nx = s.N * s.Cin * s.H * s.W, ny = s.N * s.Cout * s.Hout * s.Wout;
  const auto x = random_values(nx, 40), w = random_values(s.Cout * s.patch_size(), 41);
  std::vector<float> y(ny);
  cpu::conv2d_forward(cpu_ctx(), s, x.data(), w.data(), nullptr, y.data());
  for_each_order(b, [&](const std::string& order) {
    Tensor tx = on(b, x), tw = on(b, w), ty = empty_on(b, ny), ty2 = empty_on(b, ny);
    k.forward(ctx(b), s, tx.data(), tw.data(), nullptr, ty.data());
    k.forward_gemm(ctx(b), s, tx.data(), tw.data(), nullptr, ty2.data());
    expect_conv_close(ty.to_vector(), y, "conv2d_forward no bias " + describe(s) + " " + order);
    expect_conv_close(ty2.to_vector(), y, "conv2d_forward_gemm no bias " + describe(s) + " " + order);
  });
}

}  // namespace upres::testing::parity
