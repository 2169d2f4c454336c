// backends.h - how the simt and cuda devices come to exist: explicit, lazy installation.
//
// The cpu allocator is built into engine/allocator.cpp. The other devices are installed on
// first use: allocator_for(d) and copy_bytes() call ensure_backend(d), which runs the device's
// installer once (std::call_once) and registers its allocator and copy routine through
// register_device().
//
// Why not static initialisers ("a global object whose constructor registers the device")? upres
// is a static library: the linker only pulls in object files that something references, and a
// file whose only job is a self-registering global is referenced by nobody, so the device would
// silently be missing from some programs. A plain call from allocator.cpp cannot be dropped, and
// the order of initialisation is obvious.
//
//   simt  always installed: host memory (engine/backend_simt.cpp), no GPU needed.
//   cuda  installed when the build has UPRES_CUDA=ON and a GPU is present at run time
//         (engine/backend_cuda.cpp); otherwise allocator_for(Device::cuda) throws.
#pragma once

#include "engine/device.h"

namespace upres {

// Installs the backend of `d` if it is built in and present; never throws for absence.
void ensure_backend(Device d);

// True when tensors can be made on `d` in this process (cpu and simt always; cuda with a GPU).
bool device_available(Device d);

namespace detail {
// The installers (one per backend file); each calls register_device() or does nothing.
void install_simt_backend();
void install_cuda_backend();
}  // namespace detail

}  // namespace upres
