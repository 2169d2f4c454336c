// fiber.cpp - the context switch (hand-written for x86-64, ucontext elsewhere) and fiber stacks.
#include "kernels/simt/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__x86_64__) && !defined(UPRES_SIMT_UCONTEXT)
#define UPRES_SIMT_ASM_SWITCH 1
#else
#include <ucontext.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define UPRES_SIMT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UPRES_SIMT_ASAN 1
#endif
#endif
#if defined(UPRES_SIMT_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

#if defined(UPRES_SIMT_ASM_SWITCH)
// upres_simt_switch(save, load): push the callee-saved registers (System V: rbx, rbp, r12-r15)
// onto the current stack, store rsp into *save, load rsp from load, pop the same registers,
// ret. The SSE/x87 control words (rounding modes) are not switched: all fibers of an OS thread
// share them, as kernels never change them; saving them made a switch ~30% slower. A new fiber's stack is prepared so that this pop sequence
// "returns" into upres_simt_trampoline with r12 = the Fiber* and r13 = Fiber::start.
extern "C" void upres_simt_switch(void** save, void* load);
extern "C" void upres_simt_trampoline();
asm(R"(
  .text
  .globl upres_simt_switch
  .type upres_simt_switch,@function
  .p2align 4
upres_simt_switch:
  .cfi_startproc
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .cfi_endproc
  .size upres_simt_switch, .-upres_simt_switch

  .globl upres_simt_trampoline
  .type upres_simt_trampoline,@function
  .p2align 4
upres_simt_trampoline:
  .cfi_startproc
  .cfi_undefined rip
  movq %r12, %rdi
  callq *%r13
  ud2
  .cfi_endproc
  .size upres_simt_trampoline, .-upres_simt_trampoline
)");
#endif

namespace upres::simt::detail {

namespace {
std::size_t page_size() {
  static const std::size_t p = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return p;
}

#if !defined(UPRES_SIMT_ASM_SWITCH)
// makecontext passes int arguments only: split the pointer in two.
void ucontext_start(unsigned hi, unsigned lo) {
  auto p = (static_cast<uintptr_t>(hi) << 32) | static_cast<uintptr_t>(lo);
  Fiber::start(reinterpret_cast<void*>(p));
}
#endif
}  // namespace

Fiber::Fiber(Entry entry, void* arg, std::size_t stack_bytes) : entry_(entry), arg_(arg) {
  const std::size_t page = page_size();
  stack_bytes_ = (stack_bytes + page - 1) / page * page;
  mapping_bytes_ = stack_bytes_ + page;
  void* m = mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  mapping_ = static_cast<unsigned char*>(m);
  mprotect(mapping_, page, PROT_NONE);  // guard page: stacks grow down into it
  stack_lo_ = mapping_ + page;
  // Cache colouring: stacks are a whole number of pages apart, so without an offset the hot top
  // of every fiber's stack would fall into the same L1 cache sets. Shift each by 0..31 x 128 B.
  static std::atomic<unsigned> fibers{0};
  const std::size_t color = (fibers.fetch_add(1, std::memory_order_relaxed) % 32) * 128;

#if defined(UPRES_SIMT_ASM_SWITCH)
  // Initial frame, from the lowest address: r15, r14, r13, r12, rbx, rbp, return address =
  // trampoline, then 32 bytes of zeros (a null "caller" for debuggers). sp is 8 mod 16, so
  // after 6 pops and the ret the trampoline's rsp (sp + 56) is 16-byte aligned, as the call
  // inside it requires.
  auto top = reinterpret_cast<uintptr_t>(stack_lo_ + stack_bytes_ - color) & ~uintptr_t{15};
  auto* sp = reinterpret_cast<uint64_t*>(top - 11 * 8);
  sp[0] = 0;                                                  // r15
  sp[1] = 0;                                                  // r14
  sp[2] = reinterpret_cast<uint64_t>(&Fiber::start);          // r13
  sp[3] = reinterpret_cast<uint64_t>(this);                   // r12
  sp[4] = 0;                                                  // rbx
  sp[5] = 0;                                                  // rbp
  sp[6] = reinterpret_cast<uint64_t>(&upres_simt_trampoline);  // return address
  sp[7] = sp[8] = sp[9] = sp[10] = 0;
  sp_ = sp;
#else
  auto* uc = new ucontext_t();
  auto* caller = new ucontext_t();
  getcontext(uc);
  uc->uc_stack.ss_sp = stack_lo_;
  uc->uc_stack.ss_size = stack_bytes_ - color;
  uc->uc_link = nullptr;
  auto p = reinterpret_cast<uintptr_t>(this);
  makecontext(uc, reinterpret_cast<void (*)()>(&ucontext_start), 2,
              static_cast<unsigned>(p >> 32), static_cast<unsigned>(p & 0xffffffffu));
  uctx_ = uc;
  caller_uctx_ = caller;
#endif
}

Fiber::~Fiber() {
#if !defined(UPRES_SIMT_ASM_SWITCH)
  delete static_cast<ucontext_t*>(uctx_);
  delete static_cast<ucontext_t*>(caller_uctx_);
#endif
  if (mapping_) munmap(mapping_, mapping_bytes_);
}

void Fiber::start(void* self) {
  auto* f = static_cast<Fiber*>(self);
#if defined(UPRES_SIMT_ASAN)
  __sanitizer_finish_switch_fiber(nullptr, &f->caller_stack_lo_, &f->caller_stack_bytes_);
#endif
  f->entry_(f->arg_);
  std::abort();  // entry functions loop forever; reaching here is a bug in the emulator
}

void Fiber::resume() {
#if defined(UPRES_SIMT_ASAN)
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, stack_lo_, stack_bytes_);
#endif
#if defined(UPRES_SIMT_ASM_SWITCH)
  upres_simt_switch(&caller_sp_, sp_);
#else
  swapcontext(static_cast<ucontext_t*>(caller_uctx_), static_cast<ucontext_t*>(uctx_));
#endif
#if defined(UPRES_SIMT_ASAN)
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
}

void Fiber::suspend() {
#if defined(UPRES_SIMT_ASAN)
  __sanitizer_start_switch_fiber(&fake_stack_, caller_stack_lo_, caller_stack_bytes_);
#endif
#if defined(UPRES_SIMT_ASM_SWITCH)
  upres_simt_switch(&sp_, caller_sp_);
#else
  swapcontext(static_cast<ucontext_t*>(uctx_), static_cast<ucontext_t*>(caller_uctx_));
#endif
#if defined(UPRES_SIMT_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack_, &caller_stack_lo_, &caller_stack_bytes_);
#endif
}

}  // namespace upres::simt::detail
