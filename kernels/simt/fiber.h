// fiber.h - a stack of its own and a way to jump into it and back: one CUDA thread of a block.
//
// A fiber is a coroutine with a full stack. resume() (called by the block scheduler) runs the
// fiber until it calls suspend(); suspend() returns to the scheduler, and the next resume()
// continues right after that suspend(). Switching saves and restores only the callee-saved
// registers and the stack pointer (the compiler has already spilled everything else at the call),
// 15 instructions on x86-64 (kernels/simt/fiber.cpp); other architectures use POSIX
// ucontext, which also saves the signal mask with a system call: a barrier-heavy kernel ran
// ~10x slower with it here.
//
// The stack is an mmap'd region with a PROT_NONE guard page below it, so an overflow faults
// instead of corrupting a neighbour. Under AddressSanitizer every switch is announced to it
// (__sanitizer_start/finish_switch_fiber), otherwise it would see the stack pointer jump.
#pragma once

#include <cstddef>

namespace upres::simt::detail {

class Fiber {
 public:
  using Entry = void (*)(void* arg);

  // The fiber starts in entry(arg) on its first resume(). entry must never return.
  Fiber(Entry entry, void* arg, std::size_t stack_bytes);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  void resume();   // scheduler -> fiber; returns when the fiber calls suspend()
  void suspend();  // fiber -> the scheduler that resumed it

  static void start(void* self);  // internal: the first code to run on the new stack

 private:
  Entry entry_;
  void* arg_;
  unsigned char* mapping_ = nullptr;  // guard page + stack
  std::size_t mapping_bytes_ = 0;
  unsigned char* stack_lo_ = nullptr;
  std::size_t stack_bytes_ = 0;

  void* sp_ = nullptr;         // the fiber's saved stack pointer (x86-64 switch)
  void* caller_sp_ = nullptr;  // the scheduler's saved stack pointer
  void* uctx_ = nullptr;       // ucontext_t of the fiber (fallback)
  void* caller_uctx_ = nullptr;

  // AddressSanitizer: the scheduler's stack, learned on each switch into the fiber.
  const void* caller_stack_lo_ = nullptr;
  std::size_t caller_stack_bytes_ = 0;
  void* fake_stack_ = nullptr;
};

}  // namespace upres::simt::detail
