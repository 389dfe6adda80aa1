#!/usr/bin/env python3
"""Train, export and check exmy's reference FP32 models.

Regenerates the committed ONNX models and models/accuracy.csv (see models/README.md):

  fmnist_mlp.onnx, fmnist_cnn.onnx, fmnist_vit.onnx   Fashion-MNIST, input x float32 [N,1,28,28]
  digits_mlp.onnx, digits_test.npz                    scikit-learn digits test fixture, x [N,64]

Every model is trained on the CPU by default, seeded, with deterministic algorithms, exported with
the TorchScript ONNX exporter (opset 17), then read back with ONNX Runtime, which must agree with
PyTorch on the test set. The main product never runs this script; it only rebuilds the files.

Usage (from the repository root):
  .venv/bin/python models/train.py                      # everything: 47 min on the loaded shared 2-core machine
  .venv/bin/python models/train.py --only cnn,digits    # some models; other csv rows are kept
  .venv/bin/python models/train.py --quick --out /tmp/x # smoke test: tiny subsets, 1 epoch

Bad input (a missing or malformed data file, a bad option) ends with one line on stderr and exit
code 2. Outputs are written to a temporary file in the same folder, then renamed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import math
import os
import random
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Threads that wait sleep instead of spinning: on a shared, loaded machine spinning OpenMP
# threads made training 4x slower (measured); set before torch loads its OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

REPO = Path(__file__).resolve().parent.parent
FMNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
MAIN_MODELS = Path("nn/src/main/resources/org/exmy/nn/models")
TEST_MODELS = Path("nn/src/test/resources/org/exmy/nn/models")
DIGITS_CSV = Path("nn/src/test/resources/org/exmy/nn/data/digits.csv.gz")
ACCURACY_CSV = Path("models/accuracy.csv")
OPSET = 17
DIGITS_TEST_ROWS = 360  # the last 360 of the 1797 rows (20 %, rounded up) are the test split

# The only ONNX operators the exported graphs may use (the Java engine's list).
ALLOWED_OPS = frozenset(
    "Conv Gemm MatMul Add Sub Mul Div Relu Clip Sigmoid Tanh Erf MaxPool AveragePool "
    "GlobalAveragePool BatchNormalization Flatten Reshape Transpose Concat Squeeze Unsqueeze "
    "Softmax LayerNormalization ReduceMean Pow Sqrt Identity Dropout Shape Gather Slice Split "
    "Cast Expand ConstantOfShape Constant".split())

CSV_FIELDS = [
    "model", "file", "dataset", "split", "input_shape", "test_images", "torch_correct",
    "torch_top1", "onnxruntime_correct", "onnxruntime_top1", "argmax_disagreements",
    "max_abs_logit_diff", "macs_per_image", "params", "opset", "torch_version",
    "onnxruntime_version", "seed", "epochs", "threads", "device", "train_seconds", "sha256",
]


class InputError(Exception):
  """Bad input (data file, option): reported as one line on stderr, exit code 2."""


# ---------------------------------------------------------------------------------------------
# Data


def read_idx_gz(path: Path) -> np.ndarray:
  """Reads a gzip-compressed IDX file of unsigned bytes (the MNIST container format).

  Layout: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions, one
  big-endian uint32 per dimension, then the data in row-major order.
  """
  try:
    with gzip.open(path, "rb") as f:
      data = f.read()
  except (OSError, EOFError) as e:
    raise InputError(f"{path}: cannot read gzip IDX file ({e})") from e
  if len(data) < 4:
    raise InputError(f"{path}: too short for an IDX header")
  zero, dtype, ndim = struct.unpack(">HBB", data[:4])
  if zero != 0 or dtype != 0x08 or ndim == 0:
    raise InputError(f"{path}: not an IDX file of unsigned bytes (header {data[:4].hex()})")
  header = 4 + 4 * ndim
  if len(data) < header:
    raise InputError(f"{path}: truncated IDX header")
  dims = struct.unpack(f">{ndim}I", data[4:header])
  if len(data) - header != math.prod(dims):
    raise InputError(f"{path}: {len(data) - header} data bytes, the header announces "
                     f"{math.prod(dims)} for shape {dims}")
  return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def load_fmnist(folder: Path, split: str):
  """Returns (x float32 [N,1,28,28] = uint8 / 255, y int64 [N]) of split 'train' or 't10k'."""
  images = read_idx_gz(folder / f"{split}-images-idx3-ubyte.gz")
  labels = read_idx_gz(folder / f"{split}-labels-idx1-ubyte.gz")
  if images.ndim != 3 or images.shape[1:] != (28, 28):
    raise InputError(f"{folder}/{split}-images-idx3-ubyte.gz: shape {images.shape}, "
                     "expected [N,28,28]")
  if labels.shape != images.shape[:1] or labels.max() > 9:
    raise InputError(f"{folder}/{split}-labels-idx1-ubyte.gz: {labels.shape[0]} labels "
                     f"(max {labels.max()}) for {images.shape[0]} images")
  x = (images.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28)
  return x, labels.astype(np.int64)


def load_digits(path: Path):
  """Returns (x float32 [1797,64] = value / 16, y int64) of scikit-learn's digits.csv.gz."""
  try:
    with gzip.open(path, "rt", encoding="ascii") as f:
      rows = [line.strip().split(",") for line in f if line.strip()]
    table = np.array(rows, dtype=np.int64)
  except (OSError, EOFError, ValueError, UnicodeDecodeError) as e:
    raise InputError(f"{path}: cannot read the digits table ({e})") from e
  if table.ndim != 2 or table.shape[1] != 65:
    raise InputError(f"{path}: expected 65 integer columns (64 pixels, label), "
                     f"got shape {table.shape}")
  if table[:, :64].min() < 0 or table[:, :64].max() > 16 or table[:, 64].max() > 9:
    raise InputError(f"{path}: pixel outside 0..16 or label outside 0..9")
  return (table[:, :64].astype(np.float32) / np.float32(16.0)), table[:, 64].copy()


