// adversarial.cpp - GAN losses (formulas in adversarial.h).
#include "losses/adversarial.h"

#include "engine/error.h"
#include "engine/ops.h"

namespace upres::losses {

const char* to_string(GanKind k) {
  switch (k) {
    case GanKind::vanilla: return "vanilla";
    case GanKind::lsgan: return "lsgan";
    case GanKind::ragan: return "ragan";
  }
  return "?";
}

GanKind parse_gan_kind(const std::string& s) {
  if (s == "vanilla") return GanKind::vanilla;
  if (s == "lsgan") return GanKind::lsgan;
  if (s == "ragan") return GanKind::ragan;
  UPRES_FAIL("gan loss: unknown kind '", s, "'; expected vanilla, lsgan or ragan");
}

Tensor softplus(const Tensor& z) {
  Tensor a = abs(z);
  return (z + a) * 0.5f + log(exp(-a) + 1.0f);
}

Tensor bce_with_logits(const Tensor& z, float target) {
  UPRES_CHECK(z.defined() && z.numel() > 0, "bce_with_logits: logits must be a non-empty tensor");
  if (target == 0.0f) return mean(softplus(z));
  return mean(softplus(z) - z * target);
}

namespace {
void check_logits(const char* what, const Tensor& real, const Tensor& fake) {
  UPRES_CHECK(real.defined() && fake.defined() && real.numel() > 0 && fake.numel() > 0, what,
              ": real and fake logits must be non-empty tensors");
}
Tensor mse_to(const Tensor& z, float t) { return mean(square(z - t)); }
}  // namespace

Tensor generator_loss(GanKind kind, const Tensor& real, const Tensor& fake) {
  switch (kind) {
    case GanKind::vanilla:
      UPRES_CHECK(fake.defined() && fake.numel() > 0, "generator_loss (vanilla): empty fake logits");
      return bce_with_logits(fake, 1.0f);
    case GanKind::lsgan:
      UPRES_CHECK(fake.defined() && fake.numel() > 0, "generator_loss (lsgan): empty fake logits");
      return mse_to(fake, 1.0f);
    case GanKind::ragan: {
      check_logits("generator_loss (ragan)", real, fake);
      Tensor r = real - mean(fake), f = fake - mean(real);
      return (bce_with_logits(r, 0.0f) + bce_with_logits(f, 1.0f)) * 0.5f;
    }
  }
  UPRES_FAIL("generator_loss: bad kind");
}

Tensor discriminator_loss(GanKind kind, const Tensor& real, const Tensor& fake) {
  check_logits(kind == GanKind::ragan ? "discriminator_loss (ragan)" : "discriminator_loss", real, fake);
  switch (kind) {
    case GanKind::vanilla: return bce_with_logits(real, 1.0f) + bce_with_logits(fake, 0.0f);
    case GanKind::lsgan: return mse_to(real, 1.0f) + mse_to(fake, 0.0f);
    case GanKind::ragan: {
      Tensor r = real - mean(fake), f = fake - mean(real);
      return (bce_with_logits(r, 1.0f) + bce_with_logits(f, 0.0f)) * 0.5f;
    }
  }
  UPRES_FAIL("discriminator_loss: bad kind");
}

}  // namespace upres::losses
