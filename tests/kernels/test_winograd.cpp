// test_winograd.cpp - the Winograd kernels (kernels/cpu/winograd.h) against the
// reference loops: forward, backward-data and backward-weight, F(4x4, 3x3) and F(2x2, 5x5), over
// odd shapes (7x9, 13 channels, partial tiles at both edges, every padding the
// kernel takes), with one and two threads, and on a layer big enough that it is
// split into several tile blocks. Also which shapes the dispatcher sends there.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/conv.h"
#include "kernels/cpu/winograd.h"
#include "tests/kernels/conv_cases.h"

namespace {

using upres::kern::ConvShape;
using upres::kern::Context;

using upres::testing::conv::name;
using upres::testing::conv::rand_vec;

// Stride 1, no dilation, one group: what Winograd takes.
ConvShape shape(int64_t N, int64_t Cin, int64_t H, int64_t W, int64_t Cout, int64_t K, int64_t pad) {
  return upres::testing::conv::make_shape(N, Cin, H, W, Cout, K, K, 1, pad, 1, 1);
}

// Largest |a - b| relative to the largest |b| (the output's scale).
double rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0, scale = 1e-30;
  for (size_t i = 0; i < a.size(); ++i) {
    m = std::max(m, std::fabs(double(a[i]) - b[i]));
    scale = std::max(scale, std::fabs(double(b[i])));
  }
  return m / scale;
}

std::vector<ConvShape> table() {
  return {
      shape(2, 13, 7, 9, 5, 3, 1),     // partial tiles on both axes, 'same'
      shape(1, 3, 7, 9, 4, 3, 0),      // 'valid': 5x7 output
      shape(2, 5, 9, 7, 6, 3, 2),      // padding 2: output larger than input
      shape(1, 1, 1, 1, 1, 3, 1),      // 1x1 image
      shape(2, 13, 7, 9, 5, 5, 2),     // F(2x2, 5x5), 'same'
      shape(1, 4, 11, 6, 3, 5, 0),     // 5x5 'valid'
      shape(1, 6, 5, 5, 7, 5, 4),      // 5x5, padding 4
      shape(1, 16, 40, 37, 17, 3, 1),  // several tile blocks (10 x 10 tiles)
      shape(2, 32, 23, 29, 16, 5, 2),  // 5x5, several blocks
  };
}

}  // namespace

TEST(Winograd, ForwardMatchesReference) {
  std::mt19937 gen(3);
  for (const ConvShape& s : table())
    for (int threads : {1, 2}) {
      ASSERT_TRUE(upres::cpu::winograd_supports(s)) << name(s);
      Context ctx;
      ctx.threads = threads;
      auto x = rand_vec(s.N * s.Cin * s.H * s.W, gen), w = rand_vec(s.Cout * s.patch_size(), gen);
      auto b = rand_vec(s.Cout, gen);
      const int64_t ny = s.N * s.Cout * s.out_plane();
      std::vector<float> ref(ny), got(ny, 7.f), nob(ny, 7.f), ref_nob(ny);
      upres::cpu::conv2d_forward_reference(ctx, s, x.data(), w.data(), b.data(), ref.data());
      upres::cpu::conv2d_forward_winograd(ctx, s, x.data(), w.data(), b.data(), got.data());
      EXPECT_LT(rel_diff(got, ref), 2e-5) << name(s) << " threads " << threads;
      upres::cpu::conv2d_forward_reference(ctx, s, x.data(), w.data(), nullptr, ref_nob.data());
      upres::cpu::conv2d_forward_winograd(ctx, s, x.data(), w.data(), nullptr, nob.data());
      EXPECT_LT(rel_diff(nob, ref_nob), 2e-5) << name(s) << " no bias, threads " << threads;
    }
}

TEST(Winograd, BackwardDataMatchesReference) {
  std::mt19937 gen(4);
  for (const ConvShape& s : table())
    for (int threads : {1, 2}) {
      Context ctx;
      ctx.threads = threads;
      auto dy = rand_vec(s.N * s.Cout * s.out_plane(), gen), w = rand_vec(s.Cout * s.patch_size(), gen);
      const int64_t nx = s.N * s.Cin * s.H * s.W;
      std::vector<float> ref(nx), got(nx, 7.f);
      upres::cpu::conv2d_backward_data_reference(ctx, s, dy.data(), w.data(), ref.data());
      upres::cpu::conv2d_backward_data_winograd(ctx, s, dy.data(), w.data(), got.data());
      EXPECT_LT(rel_diff(got, ref), 2e-5) << name(s) << " threads " << threads;
    }
}

