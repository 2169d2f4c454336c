#include "engine/backends.h"

#include <mutex>

#include "engine/allocator.h"
#include "engine/error.h"

namespace upres {

void ensure_backend(Device d) {
  static std::once_flag simt_once, cuda_once;
  switch (d) {
    case Device::cpu: return;  // built into allocator.cpp
    case Device::simt: std::call_once(simt_once, detail::install_simt_backend); return;
    case Device::cuda: std::call_once(cuda_once, detail::install_cuda_backend); return;
  }
}

bool device_available(Device d) {
  try {
    allocator_for(d);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace upres