# ---------------------------------------------------------------------------------------------
# Models (built lazily so that --help works without torch)


def build_models():
  import torch
  from torch import nn

  class FmnistMlp(nn.Module):
    """Flatten, 784-256-128-10 with ReLU."""

    def __init__(self):
      super().__init__()
      self.fc1 = nn.Linear(784, 256)
      self.fc2 = nn.Linear(256, 128)
      self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
      x = torch.flatten(x, 1)
      x = torch.relu(self.fc1(x))
      x = torch.relu(self.fc2(x))
      return self.fc3(x)

  class FmnistCnn(nn.Module):
    """conv3x3(1->16)-BN-ReLU-maxpool2, conv3x3(16->32)-BN-ReLU-maxpool2, 1568-64-ReLU-10."""

    def __init__(self):
      super().__init__()
      # No conv bias: the following BatchNormalization has its own shift.
      self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
      self.bn1 = nn.BatchNorm2d(16)
      self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
      self.bn2 = nn.BatchNorm2d(32)
      self.fc1 = nn.Linear(32 * 7 * 7, 64)
      self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
      x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
      x = torch.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
      return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))

  class Attention(nn.Module):
    """Multi-head self-attention from plain Linear/Reshape/Transpose/MatMul/Softmax."""

    def __init__(self, dim, heads, tokens):
      super().__init__()
      self.heads, self.tokens, self.dim = heads, tokens, dim
      self.head_dim = dim // heads
      self.scale = self.head_dim ** -0.5  # 0.25 for 16-wide heads: a power of two
      self.q = nn.Linear(dim, dim)
      self.k = nn.Linear(dim, dim)
      self.v = nn.Linear(dim, dim)
      self.proj = nn.Linear(dim, dim)

    def split(self, t):
      # [N,T,D] -> [N,H,T,D/H]; -1 keeps the batch dimension dynamic with a constant shape.
      return t.reshape(-1, self.tokens, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
      q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
      att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) * self.scale, dim=-1)
      out = torch.matmul(att, v).transpose(1, 2).reshape(-1, self.tokens, self.dim)
      return self.proj(out)

  class Block(nn.Module):
    """Pre-norm encoder block: x + attn(LN(x)), then x + MLP(LN(x)) with exact (erf) GELU."""

    def __init__(self, dim, heads, mlp, tokens):
      super().__init__()
      self.ln1 = nn.LayerNorm(dim)
      self.attn = Attention(dim, heads, tokens)
      self.ln2 = nn.LayerNorm(dim)
      self.fc1 = nn.Linear(dim, mlp)
      self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x):
      x = x + self.attn(self.ln1(x))
      return x + self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))

  class FmnistVit(nn.Module):
    """7x7 patches (16 tokens) -> dim 64, learned positions, 3 blocks, mean pooling, LN, head."""

    def __init__(self, dim=64, depth=3, heads=4, mlp=128):
      super().__init__()
      self.dim, self.tokens = dim, 16
      self.patch = nn.Conv2d(1, dim, 7, stride=7)
      self.pos = nn.Parameter(torch.zeros(1, self.tokens, dim))
      nn.init.trunc_normal_(self.pos, std=0.02)
      self.blocks = nn.ModuleList(Block(dim, heads, mlp, self.tokens) for _ in range(depth))
      self.norm = nn.LayerNorm(dim)
      self.head = nn.Linear(dim, 10)
      for m in self.modules():
        if isinstance(m, nn.Linear):
          nn.init.trunc_normal_(m.weight, std=0.02)
          nn.init.zeros_(m.bias)

    def forward(self, x):
      x = self.patch(x).reshape(-1, self.dim, self.tokens).transpose(1, 2) + self.pos
      for block in self.blocks:
        x = block(x)
      return self.head(torch.mean(self.norm(x), dim=1))

  class DigitsMlp(nn.Module):
    """64-32-10 with ReLU, input [N,64]."""

    def __init__(self):
      super().__init__()
      self.fc1 = nn.Linear(64, 32)
      self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
      return self.fc2(torch.relu(self.fc1(x)))

  return {"mlp": FmnistMlp, "cnn": FmnistCnn, "vit": FmnistVit, "digits": DigitsMlp}


