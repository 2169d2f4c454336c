// Tests of the imresize op (MATLAB-style resize on tensors, engine/ops/imresize.h) and of the
// transposed weight tables its backward uses: the forward equals data::imresize (itself tested
// against a float64 numpy reimplementation of imresize.m) bit for bit, the transposed table is
// the transpose of the dense resize matrix, gradients by finite differences over odd shapes,
// and argument errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "data/image.h"
#include "data/resize.h"
#include "engine/error.h"
#include "engine/ops.h"
#include "engine/resize_weights.h"
#include "support/gradcheck.h"

using namespace upres;
using namespace upres::testing;

namespace {

using K = ResizeKernelKind;

struct Case {
  int c, h, w, oh, ow;
  K kernel;
  bool antialias;
};
// Downscale by 3, by 1/0.7, upscale by 2.5, mixed scales (width first and height first),
// a 1x1 output, 1 and 13 channels, every kernel, antialias on and off.
const Case kCases[] = {{1, 21, 27, 7, 9, K::bicubic, true},   {13, 10, 13, 7, 9, K::bicubic, true},
                       {3, 2, 4, 5, 10, K::bicubic, true},    {1, 7, 9, 13, 4, K::bicubic, true},
                       {1, 9, 7, 3, 15, K::bilinear, true},   {2, 7, 9, 1, 1, K::bicubic, true},
                       {1, 21, 27, 7, 9, K::bicubic, false},  {1, 10, 13, 7, 9, K::bilinear, false},
                       {13, 5, 3, 13, 8, K::nearest, true},   {1, 21, 27, 7, 9, K::nearest, true}};

data::Image random_image(int c, int h, int w, uint64_t seed) {
  Rng rng(seed);
  data::Image img(w, h, c);
  for (float& v : img.pixels) v = rng.uniform(0.0f, 1.0f);
  return img;
}

}  // namespace

TEST(ImresizeOp, ForwardEqualsDataImresizeBitForBit) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::to_string(c.c) + "x" + std::to_string(c.h) + "x" + std::to_string(c.w) + " -> " +
                 std::to_string(c.oh) + "x" + std::to_string(c.ow) + " kernel " + std::to_string(int(c.kernel)));
    // A batch of two different images: each must equal its own data::imresize.
    data::Image a = random_image(c.c, c.h, c.w, 1), b = random_image(c.c, c.h, c.w, 2);
    std::vector<float> both = a.pixels;
    both.insert(both.end(), b.pixels.begin(), b.pixels.end());
    Tensor x = Tensor::from_vector({2, c.c, c.h, c.w}, both);
    Tensor y = imresize(x, c.oh, c.ow, c.kernel, c.antialias);
    ASSERT_EQ(y.shape(), (Shape{2, c.c, c.oh, c.ow}));
    data::ResizeOptions opt;
    opt.kernel = c.kernel;
    opt.antialias = c.antialias;
    std::vector<float> want = data::imresize(a, c.oh, c.ow, opt).pixels;
    const std::vector<float> wb = data::imresize(b, c.oh, c.ow, opt).pixels;
    want.insert(want.end(), wb.begin(), wb.end());
    const std::vector<float> got = y.to_vector();
    ASSERT_EQ(got.size(), want.size());
    EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0);
  }
}

TEST(ImresizeOp, TransposedTableIsTheTransposeOfTheResizeMatrix) {
  for (const Case& c : kCases) {
    const ResizeWeights w = resize_weights(c.h, c.oh, double(c.oh) / c.h, c.kernel, c.antialias);
    const ResizeWeights t = transpose_resize_weights(w);
    ASSERT_EQ(t.in, w.out);
    ASSERT_EQ(t.out, w.in);
    // Dense matrices by plain loops: A[o][i] from the table, B[i][o] from its transpose.
    std::vector<double> A(size_t(w.out * w.in), 0.0), B(size_t(w.out * w.in), 0.0);
    for (int64_t o = 0; o < w.out; ++o)
      for (int64_t k = 0; k < w.taps; ++k) A[o * w.in + w.index[o * w.taps + k]] += w.weight[o * w.taps + k];
    for (int64_t i = 0; i < t.out; ++i)
      for (int64_t k = 0; k < t.taps; ++k) {
        const int32_t o = t.index[i * t.taps + k];
        ASSERT_TRUE(o >= 0 && o < w.out);
        B[o * w.in + i] += t.weight[i * t.taps + k];
      }
    for (size_t e = 0; e < A.size(); ++e) EXPECT_NEAR(A[e], B[e], 1e-7) << "entry " << e;
  }
}

TEST(ImresizeOp, GradientOddShapesEveryKernelAndScale) {
  Rng rng(5);
  for (const Case& c : kCases) {
    for (int64_t batch : {1, 2}) {
      if (batch == 2 && c.c == 13) continue;  // keeps the runtime small; 13 channels run at batch 1
      SCOPED_TRACE(std::to_string(batch) + "x" + std::to_string(c.c) + "x" + std::to_string(c.h) + "x" +
                   std::to_string(c.w) + " -> " + std::to_string(c.oh) + "x" + std::to_string(c.ow));
      Tensor x = rand_input({batch, c.c, c.h, c.w}, rng);
      GradCheckOptions opt;
      opt.max_elements = 32;
      EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return imresize(in[0], c.oh, c.ow, c.kernel,
                                                                                 c.antialias); },
                            {x}, opt));
    }
  }
}

TEST(ImresizeOp, ConstantStaysConstantAndIdentityAtScaleOne) {
  Tensor x = Tensor::full({1, 2, 7, 9}, 0.25f);
  for (float v : imresize(x, 3, 4).to_vector()) EXPECT_NEAR(v, 0.25f, 1e-6f);
  Rng rng(3);
  Tensor r = Tensor::uniform({2, 3, 5, 3}, -1, 1, rng);
  EXPECT_EQ(imresize(r, 5, 3).to_vector(), r.to_vector());
}

TEST(ImresizeOp, BadArgumentsThrowNamingTheOp) {
  try {
    imresize(Tensor::zeros({3, 7, 9}), 3, 3);
    FAIL() << "a rank-3 input was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("imresize"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[3, 7, 9]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(imresize(Tensor::zeros({1, 1, 7, 9}), 0, 3), Error);
  EXPECT_THROW(imresize(Tensor::zeros({1, 1, 7, 9}), 3, -1), Error);
}
