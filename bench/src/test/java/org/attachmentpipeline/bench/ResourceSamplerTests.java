package org.attachmentpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The JIT compiler's CPU is read from each thread's {@code /proc} stat line. */
class ResourceSamplerTests {

  @Test
  void countsUserAndSystemTicksOfCompilerThreadsOnly() {
    String compiler =
        "4242 (C2 CompilerThre) S 4200 4200 0 0 -1 1077936192 9 0 0 0 1234 56 0 0 20 0 1 0";
    String other = "4243 (weird (name) x) S 4200 4200 0 0 -1 1077936192 9 0 0 0 999 9 0 0 20 0 1 0";

    assertThat(ResourceSampler.compilerTicks(compiler)).isEqualTo(1234 + 56);
    assertThat(ResourceSampler.compilerTicks(other)).isZero();
  }

  @Test
  void aLineThatIsNotWholeCountsNothing() {
    assertThat(ResourceSampler.compilerTicks("")).isZero();
    assertThat(ResourceSampler.compilerTicks("4242 (C1 CompilerThre) S 4200")).isZero();
  }
}
