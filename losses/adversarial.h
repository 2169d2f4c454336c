// adversarial.h - GAN losses on discriminator logits (before any sigmoid).
//
// The trainer runs the discriminator D; these functions only turn its logits
// into losses. real = D(HR), fake = D(SR); any shape (one logit per image or a
// patch map), mean over elements.
//
//   vanilla (Goodfellow; SRGAN)  D: bce(real, 1) + bce(fake, 0)     G: bce(fake, 1)
//   lsgan   (Mao et al.)         D: mse(real, 1) + mse(fake, 0)     G: mse(fake, 1)
//   ragan   (relativistic average, ESRGAN):  with r~ = real - mean(fake), f~ = fake - mean(real)
//                                D: (bce(r~, 1) + bce(f~, 0)) / 2   G: (bce(r~, 0) + bce(f~, 1)) / 2
// bce(z, t) = mean(softplus(z) - t z) is binary cross-entropy on logits z
// (torch's BCEWithLogitsLoss), written in a form that never overflows:
//   softplus(z) = log(1 + e^z) = (z + |z|) / 2 + log(1 + e^-|z|)
// (e^-|z| <= 1). Its gradient is sigmoid(z) everywhere, 1/2 at z = 0 exactly.
// The D losses sum the real and fake halves as BasicSR does; LSGAN drops the
// paper's 1/2 factors (BasicSR's choice). Built from engine ops: autograd gives
// the backward and every device is supported.
//
// Gradients: generator_loss differentiates through `fake` (pass D(SR) with the
// graph to G); for ragan it also reads `real`, which the caller should pass
// detached (D(HR) computed under NoGradGuard or .detach()). discriminator_loss
// differentiates through both (pass D(SR.detach()) as fake).
#pragma once

#include <string>

#include "engine/tensor.h"

namespace upres::losses {

enum class GanKind { vanilla, lsgan, ragan };
const char* to_string(GanKind k);
// "vanilla" | "lsgan" | "ragan"; throws upres::Error listing the choices.
GanKind parse_gan_kind(const std::string& s);

// softplus(z), elementwise, overflow-free.
Tensor softplus(const Tensor& z);
// mean(softplus(z) - t z), target t in {0, 1} (any t in [0, 1] works).
Tensor bce_with_logits(const Tensor& z, float target);

Tensor generator_loss(GanKind kind, const Tensor& real, const Tensor& fake);
Tensor discriminator_loss(GanKind kind, const Tensor& real, const Tensor& fake);

}  // namespace upres::losses
