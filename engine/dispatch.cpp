#include "engine/dispatch.h"

namespace upres {

namespace {
thread_local kern::Context t_contexts[3];
}

kern::Context& kernel_context(Device d) { return t_contexts[static_cast<int>(d)]; }

void set_cpu_threads(int threads) { t_contexts[0].threads = threads; }

}  // namespace upres
