#!/usr/bin/env python3
"""Writes the small ONNX models the ONNX tests use into the folder given as the only argument.

Made with Debian's python3-onnx (scripts/install-deps.sh --test); nothing is downloaded. Every model takes the
image tensor convention of src/MediaRunner/Onnx (float32 in 0..1) and is tiny:
  invert.onnx        [1,3,H,W] -> 1 - x (dynamic H, W)
  invert_fixed.onnx  [1,3,48,64] -> 1 - x (fixed size: the frame is resized in and out)
  invert_nhwc.onnx   [1,H,W,3] -> 1 - x (channels last)
  blur3.onnx         [1,3,H,W] -> 3x3 box blur per channel (a depthwise Conv, zero padding 1)
  mask_left.onnx     [1,3,120,160] -> [1,1,120,160]: 1 on the left half, 0 on the right
  mean_raw.onnx      [1,3,H,W] -> "mean" [1,3] (per-channel mean) and "max" [1] (the largest value)
  gray1.onnx         [1,1,H,W] -> same (one channel: not an image model; start-up must refuse it)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 13)]


def save(graph, path):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="webrtcbridge-tests")
    model.ir_version = 7  # readable by every onnxruntime since 1.8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def image(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def invert(path, in_shape, out_shape):
    one = numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one")
    node = helper.make_node("Sub", ["one", "image"], ["output"])
    save(helper.make_graph([node], "invert", [image("image", in_shape)], [image("output", out_shape)], [one]), path)


def main(folder):
    invert(f"{folder}/invert.onnx", [1, 3, "H", "W"], [1, 3, "H", "W"])
    invert(f"{folder}/invert_fixed.onnx", [1, 3, 48, 64], [1, 3, 48, 64])
    invert(f"{folder}/invert_nhwc.onnx", [1, "H", "W", 3], [1, "H", "W", 3])

    w = numpy_helper.from_array(np.full((3, 1, 3, 3), 1.0 / 9.0, dtype=np.float32), "w")
    conv = helper.make_node("Conv", ["image", "w"], ["output"], group=3, pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    save(helper.make_graph([conv], "blur3", [image("image", [1, 3, "H", "W"])], [image("output", [1, 3, "H", "W"])], [w]),
         f"{folder}/blur3.onnx")

    mask = np.zeros((1, 1, 120, 160), dtype=np.float32)
    mask[:, :, :, :80] = 1.0
    # mask + 0 * mean(image): the output depends on the input, as a real segmentation model's does.
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["m"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Mul", ["m", "zero"], ["z"]),
        helper.make_node("Add", ["mask", "z"], ["output"]),
    ]
    inits = [numpy_helper.from_array(mask, "mask"), numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero")]
    save(helper.make_graph(nodes, "mask_left", [image("image", [1, 3, 120, 160])], [image("output", [1, 1, 120, 160])],
                           inits), f"{folder}/mask_left.onnx")

    nodes = [
        helper.make_node("ReduceMean", ["image"], ["mean"], axes=[2, 3], keepdims=0),
        helper.make_node("ReduceMax", ["image"], ["max"], axes=[1, 2, 3], keepdims=0),
    ]
    save(helper.make_graph(nodes, "mean_raw", [image("image", [1, 3, "H", "W"])],
                           [image("mean", [1, 3]), image("max", [1])]), f"{folder}/mean_raw.onnx")

    node = helper.make_node("Identity", ["image"], ["output"])
    save(helper.make_graph([node], "gray1", [image("image", [1, 1, "H", "W"])], [image("output", [1, 1, "H", "W"])]),
         f"{folder}/gray1.onnx")


if __name__ == "__main__":
    main(sys.argv[1])