@dataclass(frozen=True)
class Recipe:
  """How one model is trained."""
  file: Path
  dataset: str
  epochs: int
  batch: int
  lr: float
  weight_decay: float
  optimizer: str  # "adamw" or "sgd" (momentum 0.9, Nesterov)
  augment: str  # "crop+flip": random crop (2-pixel zero padding) + h-flip; "flip"; "none"
  label_smoothing: float
  warmup_epochs: float


RECIPES = {
    "mlp": Recipe(MAIN_MODELS / "fmnist_mlp.onnx", "fashion-mnist", 20, 128, 1e-3, 1e-2,
                  "adamw", "none", 0.0, 0.0),
    "cnn": Recipe(MAIN_MODELS / "fmnist_cnn.onnx", "fashion-mnist", 30, 128, 0.05, 5e-4,
                  "sgd", "crop+flip", 0.0, 0.5),
    "vit": Recipe(MAIN_MODELS / "fmnist_vit.onnx", "fashion-mnist", 40, 128, 1e-3, 5e-2,
                  "adamw", "crop+flip", 0.1, 2.0),
    "digits": Recipe(TEST_MODELS / "digits_mlp.onnx", "sklearn-digits", 60, 32, 3e-3, 1e-2,
                     "adamw", "none", 0.0, 0.0),
}


# ---------------------------------------------------------------------------------------------
# Training


def seed_everything(seed: int):
  os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS
  import torch
  random.seed(seed)
  np.random.seed(seed)
  torch.manual_seed(seed)
  torch.use_deterministic_algorithms(True)


def augment_batch(xb, gen, mode: str, pad=2):
  """Random crop of the zero-padded image (shift by up to `pad` pixels) and/or random h-flip."""
  import torch
  n, _, h, w = xb.shape
  if "crop" not in mode:
    pad = 0
  padded = torch.nn.functional.pad(xb, (pad, pad, pad, pad))
  oy = torch.randint(0, 2 * pad + 1, (n,), generator=gen, device=xb.device)
  ox = torch.randint(0, 2 * pad + 1, (n,), generator=gen, device=xb.device)
  rows = (oy[:, None] + torch.arange(h, device=xb.device))[:, :, None]
  cols = (ox[:, None] + torch.arange(w, device=xb.device))[:, None, :]
  out = padded[torch.arange(n, device=xb.device)[:, None, None], 0, rows, cols].unsqueeze(1)
  if "flip" not in mode:
    return out
  flip = torch.rand(n, generator=gen, device=xb.device) < 0.5
  return torch.where(flip[:, None, None, None], out.flip(3), out)


def make_optimizer(model, recipe: Recipe, steps: int):
  import torch
  decay = [p for n, p in model.named_parameters() if p.ndim > 1 and not n.endswith("pos")]
  keep = [p for n, p in model.named_parameters() if p.ndim <= 1 or n.endswith("pos")]
  groups = [{"params": decay, "weight_decay": recipe.weight_decay},
            {"params": keep, "weight_decay": 0.0}]
  if recipe.optimizer == "sgd":
    opt = torch.optim.SGD(groups, lr=recipe.lr, momentum=0.9, nesterov=True)
  else:
    opt = torch.optim.AdamW(groups, lr=recipe.lr)
  warmup = recipe.warmup_epochs * steps / recipe.epochs

  def factor(step):  # linear warm-up, then cosine decay to zero
    if step < warmup:
      return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1.0, steps - warmup)))

  return opt, torch.optim.lr_scheduler.LambdaLR(opt, factor)