TEST(Winograd, BackwardWeightMatchesReference) {
  std::mt19937 gen(6);
  for (const ConvShape& s : table())
    for (int threads : {1, 2, 3}) {
      Context ctx;
      ctx.threads = threads;
      auto x = rand_vec(s.N * s.Cin * s.H * s.W, gen), dy = rand_vec(s.N * s.Cout * s.out_plane(), gen);
      const int64_t nw = s.Cout * s.patch_size();
      std::vector<float> ref(nw), got(nw, 7.f);
      upres::cpu::conv2d_backward_weight_reference(ctx, s, x.data(), dy.data(), ref.data());
      upres::cpu::conv2d_backward_weight_winograd(ctx, s, x.data(), dy.data(), got.data());
      EXPECT_LT(rel_diff(got, ref), 2e-5) << name(s) << " threads " << threads;
    }
}

// The dispatcher: Winograd for stride-1 3x3/5x5 with 16+ channels each side,
// im2col + GEMM otherwise; either way the public entry points match the reference.
TEST(Winograd, DispatchTakesItOnlyWhereItPays) {
  EXPECT_TRUE(upres::cpu::winograd_applies(shape(1, 64, 8, 8, 64, 3, 1)));
  EXPECT_TRUE(upres::cpu::winograd_applies(shape(1, 64, 8, 8, 32, 5, 2)));
  EXPECT_FALSE(upres::cpu::winograd_applies(shape(1, 12, 8, 8, 12, 3, 1)));  // FSRCNN's mapping layers
  EXPECT_FALSE(upres::cpu::winograd_applies(shape(1, 64, 8, 8, 4, 3, 1)));   // ESPCN x2's last layer
  EXPECT_FALSE(upres::cpu::winograd_applies(shape(1, 1, 8, 8, 64, 9, 4)));   // SRCNN's first layer
  ConvShape strided = shape(1, 64, 8, 8, 64, 3, 1);
  strided.stride_h = strided.stride_w = 2;
  strided.set_output_size();
  EXPECT_FALSE(upres::cpu::winograd_applies(strided));
  ConvShape dilated = shape(1, 64, 8, 8, 64, 3, 2);
  dilated.dilation_h = dilated.dilation_w = 2;
  dilated.set_output_size();
  EXPECT_FALSE(upres::cpu::winograd_applies(dilated));

  std::mt19937 gen(5);
  const ConvShape s = shape(2, 24, 13, 11, 20, 3, 1);
  ASSERT_TRUE(upres::cpu::winograd_applies(s));
  Context ctx;
  auto x = rand_vec(s.N * s.Cin * s.H * s.W, gen), w = rand_vec(s.Cout * s.patch_size(), gen);
  std::vector<float> ref(s.N * s.Cout * s.out_plane()), got(ref.size());
  upres::cpu::conv2d_forward_reference(ctx, s, x.data(), w.data(), nullptr, ref.data());
  upres::cpu::conv2d_forward(ctx, s, x.data(), w.data(), nullptr, got.data());
  EXPECT_LT(rel_diff(got, ref), 2e-5);
  std::vector<float> dxr(s.N * s.Cin * s.H * s.W), dx(dxr.size());
  upres::cpu::conv2d_backward_data_reference(ctx, s, ref.data(), w.data(), dxr.data());
  upres::cpu::conv2d_backward_data(ctx, s, ref.data(), w.data(), dx.data());
  EXPECT_LT(rel_diff(dx, dxr), 2e-5);
  std::vector<float> dwr(w.size()), dw(w.size());
  upres::cpu::conv2d_backward_weight_reference(ctx, s, x.data(), ref.data(), dwr.data());
  upres::cpu::conv2d_backward_weight(ctx, s, x.data(), ref.data(), dw.data());
  EXPECT_LT(rel_diff(dw, dwr), 2e-5);
}
