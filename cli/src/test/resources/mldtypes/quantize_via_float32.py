#!/usr/bin/env python3
"""Writes quantize_via_float32.csv: what ml_dtypes makes of decimal inputs, for CliQuantizeConformanceTest.

Each input string goes the way a NumPy user's data goes: Python's float() (the nearest binary64,
correctly rounded), then np.array(..., dtype=np.float64).astype(<ml_dtypes type>). ml_dtypes casts
a float64 array through float32, so near a midpoint of the target format the result can differ
from rounding the exact decimal (double rounding); `exmy quantize --via float32` must reproduce
every row, and plain `exmy quantize` must differ on some of the midpoint rows.

Inputs per format: every finite value; every midpoint between neighbouring finite values (and the
overflow midpoint above the largest), exactly and moved by a relative 2^-30 (kept by float64, lost
by float32: the double-rounding cases), 2^-20 (kept by float32 too) and 10^-25 (lost by float64
already); both signs; 200 random log-uniform values; zeros, infinities, NaNs and out-of-range
exponents.

Run (the versions used are written into the CSV's first line):
    python3 -m venv .venv && .venv/bin/pip install ml-dtypes numpy
    .venv/bin/python quantize_via_float32.py > quantize_via_float32.csv
"""
import math
import random
import sys
from decimal import Decimal, getcontext
from fractions import Fraction

import ml_dtypes
import numpy as np

FORMATS = ["float8_e4m3fn", "float8_e5m2", "float6_e3m2fn", "float4_e2m1fn"]
getcontext().prec = 400  # exact for every dyadic rational written here


def exact(fr):
    """The exact decimal text of a dyadic rational."""
    d = Decimal(fr.numerator) / Decimal(fr.denominator)
    s = str(d.normalize())
    return s


def rounded(fr, digits=50):
    """A decimal of `digits` significant digits close to fr (for offsets below binary64's reach)."""
    with_ctx = getcontext().copy()
    with_ctx.prec = digits
    return str(with_ctx.divide(Decimal(fr.numerator), Decimal(fr.denominator)))


def finite_values(dtype):
    """Sorted distinct non-negative finite values of the format, as Fractions."""
    bits = {"float8": 8, "float6": 6, "float4": 4}[dtype.split("_")[0]]
    codes = np.arange(1 << bits, dtype=np.uint8)
    vals = codes.view(getattr(ml_dtypes, dtype)).astype(np.float64)
    return sorted({Fraction(float(v)) for v in vals if math.isfinite(v) and v >= 0})


def inputs(dtype, rnd):
    vals = finite_values(dtype)
    out = []
    for v in vals:
        out += [exact(v), exact(-v)]
    ulp_at_max = vals[-1] - vals[-2]
    edges = list(zip(vals, vals[1:])) + [(vals[-1], vals[-1] + ulp_at_max)]
    for a, b in edges:
        m = (a + b) / 2
        for s in (1, -1):
            out.append(exact(s * m))
            for rel in (Fraction(1, 2**30), Fraction(1, 2**20)):
                out += [exact(s * m * (1 + rel)), exact(s * m * (1 - rel))]
            rel = Fraction(1, 10**25)
            out += [rounded(s * m * (1 + rel)), rounded(s * m * (1 - rel))]
    lo, hi = math.log(float(vals[1]) / 4), math.log(float(vals[-1]) * 2)
    for _ in range(200):
        x = math.exp(rnd.uniform(lo, hi)) * rnd.choice((1, -1))
        out.append(repr(x))
    out += ["0", "-0", "0.0", "-0.0", "inf", "-inf", "nan", "-nan", "1e400", "-1e400", "1e-400", "-1e-400",
            "1e39", "-1e39", "3.4028235677973366e38"]
    return out


def main():
    rnd = random.Random(2024)
    w = sys.stdout
    w.write(f"# ml_dtypes {ml_dtypes.__version__}, numpy {np.__version__}: "
            "np.array([float(input)]).astype(format).view(np.uint8)\n")
    w.write("format,input,code\n")
    for name in FORMATS:
        texts = inputs(name, rnd)
        arr = np.array([float(t) for t in texts], dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            codes = arr.astype(getattr(ml_dtypes, name)).view(np.uint8)
        for t, c in zip(texts, codes):
            w.write(f"{name},{t},0x{int(c):02x}\n")


if __name__ == "__main__":
    main()