def train(model, recipe: Recipe, x, y, epochs: int, seed: int, device):
  import torch
  import torch.nn.functional as F
  gen = torch.Generator(device=device).manual_seed(seed)
  n = x.shape[0]
  steps_per_epoch = math.ceil(n / recipe.batch)
  opt, sched = make_optimizer(model, recipe, steps_per_epoch * epochs)
  model.train()
  for epoch in range(epochs):
    start, total_loss, correct = time.time(), 0.0, 0
    perm = torch.randperm(n, generator=gen, device=device)
    for i in range(0, n, recipe.batch):
      idx = perm[i:i + recipe.batch]
      xb, yb = x[idx], y[idx]
      if recipe.augment != "none":
        xb = augment_batch(xb, gen, recipe.augment)
      logits = model(xb)
      loss = F.cross_entropy(logits, yb, label_smoothing=recipe.label_smoothing)
      opt.zero_grad(set_to_none=True)
      loss.backward()
      opt.step()
      sched.step()
      total_loss += loss.item() * len(idx)
      correct += (logits.argmax(1) == yb).sum().item()
    print(f"  epoch {epoch + 1}/{epochs}: loss {total_loss / n:.4f}, "
          f"train top-1 {100 * correct / n:.2f}%, {time.time() - start:.1f} s",
          file=sys.stderr, flush=True)


def predict(model, x, batch=1000):
  import torch
  model.eval()
  with torch.no_grad():
    return torch.cat([model(x[i:i + batch]) for i in range(0, x.shape[0], batch)]).cpu().numpy()


# ---------------------------------------------------------------------------------------------
# Export and check


def atomic_write(path: Path, write):
  """Calls write(temp_path) on a temporary file next to `path`, then renames it onto `path`."""
  path.parent.mkdir(parents=True, exist_ok=True)
  fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
  os.close(fd)
  try:
    write(Path(tmp))
    os.chmod(tmp, 0o644)  # mkstemp makes it 0600
    os.replace(tmp, path)
  except BaseException:
    Path(tmp).unlink(missing_ok=True)
    raise


def export_onnx(model, example, path: Path, metadata: dict):
  """TorchScript export, opset 17, dynamic batch. TrainingMode.PRESERVE on an eval-mode model
  exports it for inference but skips the exporter's eval peephole pass, the one that folds
  BatchNormalization into the preceding Conv; other constant folding stays on."""
  import onnx
  import torch
  model.eval()

  def write(tmp: Path):
    torch.onnx.export(
        model, (example,), str(tmp), dynamo=False, opset_version=OPSET, input_names=["x"],
        output_names=["logits"], dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}},
        training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
        export_params=True)
    proto = onnx.load(str(tmp))
    name_transposed_weights(proto)
    for key, value in metadata.items():
      entry = proto.metadata_props.add()
      entry.key, entry.value = key, str(value)
    onnx.checker.check_model(proto, full_check=True)
    onnx.save(proto, str(tmp))

  atomic_write(path, write)


def name_transposed_weights(proto):
  """Renames the exporter's 'onnx::MatMul_<n>' initializers (Linear weights that it stored
  transposed, [in,out], for a MatMul on a 3-D input) after their layer: '<layer>.weight_t'."""
  renames = {}
  for node in proto.graph.node:
    if node.op_type == "MatMul" and node.input[1].startswith("onnx::MatMul"):
      if node.input[1] not in renames:
        layer = node.name.strip("/").rsplit("/", 1)[0].replace("/", ".")
        renames[node.input[1]] = f"{layer}.weight_t"
      node.input[1] = renames[node.input[1]]
  for init in proto.graph.initializer:
    init.name = renames.get(init.name, init.name)
  for vi in proto.graph.input:  # absent with opset >= 9 exports, kept for safety
    vi.name = renames.get(vi.name, vi.name)


def op_types(path: Path):
  import onnx
  return sorted({n.op_type for n in onnx.load(str(path)).graph.node})


