#!/usr/bin/env python3
"""Checks the committed models against models/accuracy.csv with ONNX Runtime, without torch.

For every row of accuracy.csv: the file's SHA-256, the ONNX checker, the input/output contract
(x float32 with a dynamic batch, logits float32 [N,10]), the operators (allowed list, and
BatchNormalization kept in the CNN), and the ONNX Runtime top-1 on the test set, which must equal
the recorded count. Prints one line per model with its operators and file size; exit code 1 if
anything differs, 2 on bad input.

  .venv/bin/python models/check.py
"""

import csv
import hashlib
import sys
from pathlib import Path

import numpy as np

import train

REPO = train.REPO


def fail(message):
  print(f"check.py: {message}", file=sys.stderr)
  return 1


def check_bert(row):
  """The text model: three int64 inputs, its own test set (train_bert.py)."""
  import onnx
  import train_bert
  path = REPO / row["file"]
  if hashlib.sha256(path.read_bytes()).hexdigest() != row["sha256"]:
    return fail(f"{row['file']}: SHA-256 differs from accuracy.csv")
  proto = onnx.load(str(path))
  onnx.checker.check_model(proto, full_check=True)
  sig = [(i.name, i.type.tensor_type.elem_type,
          [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim])
         for i in proto.graph.input]
  if sig != [(name, 7, ["N", train_bert.SEQ]) for name in train_bert.INPUTS]:
    return fail(f"{row['file']}: inputs {sig}")
  ops = sorted({n.op_type for n in proto.graph.node})
  if set(ops) - train.ALLOWED_OPS:
    return fail(f"{row['file']}: operators outside the allowed list: "
                f"{sorted(set(ops) - train.ALLOWED_OPS)}")
  if train_bert.count_macs(path) != int(row["macs_per_image"]):
    return fail(f"{row['file']}: MAC count differs from accuracy.csv")
  with np.load(REPO / train_bert.DATA_FILE) as z:
    xs, y, recorded = [z[k] for k in train_bert.INPUTS], z["y"], z["ort_pred"]
  fresh = train_bert.make_data(int(row["seed"]), 0)["test"]
  if not all(np.array_equal(a, b) for a, b in zip(xs + [y], fresh)):
    return fail(f"{train_bert.DATA_FILE}: not the test split train_bert.py generates")
  pred = train_bert.run_onnxruntime(path, xs, threads=2).argmax(1)
  correct = int((pred == y).sum())
  if correct != int(row["onnxruntime_correct"]) or not np.array_equal(pred, recorded):
    return fail(f"{row['file']}: ONNX Runtime gets {correct} right "
                f"({int((pred != recorded).sum())} predictions differ from ort_pred), "
                f"accuracy.csv says {row['onnxruntime_correct']}")
  print(f"{row['model']}: {correct}/{len(y)} = {100 * correct / len(y):.2f}% (as recorded), "
        f"{path.stat().st_size} bytes, ops {' '.join(ops)}")
  return 0


def check_row(row, fmnist_test, digits_npz):
  import onnx
  if row["model"] == "bert":
    return check_bert(row)
  path = REPO / row["file"]
  if hashlib.sha256(path.read_bytes()).hexdigest() != row["sha256"]:
    return fail(f"{row['file']}: SHA-256 differs from accuracy.csv")
  proto = onnx.load(str(path))
  onnx.checker.check_model(proto, full_check=True)
  opset = {o.domain: o.version for o in proto.opset_import}.get("", None)
  if opset != int(row["opset"]):
    return fail(f"{row['file']}: opset {opset}, accuracy.csv says {row['opset']}")
  (inp,), (out,) = proto.graph.input, proto.graph.output
  in_dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
  out_dims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
  want_in = ["N"] + [int(d) for d in row["input_shape"].split(",")[1:]]
  if (inp.name, inp.type.tensor_type.elem_type, in_dims) != ("x", 1, want_in) or \
     (out.name, out.type.tensor_type.elem_type, out_dims) != ("logits", 1, ["N", 10]):
    return fail(f"{row['file']}: signature {inp.name}{in_dims} -> {out.name}{out_dims}")
  ops = sorted({n.op_type for n in proto.graph.node})
  if set(ops) - train.ALLOWED_OPS:
    return fail(f"{row['file']}: operators outside the allowed list: "
                f"{sorted(set(ops) - train.ALLOWED_OPS)}")
  if row["model"] == "cnn" and "BatchNormalization" not in ops:
    return fail(f"{row['file']}: no BatchNormalization node")
  if train.count_macs(path) != int(row["macs_per_image"]):
    return fail(f"{row['file']}: MAC count differs from accuracy.csv")

  x, y = fmnist_test if row["dataset"] == "fashion-mnist" else digits_npz
  if len(y) != int(row["test_images"]):
    return fail(f"{row['file']}: {len(y)} test images, accuracy.csv says {row['test_images']}")
  pred = train.run_onnxruntime(path, x, threads=2).argmax(1)
  correct = int((pred == y).sum())
  if correct != int(row["onnxruntime_correct"]):
    return fail(f"{row['file']}: ONNX Runtime gets {correct} right, accuracy.csv says "
                f"{row['onnxruntime_correct']}")
  print(f"{row['model']}: {correct}/{len(y)} = {100 * correct / len(y):.2f}% (as recorded), "
        f"{path.stat().st_size} bytes, ops {' '.join(ops)}")
  return 0


def main():
  rows = train.read_csv_rows(REPO / train.ACCURACY_CSV)
  if not rows:
    print(f"check.py: error: {train.ACCURACY_CSV}: missing or empty", file=sys.stderr)
    return 2
  try:
    fmnist_test = train.load_fmnist(train.FMNIST_DIR, "t10k")
  except train.InputError as e:
    print(f"check.py: error: {e}", file=sys.stderr)
    return 2
  with np.load(REPO / train.TEST_MODELS / "digits_test.npz") as z:
    digits_npz = (z["x"], z["y"])
  x_all, y_all = train.load_digits(REPO / train.DIGITS_CSV)
  if not (np.array_equal(digits_npz[0], x_all[-train.DIGITS_TEST_ROWS:])
          and np.array_equal(digits_npz[1], y_all[-train.DIGITS_TEST_ROWS:])
          and digits_npz[0].dtype == np.float32 and digits_npz[1].dtype == np.int64):
    return fail("digits_test.npz is not the last rows of digits.csv.gz / 16")
  return max(check_row(row, fmnist_test, digits_npz) for row in rows.values())


if __name__ == "__main__":
  sys.exit(main())
