// conv_reference.cpp - convolution exactly as defined, one multiply-add at a time.
//
//   y[n, co, oh, ow] = bias[co] + sum over ci (in co's group), kh, kw of
//                      w[co, ci, kh, kw] * x[n, g*Cin/G + ci, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw]
//
// (terms that fall in the padding are 0). The backward kernels are the same sum
// read the other way round. Accumulation is in double, so these are also the
// accuracy yardstick for the fast kernels.
#include <cstddef>
#include <vector>

#include "kernels/cpu/conv.h"

namespace upres::cpu {

namespace {
// x index of output (oh, ow) at tap (kh, kw), or -1 in the padding.
int64_t input_offset(const kern::ConvShape& s, int64_t oh, int64_t ow, int64_t kh, int64_t kw) {
  int64_t ih = oh * s.stride_h - s.pad_h + kh * s.dilation_h;
  int64_t iw = ow * s.stride_w - s.pad_w + kw * s.dilation_w;
  if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) return -1;
  return ih * s.W + iw;
}
}  // namespace

void conv2d_forward_reference(const kern::Context&, const kern::ConvShape& s, const float* x,
                              const float* w, const float* bias, float* y) {
  const int64_t cig = s.cin_per_group(), cog = s.cout_per_group();
  for (int64_t n = 0; n < s.N; ++n)
    for (int64_t co = 0; co < s.Cout; ++co)
      for (int64_t oh = 0; oh < s.Hout; ++oh)
        for (int64_t ow = 0; ow < s.Wout; ++ow) {
          double sum = bias ? bias[co] : 0.0;
          const int64_t g = co / cog;
          for (int64_t ci = 0; ci < cig; ++ci)
            for (int64_t kh = 0; kh < s.KH; ++kh)
              for (int64_t kw = 0; kw < s.KW; ++kw) {
                int64_t off = input_offset(s, oh, ow, kh, kw);
                if (off < 0) continue;
                const float xv = x[(n * s.Cin + g * cig + ci) * s.H * s.W + off];
                sum += double(w[((co * cig + ci) * s.KH + kh) * s.KW + kw]) * xv;
              }
          y[((n * s.Cout + co) * s.Hout + oh) * s.Wout + ow] = float(sum);
        }
}

void conv2d_backward_data_reference(const kern::Context&, const kern::ConvShape& s,
                                    const float* dy, const float* w, float* dx) {
  // dx[n, c, pixel] = sum of w * dy over every (co, oh, ow, kh, kw) that read that pixel.
  const int64_t cig = s.cin_per_group(), cog = s.cout_per_group();
  std::vector<double> acc(static_cast<std::size_t>(s.N * s.Cin * s.H * s.W), 0.0);
  for (int64_t n = 0; n < s.N; ++n)
    for (int64_t co = 0; co < s.Cout; ++co)
      for (int64_t oh = 0; oh < s.Hout; ++oh)
        for (int64_t ow = 0; ow < s.Wout; ++ow) {
          const double g_out = dy[((n * s.Cout + co) * s.Hout + oh) * s.Wout + ow];
          const int64_t g = co / cog;
          for (int64_t ci = 0; ci < cig; ++ci)
            for (int64_t kh = 0; kh < s.KH; ++kh)
              for (int64_t kw = 0; kw < s.KW; ++kw) {
                int64_t off = input_offset(s, oh, ow, kh, kw);
                if (off < 0) continue;
                acc[static_cast<std::size_t>((n * s.Cin + g * cig + ci) * s.H * s.W + off)] +=
                    g_out * w[((co * cig + ci) * s.KH + kh) * s.KW + kw];
              }
        }
  for (std::size_t i = 0; i < acc.size(); ++i) dx[i] = float(acc[i]);
}

void conv2d_backward_weight_reference(const kern::Context&, const kern::ConvShape& s,
                                      const float* x, const float* dy, float* dw) {
  const int64_t cig = s.cin_per_group(), cog = s.cout_per_group();
  for (int64_t co = 0; co < s.Cout; ++co)
    for (int64_t ci = 0; ci < cig; ++ci)
      for (int64_t kh = 0; kh < s.KH; ++kh)
        for (int64_t kw = 0; kw < s.KW; ++kw) {
          double sum = 0.0;
          const int64_t c = (co / cog) * cig + ci;
          for (int64_t n = 0; n < s.N; ++n)
            for (int64_t oh = 0; oh < s.Hout; ++oh)
              for (int64_t ow = 0; ow < s.Wout; ++ow) {
                int64_t off = input_offset(s, oh, ow, kh, kw);
                if (off < 0) continue;
                sum += double(dy[((n * s.Cout + co) * s.Hout + oh) * s.Wout + ow]) *
                       x[(n * s.Cin + c) * s.H * s.W + off];
              }
          dw[((co * cig + ci) * s.KH + kh) * s.KW + kw] = float(sum);
        }
}

}  // namespace upres::cpu