def count_macs(path: Path) -> int:
  """Multiply-accumulates per image of the Conv, Gemm and MatMul nodes, from ONNX shape
  inference with the batch fixed to 1 (BatchNormalization, LayerNormalization, Softmax and the
  attention scale are not counted)."""
  import onnx
  proto = onnx.load(str(path))
  dim = proto.graph.input[0].type.tensor_type.shape.dim[0]
  dim.Clear()
  dim.dim_value = 1
  proto = onnx.shape_inference.infer_shapes(proto, strict_mode=True)
  shapes = {t.name: list(t.dims) for t in proto.graph.initializer}
  for vi in list(proto.graph.value_info) + list(proto.graph.input) + list(proto.graph.output):
    shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
  macs = 0
  for node in proto.graph.node:
    if node.op_type == "Conv":  # every output element: Cin/group * kh * kw products
      macs += math.prod(shapes[node.output[0]]) * math.prod(shapes[node.input[1]][1:])
    elif node.op_type == "Gemm":
      trans_a = any(a.name == "transA" and a.i for a in node.attribute)
      k = shapes[node.input[0]][0 if trans_a else 1]
      macs += math.prod(shapes[node.output[0]]) * k
    elif node.op_type == "MatMul":
      macs += math.prod(shapes[node.output[0]]) * shapes[node.input[0]][-1]
  return macs


def run_onnxruntime(path: Path, x: np.ndarray, threads: int, batch=1000) -> np.ndarray:
  import onnxruntime as ort
  options = ort.SessionOptions()
  options.intra_op_num_threads = threads
  options.inter_op_num_threads = 1
  session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
  (inp,) = session.get_inputs()
  (out,) = session.get_outputs()
  if inp.name != "x" or out.name != "logits":
    raise RuntimeError(f"{path}: input/output are {inp.name}/{out.name}, expected x/logits")
  # Uneven batches on purpose: checks that the batch dimension is really dynamic.
  parts, i = [], 0
  while i < x.shape[0]:
    n = batch if i else 7
    parts.append(session.run(["logits"], {"x": x[i:i + n]})[0])
    i += n
  return np.concatenate(parts)


def sha256(path: Path) -> str:
  return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Main


def parse_args(argv):
  p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              epilog="\n\n".join(__doc__.split("\n\n")[1:]))
  p.add_argument("--only", default="mlp,cnn,vit,digits",
                 help="comma-separated models to train: mlp,cnn,vit,digits (default: all)")
  p.add_argument("--seed", type=int, default=0, help="seed of every generator (default 0)")
  p.add_argument("--threads", type=int, default=2, help="torch/onnxruntime threads (default 2)")
  p.add_argument("--data", type=Path, default=FMNIST_DIR,
                 help=f"folder of the four Fashion-MNIST .gz files (default {FMNIST_DIR})")
  p.add_argument("--out", type=Path, default=REPO,
                 help="root under which the model files and accuracy.csv are written "
                      "(default: the repository)")
  p.add_argument("--device", default="cpu", help="torch device (default cpu; e.g. cuda)")
  p.add_argument("--quick", action="store_true",
                 help="smoke test: 1 epoch on 2,000 training images (use with --out)")
  args = p.parse_args(argv)
  args.only = [m for m in args.only.split(",") if m]
  bad = [m for m in args.only if m not in RECIPES]
  if bad or not args.only:
    raise InputError(f"--only: unknown model {','.join(bad) or '(none)'}; "
                     f"known: {','.join(RECIPES)}")
  if args.quick and args.out.resolve() == REPO:
    raise InputError("--quick: give --out DIR, the quick models must not replace the committed ones")
  if args.threads < 1:
    raise InputError(f"--threads: {args.threads} is not a positive count")
  return args


def read_csv_rows(path: Path):
  if not path.exists():
    return {}
  with open(path, newline="") as f:
    return {row["model"]: row for row in csv.DictReader(f)}


