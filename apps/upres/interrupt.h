// interrupt.h - Ctrl-C (SIGINT) and SIGTERM as a request to stop cleanly.
//
// Killed by the default handler, a command would leave what it was writing
// behind: a training run its progress since the last checkpoint, `upres
// upscale` its half-written temporary file (a streamed PNG is written for
// minutes). While an InterruptScope lives, both signals only set a flag; the
// command polls interrupt_requested() at safe points - between training steps,
// between the bands of an upscale - and winds down: training saves its
// checkpoint, an upscale throws Interrupted, whose unwinding removes the
// temporary file (engine/fileio.h, AtomicFile). main() exits with 130, the
// shell's code for "ended by SIGINT". The previous handlers return with the scope.
#pragma once

#include <csignal>
#include <stdexcept>

namespace upres::cli {

// Thrown by a command that stops because of a signal; main() prints it, exits 130.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool interrupt_requested();

class InterruptScope {
 public:
  InterruptScope();  // installs the handlers and clears the flag
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

}  // namespace upres::cli
