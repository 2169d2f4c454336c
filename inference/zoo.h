// zoo.h - the models upres ships, found by name: "espcn" at scale 2 is a file
// espcn_x2.safetensors in one of the model folders.
//
// A shipped model is a file <name>_x<scale>.safetensors. The folders, searched
// in this order (the first file of a name and scale wins):
//   1. $UPRES_MODEL_DIR
//   2. <executable dir>/models/zoo and <executable dir>/../share/upres/models
//   3. <dir of the file holding this code>/../share/upres/models: for a program
//      linked to an installed libupres.so that is <prefix>/share/upres/models,
//      wherever the prefix was moved to
//   4. the install prefix's share/upres/models, as configured (UPRES_INSTALL_ZOO_DIR)
//   5. the source tree's models/zoo (UPRES_ZOO_DIR), for builds run in place.
// The library and the `upres` tool share this search, so a name means the same
// file to both.
//
// "Best" follows the published x4 PSNR ranking of the architectures (Set5, Y):
// RRDBNet (ESRGAN's PSNR model) > EDSR > MSRResNet > DBPN > EDSR baseline >
// SRVGG > LapSRN > VDSR > DSPNet > FSRCNN > ESPCN > SRCNN.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace upres::inference {

struct ShippedModel {
  std::string name;  // "espcn"
  int64_t scale = 0;
  std::string path;
};

// The folders above, in search order (those that do not exist included).
std::vector<std::string> model_dirs();
// Every shipped model found, first folder first; one entry per name and scale.
std::vector<ShippedModel> shipped_models();
// The file for a name and scale (scale 0: 2 if shipped, else the smallest).
// Throws upres::Error listing what is shipped.
ShippedModel shipped_model(const std::string& name, int64_t scale);
// The best architecture shipped for the scale (the ranking above). Throws
// upres::Error listing what is shipped and where it looked.
ShippedModel best_shipped_model(int64_t scale);

}  // namespace upres::inference
