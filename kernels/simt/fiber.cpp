// fiber.cpp - the context switch (hand-written for x86-64, ucontext elsewhere) and fiber stacks.
#include "kernels/simt/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

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
// and the SSE/x87 control words onto the current stack, store rsp into *save, load rsp from
// load, pop the same things, ret. A new fiber's stack is prepared so that this pop sequence
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
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
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

#if defined(UPRES_SIMT_ASM_SWITCH)
  // Initial frame, from the lowest address: control words, r15, r14, r13, r12, rbx, rbp,
  // return address = trampoline, then 16 bytes of zeros (a null "caller" for debuggers).
  // After the ret the trampoline's rsp is 16-byte aligned, as the call inside it requires.
  auto top = reinterpret_cast<uintptr_t>(stack_lo_ + stack_bytes_) & ~uintptr_t{15};
  auto* sp = reinterpret_cast<uint64_t*>(top - 16 - 8 * 8);
  uint32_t mxcsr = 0;
  uint16_t fpucw = 0;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(fpucw));
  sp[0] = static_cast<uint64_t>(mxcsr) | (static_cast<uint64_t>(fpucw) << 32);
  sp[1] = 0;                                                  // r15
  sp[2] = 0;                                                  // r14
  sp[3] = reinterpret_cast<uint64_t>(&Fiber::start);          // r13
  sp[4] = reinterpret_cast<uint64_t>(this);                   // r12
  sp[5] = 0;                                                  // rbx
  sp[6] = 0;                                                  // rbp
  sp[7] = reinterpret_cast<uint64_t>(&upres_simt_trampoline);  // return address
  sp[8] = 0;
  sp[9] = 0;
  sp_ = sp;
#else
  auto* uc = new ucontext_t();
  auto* caller = new ucontext_t();
  getcontext(uc);
  uc->uc_stack.ss_sp = stack_lo_;
  uc->uc_stack.ss_size = stack_bytes_;
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
