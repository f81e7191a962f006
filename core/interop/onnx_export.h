#pragma once
// ONNX export through the protobuf classes Debian's libonnx-dev generates from onnx.proto.
//
// Opset 13 (ONNX 1.8+), IR version 7. One input, "input": float (N, 784) for a network on flat
// images, float (N, 1, 28, 28) (NCHW, ONNX's convolution layout) for one on 28x28 images; pixels
// in [0, 1] as Digit Studio feeds them. One output, "output": (N, classes), what the network
// computes: probabilities after a final softmax, logits for a model that ends linear.
// Ops: Gemm (Dense, kernel stored (out, in) with transB = 1), Conv, MaxPool, BatchNormalization (inference, epsilon 0.001), Relu, Tanh,
// Sigmoid, Softmax, Elu, LeakyRelu, Softplus, Softsign, HardSigmoid; Dropout is left out
// (identity at inference). Our channels-last tensors become NCHW: kernels (kh, kw, in, out) go
// to (out, in, kh, kw), and a Transpose back to (N, H, W, C) before each Flatten keeps Keras's
// (height, width, channel) order that the following Dense weights expect.
#include "model_io.h"

#include <string>

namespace digit::interop {

inline constexpr int kOnnxOpset = 13;

// The serialised ModelProto.
std::string onnx_model_bytes(const ModelSpec& spec, const std::vector<float>& parameters, const std::string& name);
// Writes it atomically; throws FileError / ConfigError.
void export_onnx(const std::string& path, const ModelFile& model);

}  // namespace digit::interop
