#!/usr/bin/env python3
"""Train, export and check exmy's text reference model: a small BERT-style encoder.

Task ("pair sentiment", 3 classes), generated here from a seeded NumPy generator, no download:
every example is `[CLS] A [SEP] B [SEP]` padded with [PAD] to 32 tokens, A and B each 3..14
tokens drawn independently ('not' and 'very' 10 % each, the 27 other words uniformly). A
segment's score is the sum of its sentiment words' values (5..10: +1, 11..13: +2, 14..19: -1,
20..22: -2, 23..31: 0), each negated when the token just before it is 'not' and doubled when it
is 'very'. Label: 0 if score(A) > score(B), 1 if score(A) < score(B), 2 if they are equal.

The label is a function of the tokens (no label noise): the model must add up each segment
(token types tell them apart, the padding mask keeps [PAD] out of the attention), look one
token back for the modifiers, and compare; a small model misses some near ties.

Inputs (all int64 [N,32]): input_ids (0 [PAD], 1 [CLS], 2 [SEP], 3 'not', 4 'very', 5..31 words), attention_mask (1
on tokens, 0 on padding), token_type_ids (0 for [CLS] A [SEP], 1 for B [SEP], 0 on padding).
Output: logits float32 [N,3].

Writes (under --out, default the repository):
  nn/src/main/resources/org/exmy/nn/models/text_bert.onnx
  nn/src/main/resources/org/exmy/nn/models/text_bert.npz       (test split + calib_* calibration split)
  nn/src/test/resources/org/exmy/nn/models/text_bert_ort.npz   (ort_pred: ONNX Runtime's test predictions)
  models/accuracy.csv                                          (row "bert"; other rows kept)

  python3 models/train_bert.py [--device cuda] [--out DIR] [--quick]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import train  # noqa: E402  (shared helpers: atomic_write, seeding, csv, operator list)

REPO = Path(__file__).resolve().parent.parent
MODEL_FILE = train.MAIN_MODELS / "text_bert.onnx"
DATA_FILE = train.MAIN_MODELS / "text_bert.npz"
ORT_FILE = train.TEST_MODELS / "text_bert_ort.npz"
SEQ = 32
VOCAB = 32
PAD, CLS, SEP, NOT, VERY = 0, 1, 2, 3, 4
# word values: 5..10 +1, 11..13 +2, 14..19 -1, 20..22 -2, 23..31 neutral (0)
VALUES = np.array([0] * 5 + [1] * 6 + [2] * 3 + [-1] * 6 + [-2] * 3 + [0] * 9, np.int64)
MIN_LEN, MAX_LEN = 3, 14  # 3 + 14 + 14 = 31 tokens at most
CLASSES = 3
N_TRAIN, N_CALIB, N_TEST = 100000, 512, 2000
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


# ---------------------------------------------------------------------------------------------
# Data


def segment_score(seg) -> int:
  """The sentiment of one segment: the sum of its sentiment words' values, each multiplied by -1
  after 'not' and by 2 after 'very' (the token just before it, inside the segment)."""
  score = 0
  for j, t in enumerate(seg):
    v = int(VALUES[t])
    if v and j > 0:
      v *= -1 if seg[j - 1] == NOT else 2 if seg[j - 1] == VERY else 1
    score += v
  return score


def make_split(rng: np.random.Generator, n: int):
  """n examples of the pair-sentiment task: (input_ids, attention_mask, token_type_ids, y)."""
  ids = np.full((n, SEQ), PAD, np.int64)
  mask = np.zeros((n, SEQ), np.int64)
  types = np.zeros((n, SEQ), np.int64)
  y = np.zeros(n, np.int64)
  p = np.full(VOCAB - NOT, 0.8 / (VOCAB - NOT - 2))
  p[:2] = 0.1  # 'not', 'very'
  for i in range(n):
    la, lb = (int(v) for v in rng.integers(MIN_LEN, MAX_LEN + 1, 2))
    a = rng.choice(np.arange(NOT, VOCAB), la, p=p)
    b = rng.choice(np.arange(NOT, VOCAB), lb, p=p)
    sa, sb = segment_score(a), segment_score(b)
    seq = [CLS, *a.tolist(), SEP, *b.tolist(), SEP]
    ids[i, :len(seq)] = seq
    mask[i, :len(seq)] = 1
    types[i, la + 2:len(seq)] = 1
    y[i] = 0 if sa > sb else 1 if sa < sb else 2
  return ids, mask, types, y


def make_data(seed: int, n_train: int = N_TRAIN):
  """Train, calibration and test splits, each from its own seeded stream (the calibration and
  test splits do not depend on n_train)."""
  return {name: make_split(np.random.default_rng([seed, k]), n)
          for k, (name, n) in enumerate([("train", n_train), ("calib", N_CALIB),
                                         ("test", N_TEST)])}


# ---------------------------------------------------------------------------------------------
# Model


def build_model(dim=64, depth=2, heads=4, ffn=128):
  import torch
  from torch import nn

  class Attention(nn.Module):
    """Multi-head self-attention; `bias` [N,1,1,L] is 0 on tokens and -1e4 on padding."""

    def __init__(self):
      super().__init__()
      self.head_dim = dim // heads
      self.scale = self.head_dim ** -0.5  # 0.25 for 16-wide heads
      self.q, self.k, self.v, self.proj = (nn.Linear(dim, dim) for _ in range(4))

    def split(self, t):
      return t.reshape(-1, SEQ, heads, self.head_dim).transpose(1, 2)

    def forward(self, x, bias):
      q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
      att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) * self.scale + bias, dim=-1)
      return self.proj(torch.matmul(att, v).transpose(1, 2).reshape(-1, SEQ, dim))

  class Layer(nn.Module):
    """Post-norm (original BERT) encoder layer with exact (erf) GELU."""

    def __init__(self):
      super().__init__()
      self.attn = Attention()
      self.ln1 = nn.LayerNorm(dim)
      self.fc1 = nn.Linear(dim, ffn)
      self.fc2 = nn.Linear(ffn, dim)
      self.ln2 = nn.LayerNorm(dim)

    def forward(self, x, bias):
      x = self.ln1(x + self.attn(x, bias))
      return self.ln2(x + self.fc2(nn.functional.gelu(self.fc1(x))))

  class TextBert(nn.Module):
    """Token + position + segment embeddings, LayerNorm, `depth` layers, tanh pooler on [CLS]."""

    def __init__(self):
      super().__init__()
      self.tok = nn.Embedding(VOCAB, dim)
      self.pos = nn.Parameter(torch.zeros(1, SEQ, dim))
      self.typ = nn.Embedding(2, dim)
      self.emb_ln = nn.LayerNorm(dim)
      self.layers = nn.ModuleList(Layer() for _ in range(depth))
      self.pool = nn.Linear(dim, dim)
      self.head = nn.Linear(dim, CLASSES)
      for m in self.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
          nn.init.trunc_normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear):
          nn.init.zeros_(m.bias)
      nn.init.trunc_normal_(self.pos, std=0.02)

    def forward(self, input_ids, attention_mask, token_type_ids):
      x = self.emb_ln(self.tok(input_ids) + self.pos + self.typ(token_type_ids))
      # arithmetic mask (no Where/Equal): 0 where attention_mask is 1, -1e4 where it is 0
      bias = (1.0 - attention_mask.to(torch.float32)).unsqueeze(1).unsqueeze(2) * -10000.0
      for layer in self.layers:
        x = layer(x, bias)
      return self.head(torch.tanh(self.pool(x[:, 0])))

  return TextBert()


# ---------------------------------------------------------------------------------------------
# Train, export, check


def run_training(model, data, epochs, seed, device, batch=128, lr=1e-3, wd=0.01, warmup=1.0):
  import torch
  import torch.nn.functional as F
  tensors = [torch.from_numpy(a).to(device) for a in data]
  *xs, y = tensors
  n = y.shape[0]
  gen = torch.Generator(device=device).manual_seed(seed)
  decay = [p for name, p in model.named_parameters() if p.ndim > 1 and name != "pos"
           and not name.startswith(("tok.", "typ."))]
  keep = [p for name, p in model.named_parameters() if not any(p is q for q in decay)]
  opt = torch.optim.AdamW([{"params": decay, "weight_decay": wd},
                           {"params": keep, "weight_decay": 0.0}], lr=lr)
  steps = math.ceil(n / batch) * epochs
  warm = warmup * steps / epochs

  def factor(step):
    if step < warm:
      return (step + 1) / warm
    return 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1.0, steps - warm)))

  sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
  model.train()
  for epoch in range(epochs):
    start, total, correct = time.time(), 0.0, 0
    perm = torch.randperm(n, generator=gen, device=device)
    for i in range(0, n, batch):
      idx = perm[i:i + batch]
      logits = model(*(x[idx] for x in xs))
      loss = F.cross_entropy(logits, y[idx])
      opt.zero_grad(set_to_none=True)
      loss.backward()
      opt.step()
      sched.step()
      total += loss.item() * len(idx)
      correct += (logits.argmax(1) == y[idx]).sum().item()
    print(f"  epoch {epoch + 1}/{epochs}: loss {total / n:.4f}, train top-1 "
          f"{100 * correct / n:.2f}%, {time.time() - start:.1f} s", file=sys.stderr, flush=True)


def predict(model, xs, batch=500):
  import torch
  model.eval()
  with torch.no_grad():
    return np.concatenate([
        model(*(torch.from_numpy(x[i:i + batch]) for x in xs)).numpy()
        for i in range(0, xs[0].shape[0], batch)])


def export_onnx(model, xs, path: Path, metadata: dict):
  import onnx
  import torch
  model.eval()
  example = tuple(torch.from_numpy(x[:2]) for x in xs)
  axes = {name: {0: "N"} for name in INPUTS}
  axes["logits"] = {0: "N"}

  def write(tmp: Path):
    torch.onnx.export(model, example, str(tmp), dynamo=False, opset_version=train.OPSET,
                      input_names=list(INPUTS), output_names=["logits"], dynamic_axes=axes,
                      do_constant_folding=True, export_params=True)
    proto = onnx.load(str(tmp))
    train.name_transposed_weights(proto)
    for key, value in metadata.items():
      entry = proto.metadata_props.add()
      entry.key, entry.value = key, str(value)
    onnx.checker.check_model(proto, full_check=True)
    onnx.save(proto, str(tmp))

  train.atomic_write(path, write)


def run_onnxruntime(path: Path, xs, threads: int, batch=500) -> np.ndarray:
  import onnxruntime as ort
  options = ort.SessionOptions()
  options.intra_op_num_threads = threads
  options.inter_op_num_threads = 1
  session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
  names = [i.name for i in session.get_inputs()]
  if names != list(INPUTS) or [o.name for o in session.get_outputs()] != ["logits"]:
    raise RuntimeError(f"{path}: inputs {names}, expected {list(INPUTS)} -> logits")
  parts, i = [], 0
  while i < xs[0].shape[0]:  # uneven batches: the batch dimension must really be dynamic
    n = batch if i else 7
    parts.append(session.run(["logits"], {k: x[i:i + n] for k, x in zip(INPUTS, xs)})[0])
    i += n
  return np.concatenate(parts)


def count_macs(path: Path) -> int:
  """Multiply-accumulates per example of Gemm and MatMul (shape inference with N = 1)."""
  import onnx
  proto = onnx.load(str(path))
  for inp in proto.graph.input:
    dim = inp.type.tensor_type.shape.dim[0]
    dim.Clear()
    dim.dim_value = 1
  proto = onnx.shape_inference.infer_shapes(proto, strict_mode=True)
  shapes = {t.name: list(t.dims) for t in proto.graph.initializer}
  for vi in list(proto.graph.value_info) + list(proto.graph.input) + list(proto.graph.output):
    shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
  macs = 0
  for node in proto.graph.node:
    if node.op_type == "Gemm":
      macs += math.prod(shapes[node.output[0]]) * shapes[node.input[0]][1]
    elif node.op_type == "MatMul":
      macs += math.prod(shapes[node.output[0]]) * shapes[node.input[0]][-1]
  return macs


def main(argv):
  p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  p.add_argument("--seed", type=int, default=0)
  p.add_argument("--threads", type=int, default=2)
  p.add_argument("--epochs", type=int, default=40)
  p.add_argument("--device", default="cpu")
  p.add_argument("--out", type=Path, default=REPO)
  p.add_argument("--train-pairs", type=int, default=N_TRAIN)
  p.add_argument("--quick", action="store_true", help="4,000 training pairs, 2 epochs")
  args = p.parse_args(argv)
  if args.quick and args.out.resolve() == REPO:
    raise train.InputError("--quick: give --out DIR, it must not replace the committed files")
  import onnxruntime as ort
  import torch
  torch.set_num_threads(args.threads)
  train.seed_everything(args.seed)
  data = make_data(args.seed, 4000 if args.quick else args.train_pairs)
  tr, ca, te = data["train"], data["calib"], data["test"]
  seen = {tuple(r) for r in tr[0]}
  overlap = sum(tuple(r) in seen for r in te[0])
  print(f"bert: {len(tr[3])} training pairs, test {len(te[3])} ({overlap} also in training), "
        f"classes {np.bincount(te[3]).tolist()}", file=sys.stderr, flush=True)
  epochs = 2 if args.quick else args.epochs
  model = build_model().to(args.device)
  start = time.time()
  run_training(model, tr, epochs, args.seed, torch.device(args.device))
  seconds = time.time() - start
  model = model.cpu().eval()
  xs = te[:3]
  torch_logits = predict(model, xs)
  torch_pred = torch_logits.argmax(1)
  torch_correct = int((torch_pred == te[3]).sum())

  path = args.out / MODEL_FILE
  export_onnx(model, xs, path, {
      "exmy.source": "models/train_bert.py", "exmy.seed": args.seed,
      "exmy.input": "input_ids, attention_mask, token_type_ids int64 [N,32]; pair-"
                    "sentiment task of models/train_bert.py (0 A>B, 1 A<B, 2 equal)",
      "exmy.torch_top1": f"{torch_correct}/{len(te[3])}"})
  ort_logits = run_onnxruntime(path, xs, args.threads)
  ort_pred = ort_logits.argmax(1)
  ort_correct = int((ort_pred == te[3]).sum())
  ops = train.op_types(path)
  extra = sorted(set(ops) - train.ALLOWED_OPS)
  if extra:
    raise RuntimeError(f"{path}: operators outside the allowed list: {extra}")
  diff = float(np.abs(ort_logits - torch_logits).max())
  params = sum(q.numel() for q in model.parameters())
  macs = count_macs(path)
  print(f"bert: torch top-1 {100 * torch_correct / len(te[3]):.2f}%, onnxruntime "
        f"{100 * ort_correct / len(te[3]):.2f}%, {int((ort_pred != torch_pred).sum())} "
        f"disagreements, max |logit diff| {diff:.2e}, {macs} MACs, {params} params, "
        f"ops {' '.join(ops)}, {seconds:.0f} s", file=sys.stderr, flush=True)

  arrays = {k: v for k, v in zip(INPUTS, xs)}
  arrays["y"] = te[3]
  for k, v in zip(INPUTS + ("y",), ca):
    arrays["calib_" + k] = v
  train.atomic_write(args.out / DATA_FILE,
                     lambda tmp: np.savez_compressed(open(tmp, "wb"), **arrays))
  train.atomic_write(args.out / ORT_FILE, lambda tmp: np.savez_compressed(
      open(tmp, "wb"), ort_pred=ort_pred.astype(np.int64)))
  rows = train.read_csv_rows(args.out / train.ACCURACY_CSV)
  rows["bert"] = {
      "model": "bert", "file": MODEL_FILE.as_posix(), "dataset": "synthetic-pairs",
      "split": f"{len(te[3])} generated pairs (seed {args.seed})", "input_shape": f"N,{SEQ}",
      "test_images": len(te[3]), "torch_correct": torch_correct,
      "torch_top1": f"{100 * torch_correct / len(te[3]):.2f}",
      "onnxruntime_correct": ort_correct,
      "onnxruntime_top1": f"{100 * ort_correct / len(te[3]):.2f}",
      "argmax_disagreements": int((ort_pred != torch_pred).sum()),
      "max_abs_logit_diff": f"{diff:.3g}", "macs_per_image": macs, "params": params,
      "opset": train.OPSET, "torch_version": torch.__version__,
      "onnxruntime_version": ort.__version__, "seed": args.seed, "epochs": epochs,
      "threads": args.threads, "device": args.device, "train_seconds": f"{seconds:.0f}",
      "sha256": train.sha256(path),
  }
  order = list(train.RECIPES) + ["bert"]

  def write_csv(tmp: Path):
    import csv
    with open(tmp, "w", newline="") as f:
      w = csv.DictWriter(f, fieldnames=train.CSV_FIELDS, lineterminator="\n")
      w.writeheader()
      for key in sorted(rows, key=lambda k: order.index(k) if k in order else 99):
        w.writerow({k: rows[key].get(k, "") for k in train.CSV_FIELDS})

  train.atomic_write(args.out / train.ACCURACY_CSV, write_csv)
  return 0


if __name__ == "__main__":
  try:
    sys.exit(main(sys.argv[1:]))
  except train.InputError as e:
    print(f"train_bert.py: error: {e}", file=sys.stderr)
    sys.exit(2)
