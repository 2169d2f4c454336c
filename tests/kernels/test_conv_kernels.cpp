// Tests of the fast CPU convolution kernels (kernels/cpu/conv.h) against the
// reference loops beside them: forward by both paths (direct and im2col + GEMM),
// backward data, weight and bias, over a table of geometries, with one thread
// and with several (task-parallel and inside-the-task parallel schedules), and
// on an image wide enough that im2col runs in bands of rows.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/cpu/conv.h"
#include "tests/kernels/conv_cases.h"

namespace {

using upres::kern::ConvShape;
using upres::kern::Context;

using upres::testing::conv::make_shape;
using upres::testing::conv::max_diff;
using upres::testing::conv::name;
using upres::testing::conv::rand_vec;

std::vector<ConvShape> table() {
  std::vector<ConvShape> t = {
      make_shape(2, 1, 7, 9, 5, 5, 5, 1, 2, 1, 1),     // direct path (patch 25)
      make_shape(2, 3, 7, 9, 4, 3, 3, 2, 1, 1, 1),     // direct path, stride 2
      make_shape(2, 13, 7, 9, 6, 3, 3, 1, 1, 1, 1),    // GEMM path
      make_shape(2, 13, 5, 3, 26, 3, 3, 1, 2, 2, 13),  // depthwise, dilated
      make_shape(2, 12, 7, 9, 8, 3, 3, 3, 0, 1, 4),    // groups 4, stride 3
      make_shape(2, 13, 7, 9, 5, 1, 1, 1, 0, 1, 1),    // pointwise (no im2col)
      make_shape(1, 13, 1, 1, 7, 1, 1, 1, 0, 1, 1),    // 1x1 image
      make_shape(2, 6, 9, 7, 4, 5, 5, 2, 2, 2, 2),     // 5x5 dilated, strided, grouped
      make_shape(1, 64, 4, 300, 3, 3, 3, 1, 1, 1, 1),  // wide: im2col in bands of one row
      make_shape(2, 8, 5, 3, 4, 5, 3, 3, 2, 1, 1),     // stride > output, many pixels unread
  };
  ConvShape r = make_shape(2, 4, 7, 9, 6, 3, 1, 1, 1, 1, 2);  // rectangular, per-axis params
  r.stride_w = 2, r.pad_h = 2, r.pad_w = 0, r.dilation_h = 3;
  r.set_output_size();
  t.push_back(r);
  return t;
}

}  // namespace

TEST(ConvKernels, ForwardBothPathsMatchReference) {
  std::mt19937 gen(1);
  for (const ConvShape& s : table())
    for (int threads : {1, 2}) {
      Context ctx;
      ctx.threads = threads;
      auto x = rand_vec(s.N * s.Cin * s.H * s.W, gen);
      auto w = rand_vec(s.Cout * s.patch_size(), gen);
      auto b = rand_vec(s.Cout, gen);
      const int64_t ny = s.N * s.Cout * s.out_plane();
      std::vector<float> ref(ny), direct(ny, 7.f), viagemm(ny, 7.f), dispatch(ny, 7.f);
      upres::cpu::conv2d_forward_reference(ctx, s, x.data(), w.data(), b.data(), ref.data());
      upres::cpu::conv2d_forward_direct(ctx, s, x.data(), w.data(), b.data(), direct.data());
      upres::cpu::conv2d_forward_gemm(ctx, s, x.data(), w.data(), b.data(), viagemm.data());
      upres::cpu::conv2d_forward(ctx, s, x.data(), w.data(), nullptr, dispatch.data());
      const double tol = 1e-6 * s.patch_size();
      EXPECT_LT(max_diff(direct, ref), tol) << name(s) << " threads " << threads;
      EXPECT_LT(max_diff(viagemm, ref), tol) << name(s) << " threads " << threads;
      for (int64_t i = 0; i < ny; ++i) ref[i] -= b[(i / s.out_plane()) % s.Cout];  // no bias
      EXPECT_LT(max_diff(dispatch, ref), tol) << name(s) << " threads " << threads;
    }
}

TEST(ConvKernels, BackwardDataMatchesReference) {
  std::mt19937 gen(2);
  for (const ConvShape& s : table())
    for (int threads : {1, 2}) {
      Context ctx;
      ctx.threads = threads;
      auto dy = rand_vec(s.N * s.Cout * s.out_plane(), gen);
      auto w = rand_vec(s.Cout * s.patch_size(), gen);
      const int64_t nx = s.N * s.Cin * s.H * s.W;
      std::vector<float> ref(nx), fast(nx, 7.f);  // 7: dx must be overwritten
      upres::cpu::conv2d_backward_data_reference(ctx, s, dy.data(), w.data(), ref.data());
      upres::cpu::conv2d_backward_data(ctx, s, dy.data(), w.data(), fast.data());
      EXPECT_LT(max_diff(fast, ref), 1e-6 * s.Cout * s.KH * s.KW) << name(s) << " threads " << threads;
    }
}

TEST(ConvKernels, BackwardWeightAndBiasMatchReference) {
  std::mt19937 gen(3);
  for (const ConvShape& s : table())
    for (int threads : {1, 2}) {
      Context ctx;
      ctx.threads = threads;
      auto x = rand_vec(s.N * s.Cin * s.H * s.W, gen);
      auto dy = rand_vec(s.N * s.Cout * s.out_plane(), gen);
      const int64_t nw = s.Cout * s.patch_size();
      std::vector<float> ref(nw), fast(nw, 7.f);
      upres::cpu::conv2d_backward_weight_reference(ctx, s, x.data(), dy.data(), ref.data());
      upres::cpu::conv2d_backward_weight(ctx, s, x.data(), dy.data(), fast.data());
      EXPECT_LT(max_diff(fast, ref), 1e-6 * s.N * s.out_plane()) << name(s) << " threads " << threads;

      std::vector<float> db(s.Cout, 7.f), db_ref(s.Cout, 0.f);
      upres::cpu::conv2d_backward_bias(ctx, s, dy.data(), db.data());
      for (int64_t i = 0; i < s.N * s.Cout * s.out_plane(); ++i)
        db_ref[(i / s.out_plane()) % s.Cout] += dy[i];
      EXPECT_LT(max_diff(db, db_ref), 1e-6 * s.N * s.out_plane()) << name(s);
    }
}

TEST(ConvKernels, ChannelBiasAddAndSum) {
  Context ctx;
  std::vector<float> y = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // [N=2, C=3, plane=2]
  std::vector<float> bias = {10, 20, 30};
  upres::cpu::channel_bias_add(ctx, 2, 3, 2, bias.data(), y.data());
  std::vector<float> expect = {11, 12, 23, 24, 35, 36, 17, 18, 29, 30, 41, 42};
  EXPECT_EQ(y, expect);
  std::vector<float> sum(3, -1.f);
  upres::cpu::channel_sum(ctx, 2, 3, 2, y.data(), sum.data());
  EXPECT_EQ(sum, (std::vector<float>{11 + 12 + 17 + 18, 23 + 24 + 29 + 30, 35 + 36 + 41 + 42}));
}
