package org.exmy.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.exmy.nn.onnx.OnnxLoader;
import org.junit.jupiter.api.Test;

/** The generated ResNet-18: its size, determinism, and exmy against ONNX Runtime. */
class ResNetsTest {
  @Test
  void hasTorchvisionsParameterCount() {
    // torchvision.models.resnet18(): 11,689,512 parameters
    assertEquals(11_689_512L, ResNets.parameters18());
  }

  @Test
  void isDeterministic() {
    assertArrayEquals(ResNets.resnet18(3, 32, 32), ResNets.resnet18(3, 32, 32));
  }

  @Test
  void exmyAgreesWithOnnxRuntimeAt64x64() {
    byte[] model = ResNets.resnet18(1, 64, 64);
    Tensor x = Rand.uniform(new SplittableRandom(2), 0, 1, 2, 3, 64, 64);
    Map<String, Tensor> want = Ort.runOrt(model, Map.of("x", x));
    Model m = OnnxLoader.load(model, "resnet18.onnx");
    try (Session s = new Session(m, LinearKernels.fp32(), 2)) {
      float[] got = s.runBatched(x, 1, null).floats();
      float[] ref = want.get("logits").floats();
      assertEquals(2000, ref.length);
      double scale = 0;
      for (float v : ref) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertTrue(scale > 0.1 && scale < 1e4, "logits of a sane size: " + scale);
      for (int i = 0; i < ref.length; i++) {
        double tol = Ort.REL * Math.abs(ref[i]) + Ort.ABS * Math.max(1, scale);
        assertTrue(
            Math.abs(got[i] - ref[i]) <= tol, "logit " + i + ": " + got[i] + " vs " + ref[i]);
      }
    }
  }
}