def main(argv):
  args = parse_args(argv)
  import onnxruntime as ort
  import torch
  torch.set_num_threads(args.threads)
  device = torch.device(args.device)
  models = build_models()

  fmnist = digits = None
  if any(m != "digits" for m in args.only):
    xtr, ytr = load_fmnist(args.data, "train")
    xte, yte = load_fmnist(args.data, "t10k")
    fmnist = (xtr, ytr, xte, yte)
  if "digits" in args.only:
    x, y = load_digits(REPO / DIGITS_CSV)
    cut = x.shape[0] - DIGITS_TEST_ROWS
    digits = (x[:cut], y[:cut], x[cut:], y[cut:])

  rows = read_csv_rows(args.out / ACCURACY_CSV)
  for name in args.only:
    recipe = RECIPES[name]
    xtr, ytr, xte, yte = fmnist if recipe.dataset == "fashion-mnist" else digits
    epochs = recipe.epochs
    if args.quick:
      xtr, ytr, epochs = xtr[:2000], ytr[:2000], 1
    print(f"{name}: {epochs} epochs on {xtr.shape[0]} images, {args.device}, "
          f"{args.threads} threads", file=sys.stderr, flush=True)

    seed_everything(args.seed)
    model = models[name]().to(device)
    start = time.time()
    train(model, recipe, torch.from_numpy(xtr).to(device), torch.from_numpy(ytr).to(device),
          epochs, args.seed, device)
    seconds = time.time() - start
    model = model.cpu().eval()
    torch_logits = predict(model, torch.from_numpy(xte))
    torch_pred = torch_logits.argmax(1)
    torch_correct = int((torch_pred == yte).sum())

    path = args.out / recipe.file
    export_onnx(model, torch.from_numpy(xte[:1]), path, {
        "exmy.source": "models/train.py", "exmy.seed": args.seed,
        "exmy.input": "x float32 [N,1,28,28], Fashion-MNIST byte / 255"
                      if recipe.dataset == "fashion-mnist" else
                      "x float32 [N,64], scikit-learn digits value (0..16) / 16",
        "exmy.torch_top1": f"{torch_correct}/{len(yte)}"})
    ort_logits = run_onnxruntime(path, xte, args.threads)
    ort_pred = ort_logits.argmax(1)
    ort_correct = int((ort_pred == yte).sum())
    ops = op_types(path)
    extra = sorted(set(ops) - ALLOWED_OPS)
    if extra:
      raise RuntimeError(f"{path}: operators outside the allowed list: {extra}")
    if name == "cnn" and "BatchNormalization" not in ops:
      raise RuntimeError(f"{path}: BatchNormalization was folded away")
    diff = float(np.abs(ort_logits - torch_logits).max())
    params = sum(p.numel() for p in model.parameters())
    macs = count_macs(path)
    print(f"{name}: torch top-1 {100 * torch_correct / len(yte):.2f}%, onnxruntime "
          f"{100 * ort_correct / len(yte):.2f}%, max |logit diff| {diff:.2e}, {macs} MACs, "
          f"{params} params, ops {' '.join(ops)}, {seconds:.0f} s", file=sys.stderr, flush=True)

    if recipe.dataset == "fashion-mnist":
      split = "t10k (all 10000 test images)"
    else:
      split = f"last {DIGITS_TEST_ROWS} of {DIGITS_TEST_ROWS + xtr.shape[0]} rows"
      if args.quick:
        split += " (quick)"
      npz = args.out / TEST_MODELS / "digits_test.npz"
      atomic_write(npz, lambda tmp: np.savez(open(tmp, "wb"), x=xte, y=yte))
    rows[name] = {
        "model": name, "file": recipe.file.as_posix(), "dataset": recipe.dataset, "split": split,
        "input_shape": "N,1,28,28" if recipe.dataset == "fashion-mnist" else "N,64",
        "test_images": len(yte), "torch_correct": torch_correct,
        "torch_top1": f"{100 * torch_correct / len(yte):.2f}",
        "onnxruntime_correct": ort_correct, "onnxruntime_top1": f"{100 * ort_correct / len(yte):.2f}",
        "argmax_disagreements": int((ort_pred != torch_pred).sum()),
        "max_abs_logit_diff": f"{diff:.3g}", "macs_per_image": macs, "params": params,
        "opset": OPSET, "torch_version": torch.__version__, "onnxruntime_version": ort.__version__,
        "seed": args.seed, "epochs": epochs, "threads": args.threads, "device": args.device,
        "train_seconds": f"{seconds:.0f}", "sha256": sha256(path),
    }

    def write_csv(tmp: Path):
      with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, lineterminator="\n")
        w.writeheader()
        for key in sorted(rows, key=lambda k: list(RECIPES).index(k) if k in RECIPES else 99):
          w.writerow({k: rows[key].get(k, "") for k in CSV_FIELDS})

    atomic_write(args.out / ACCURACY_CSV, write_csv)
  return 0


if __name__ == "__main__":
  try:
    sys.exit(main(sys.argv[1:]))
  except InputError as e:
    print(f"train.py: error: {e}", file=sys.stderr)
    sys.exit(2)
