// conv.cpp - conv2d and conv_transpose2d: argument checks, autograd, dispatch.
//
// Three kernels serve both ops, because a transposed convolution is the adjoint
// of a convolution. Write the conv2d y = C_w(x). Then
//   conv2d:            y  = forward(x),        dx = backward_data(dy),  dw = backward_weight(x, dy)
//   conv_transpose2d:  y  = backward_data(x),  dx = forward(dy),        dw = backward_weight(dy, x)
// where the transposed op's output plays conv2d's input. PyTorch's layout of the
// transposed weight, [Cin, Cout/groups, KH, KW], is exactly conv2d's weight layout
// [Cout', Cin'/groups, KH, KW] for that adjoint conv2d, so no weight is reshuffled.
#include "engine/ops/conv.h"

#include "engine/autograd.h"
#include "engine/dispatch.h"
#include "kernels/cpu/conv.h"
#include "kernels/cuda/conv.h"
#include "kernels/shapes/conv.h"

namespace upres {

namespace {

std::string describe_params(const ConvParams& p) {
  return detail::str("stride (", p.stride_h, ", ", p.stride_w, "), padding (", p.pad_h, ", ",
                     p.pad_w, "), dilation (", p.dilation_h, ", ", p.dilation_w, "), groups ",
                     p.groups);
}

void check_params(const char* op, const ConvParams& p) {
  UPRES_CHECK(p.stride_h >= 1 && p.stride_w >= 1 && p.dilation_h >= 1 && p.dilation_w >= 1 &&
                  p.pad_h >= 0 && p.pad_w >= 0 && p.groups >= 1,
              op, ": expected stride >= 1, dilation >= 1, padding >= 0 and groups >= 1, got ",
              describe_params(p));
}

// Checks the bias ([Cout] or undefined) and returns its data pointer or null.
const float* bias_data(const char* op, const Tensor& bias, int64_t cout) {
  if (!bias.defined()) return nullptr;
  UPRES_CHECK(bias.dim() == 1 && bias.size(0) == cout, op, ": bias ", to_string(bias.shape()),
              " must be [", cout, "], one value per output channel");
  return bias.data();
}

// The geometry of conv2d(x, weight), after checking every argument.
kern::ConvShape conv2d_shape(const Tensor& x, const Tensor& w, const ConvParams& p) {
  const char* op = "conv2d";
  check_rank(op, "input", x, 4);
  check_rank(op, "weight", w, 4);
  check_params(op, p);
  UPRES_CHECK(p.output_padding_h == 0 && p.output_padding_w == 0, op,
              ": output_padding applies to conv_transpose2d only, got (", p.output_padding_h, ", ",
              p.output_padding_w, ")");
  kern::ConvShape s;
  s.N = x.size(0), s.Cin = x.size(1), s.H = x.size(2), s.W = x.size(3);
  s.Cout = w.size(0), s.KH = w.size(2), s.KW = w.size(3);
  s.stride_h = p.stride_h, s.stride_w = p.stride_w, s.pad_h = p.pad_h, s.pad_w = p.pad_w;
  s.dilation_h = p.dilation_h, s.dilation_w = p.dilation_w, s.groups = p.groups;
  const std::string shapes =
      detail::str("input ", to_string(x.shape()), ", weight ", to_string(w.shape()));
  UPRES_CHECK(s.Cin % s.groups == 0 && s.Cout % s.groups == 0, op, ": ", shapes, ": groups = ",
              s.groups, " must divide both the ", s.Cin, " input and the ", s.Cout,
              " output channels");
  UPRES_CHECK(w.size(1) * s.groups == s.Cin, op, ": ", shapes, ": input has ", s.Cin,
              " channels, but the weight expects ", w.size(1), " per group x ", s.groups,
              " groups = ", w.size(1) * s.groups, " (weight is [Cout, Cin/groups, KH, KW])");
  UPRES_CHECK(s.KH >= 1 && s.KW >= 1, op, ": ", shapes, ": empty kernel");
  const int64_t eff_h = p.dilation_h * (s.KH - 1) + 1, eff_w = p.dilation_w * (s.KW - 1) + 1;
  UPRES_CHECK(s.H + 2 * p.pad_h >= eff_h && s.W + 2 * p.pad_w >= eff_w, op, ": ", shapes, ", ",
              describe_params(p), ": the dilated kernel (", eff_h, " x ", eff_w,
              ") is larger than the padded input (", s.H + 2 * p.pad_h, " x ", s.W + 2 * p.pad_w,
              ")");
  s.set_output_size();
  UPRES_CHECK(s.Hout > 0 && s.Wout > 0, op, ": ", shapes, ", ", describe_params(p),
              ": output size ", s.Hout, " x ", s.Wout, " must be positive");
  return s;
}

// The geometry of the conv2d whose adjoint is conv_transpose2d(x, weight): its
// input is the transposed op's output, its output the transposed op's input.
kern::ConvShape conv_transpose2d_shape(const Tensor& x, const Tensor& w, const ConvParams& p) {
  const char* op = "conv_transpose2d";
  check_rank(op, "input", x, 4);
  check_rank(op, "weight", w, 4);
  check_params(op, p);
  const std::string shapes =
      detail::str("input ", to_string(x.shape()), ", weight ", to_string(w.shape()));
  const int64_t cin = x.size(1);
  UPRES_CHECK(w.size(0) == cin, op, ": ", shapes, ": input has ", cin,
              " channels, but the weight expects ", w.size(0),
              " (weight is [Cin, Cout/groups, KH, KW])");
  UPRES_CHECK(cin % p.groups == 0, op, ": ", shapes, ": groups = ", p.groups,
              " must divide the ", cin, " input channels");
  UPRES_CHECK(w.size(2) >= 1 && w.size(3) >= 1 && w.size(1) >= 1, op, ": ", shapes,
              ": empty kernel");
  UPRES_CHECK(p.output_padding_h >= 0 && p.output_padding_w >= 0 &&
                  (p.output_padding_h < p.stride_h || p.output_padding_h < p.dilation_h) &&
                  (p.output_padding_w < p.stride_w || p.output_padding_w < p.dilation_w),
              op, ": output_padding (", p.output_padding_h, ", ", p.output_padding_w,
              ") must be >= 0 and smaller than either the stride or the dilation (",
              describe_params(p), ")");
  kern::ConvShape s;
  s.N = x.size(0), s.Cout = cin, s.Hout = x.size(2), s.Wout = x.size(3);
  s.Cin = w.size(1) * p.groups, s.KH = w.size(2), s.KW = w.size(3);
  s.stride_h = p.stride_h, s.stride_w = p.stride_w, s.pad_h = p.pad_h, s.pad_w = p.pad_w;
  s.dilation_h = p.dilation_h, s.dilation_w = p.dilation_w, s.groups = p.groups;
  s.H = (s.Hout - 1) * p.stride_h - 2 * p.pad_h + p.dilation_h * (s.KH - 1) + p.output_padding_h + 1;
  s.W = (s.Wout - 1) * p.stride_w - 2 * p.pad_w + p.dilation_w * (s.KW - 1) + p.output_padding_w + 1;
  UPRES_CHECK(s.Hout > 0 && s.Wout > 0 && s.H > 0 && s.W > 0, op, ": ", shapes, ", ",
              describe_params(p), ": output size ", s.H, " x ", s.W, " must be positive");
  return s;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvParams& p) {
  Device dev = bias.defined() ? common_device("conv2d", {&x, &weight, &bias})
                              : common_device("conv2d", {&x, &weight});
  const kern::ConvShape s = conv2d_shape(x, weight, p);
  const float* b = bias_data("conv2d", bias, s.Cout);
  Tensor y = Tensor::empty({s.N, s.Cout, s.Hout, s.Wout}, dev);
  UPRES_DISPATCH_ALL(dev, conv2d_forward, s, x.data(), weight.data(), b, y.data());

  std::vector<Tensor> inputs = {x, weight};
  if (bias.defined()) inputs.push_back(bias);
  const bool need_x = x.requires_grad(), need_w = weight.requires_grad();
  const bool need_b = bias.defined() && bias.requires_grad();
  const bool has_b = bias.defined();
  Tensor xs = x.detach(), ws = weight.detach();
  return record(y, "conv2d", std::move(inputs), [=](const Tensor& gy) {
    std::vector<Tensor> grads(has_b ? 3 : 2);
    if (need_x) {
      grads[0] = Tensor::empty(xs.shape(), dev);
      UPRES_DISPATCH_ALL(dev, conv2d_backward_data, s, gy.data(), ws.data(), grads[0].data());
    }
    if (need_w) {
      grads[1] = Tensor::empty(ws.shape(), dev);
      UPRES_DISPATCH_ALL(dev, conv2d_backward_weight, s, xs.data(), gy.data(), grads[1].data());
    }
    if (need_b) {
      grads[2] = Tensor::empty({s.Cout}, dev);
      UPRES_DISPATCH_ALL(dev, conv2d_backward_bias, s, gy.data(), grads[2].data());
    }
    return grads;
  });
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const ConvParams& p) {
  Device dev = bias.defined() ? common_device("conv_transpose2d", {&x, &weight, &bias})
                              : common_device("conv_transpose2d", {&x, &weight});
  const kern::ConvShape s = conv_transpose2d_shape(x, weight, p);  // s.Cin/H/W: our output
  const float* b = bias_data("conv_transpose2d", bias, s.Cin);
  Tensor y = Tensor::empty({s.N, s.Cin, s.H, s.W}, dev);
  UPRES_DISPATCH_ALL(dev, conv2d_backward_data, s, x.data(), weight.data(), y.data());
  if (b) UPRES_DISPATCH_ALL(dev, channel_bias_add, s.N, s.Cin, s.in_plane(), b, y.data());

  std::vector<Tensor> inputs = {x, weight};
  if (bias.defined()) inputs.push_back(bias);
  const bool need_x = x.requires_grad(), need_w = weight.requires_grad();
  const bool need_b = bias.defined() && bias.requires_grad();
  const bool has_b = bias.defined();
  Tensor xs = x.detach(), ws = weight.detach();
  return record(y, "conv_transpose2d", std::move(inputs), [=](const Tensor& gy) {
    std::vector<Tensor> grads(has_b ? 3 : 2);
    if (need_x) {
      grads[0] = Tensor::empty(xs.shape(), dev);
      UPRES_DISPATCH_ALL(dev, conv2d_forward, s, gy.data(), ws.data(), nullptr, grads[0].data());
    }
    if (need_w) {
      grads[1] = Tensor::empty(ws.shape(), dev);
      UPRES_DISPATCH_ALL(dev, conv2d_backward_weight, s, gy.data(), xs.data(), grads[1].data());
    }
    if (need_b) {
      grads[2] = Tensor::empty({s.Cin}, dev);
      UPRES_DISPATCH_ALL(dev, channel_sum, s.N, s.Cin, s.in_plane(), gy.data(), grads[2].data());
    }
    return grads;
  });
}

}  // namespace upres
