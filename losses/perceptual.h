// perceptual.h - losses on the features of a frozen pre-trained network
// (models/feature_network.h): SqueezeNet v1.0 by default, VGG16/19 when the
// user supplies weights.
//
//   content  (Johnson et al.; SRGAN, ESRGAN):  mean |s*phi(SR) - s*phi(HR)|
//   texture  (Gatys et al.; EnhanceNet):       mean (G(s*phi(SR)) - G(s*phi(HR)))^2
// phi = the network's activations at one layer, s = the network's
// feature_scale() (1/255 for SqueezeNet, whose input is 0..255 pixels, so that
// a loss weight means the same for every network), G = Gram matrix
// F F^T / (C H W) of each image's [C, H*W] feature matrix (engine op gram).
//
// Content uses L1, as ESRGAN and BasicSR's PerceptualLoss do (SRGAN's MSE
// weights large feature differences quadratically and needed a 1/12.75 rescale);
// texture uses MSE between Gram matrices, as Gatys et al. The target features
// are computed without a graph (HR needs no gradient); the network's weights are
// buffers, so the only gradient is the one to SR.
#pragma once

#include <string>
#include <vector>

#include "engine/tensor.h"
#include "models/feature_network.h"

namespace upres::losses {

// On features already extracted (same shape): the loss formulas alone.
Tensor feature_content_loss(const Tensor& f_sr, const Tensor& f_hr);
Tensor feature_texture_loss(const Tensor& f_sr, const Tensor& f_hr);

// Run `net` on SR (with graph) and HR (without) at `layer`, then the formula.
// `net` must be on SR's device (CompositeLoss moves its networks itself).
Tensor content_loss(models::FeatureNetwork& net, const Tensor& sr, const Tensor& hr, const std::string& layer);
Tensor texture_loss(models::FeatureNetwork& net, const Tensor& sr, const Tensor& hr, const std::string& layer);

}  // namespace upres::losses
