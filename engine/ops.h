// ops.h - every differentiable op of the engine. Each op checks its arguments
// (throwing upres::Error that names the op and the shapes), runs the kernel of
// the inputs' device, and records its backward (engine/autograd.h).
#pragma once

#include "engine/autograd.h"
#include "engine/ops/activation.h"
#include "engine/ops/color.h"
#include "engine/ops/conv.h"
#include "engine/ops/elementwise.h"
#include "engine/ops/imresize.h"
#include "engine/ops/matmul.h"
#include "engine/ops/norm.h"
#include "engine/ops/reduce.h"
#include "engine/ops/resample.h"
#include "engine/ops/shape.h"
#include "engine/ops/ssim.h"
#include "engine/ops/tv.h"
#include "engine/tensor.h"
