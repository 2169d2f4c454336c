// interrupt.cpp - the flag and the handlers of interrupt.h.
#include "apps/upres/interrupt.h"

namespace upres::cli {
namespace {
volatile std::sig_atomic_t g_requested = 0;
extern "C" void on_stop_signal(int) { g_requested = 1; }
}  // namespace

bool interrupt_requested() { return g_requested != 0; }

InterruptScope::InterruptScope() {
  g_requested = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

}  // namespace upres::cli
